package postgres

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/parcours/parcours/eventstore"
)

// follower records what a subscription receives and checks that positions
// only increase.
type follower struct {
	mu     sync.Mutex
	events []eventstore.Event
	err    error
}

func (f *follower) handle(e eventstore.Event) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n := len(f.events); n > 0 && !f.events[n-1].Position.Less(e.Position) {
		f.err = fmt.Errorf("event at %s delivered after %s", e.Position, f.events[n-1].Position)
		return f.err
	}
	f.events = append(f.events, e)
	return nil
}

func (f *follower) snapshot() ([]eventstore.Event, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]eventstore.Event(nil), f.events...), f.err
}

// waitFor waits until f holds n events, or fails the test after d.
func (f *follower) waitFor(t *testing.T, n int, d time.Duration) []eventstore.Event {
	t.Helper()
	for deadline := time.Now().Add(d); ; time.Sleep(10 * time.Millisecond) {
		got, err := f.snapshot()
		if err != nil {
			t.Fatal(err)
		}
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("subscriber has %d events after %s, want %d", len(got), d, n)
		}
	}
}

// follow subscribes f from the start until the test ends.
func follow(t *testing.T, s *Store, f *follower) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Subscribe(ctx, eventstore.Start, f.handle) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("subscription ended with %v", err)
		}
	})
}

func ids(events []eventstore.Event) []eventstore.EventID {
	out := make([]eventstore.EventID, len(events))
	for i, e := range events {
		out[i] = e.ID
	}
	return out
}

// TestSubscriberWaitsForOpenTransaction: an append whose transaction is
// still open when later appends commit holds the subscriber back; when it
// commits, the subscriber gets it before the later ones, and never skips it.
func TestSubscriberWaitsForOpenTransaction(t *testing.T) {
	conn := NewTestSchema(t)
	s := OpenTestStore(t, conn, Options{PollInterval: 50 * time.Millisecond, SettleTimeout: 100 * time.Millisecond})
	ctx := context.Background()
	first, err := s.Append(ctx, "before", eventstore.NoStream, loadEvent(eventstore.NewEventID()))
	if err != nil {
		t.Fatal(err)
	}
	var f follower
	follow(t, s, &f)
	f.waitFor(t, 1, 10*time.Second)

	// Another session inserts through the store's own insert statement and
	// keeps its transaction open.
	held, err := pgx.Connect(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close(ctx)
	tx, err := held.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	heldEvents := []eventstore.Proposed{loadEvent(eventstore.NewEventID()), loadEvent(eventstore.NewEventID())}
	if _, err := insertRows(ctx, tx.Conn(), linkRows(nil, "held", &eventstore.Chain{}, heldEvents)); err != nil {
		t.Fatal(err)
	}
	var later []eventstore.EventID
	for i := range 5 {
		e := loadEvent(eventstore.NewEventID())
		if _, err := s.Append(ctx, fmt.Sprintf("later-%d", i%2), eventstore.Any, e); err != nil {
			t.Fatal(err)
		}
		later = append(later, e.ID)
	}

	// The later appends are committed (ReadStream sees them), but the log
	// stops before the open transaction, and so does the subscriber.
	if _, err := s.ReadStream(ctx, "later-0", eventstore.ReadOptions{}); err != nil {
		t.Fatalf("later appends not visible to ReadStream: %v", err)
	}
	if all, err := s.ReadAll(ctx, eventstore.Start, 100); err != nil || len(all) != 1 {
		t.Fatalf("ReadAll with a transaction open below the later appends: %d events, %v; want only the first", len(all), err)
	}
	if head, err := s.Head(ctx); err != nil || head != first.Position {
		t.Fatalf("Head %s, %v; want %s, the last event below the open transaction", head, err, first.Position)
	}
	time.Sleep(300 * time.Millisecond) // several polls and settle rounds
	if got, _ := f.snapshot(); len(got) != 1 {
		t.Fatalf("subscriber passed the open transaction: got %d events", len(got))
	}

	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	got := f.waitFor(t, 1+len(heldEvents)+len(later), 10*time.Second)
	want := append([]eventstore.EventID{got[0].ID, heldEvents[0].ID, heldEvents[1].ID}, later...)
	if fmt.Sprint(ids(got)) != fmt.Sprint(want) {
		t.Fatalf("subscriber order:\n got %v\nwant %v (the open transaction first, then the later appends)", ids(got), want)
	}
	if all := checkLog(t, s); fmt.Sprint(ids(all)) != fmt.Sprint(want) {
		t.Fatalf("log order %v differs from the subscriber's", ids(all))
	}
}

// TestSessionSettings: every pooled connection carries the configured
// timeouts.
func TestSessionSettings(t *testing.T) {
	s := OpenTestStore(t, NewTestSchema(t), Options{StatementTimeout: 7 * time.Second, IdleInTxTimeout: 3 * time.Second})
	var stmt, idle string
	if err := s.pool.QueryRow(context.Background(), `SELECT current_setting('statement_timeout'), current_setting('idle_in_transaction_session_timeout')`).Scan(&stmt, &idle); err != nil {
		t.Fatal(err)
	}
	if stmt != "7s" || idle != "3s" {
		t.Fatalf("statement_timeout %s, idle_in_transaction_session_timeout %s; want 7s and 3s", stmt, idle)
	}
}

// TestTwoProcessesOneOrder: 16 writers in two processes append (to their
// own streams and to shared ones) while subscribers follow: one without a
// break, one that stops and resumes from its checkpoint every 300ms. Both
// receive every event exactly once, in the order of the final log.
func TestTwoProcessesOneOrder(t *testing.T) {
	conn := NewTestSchema(t)
	s := OpenTestStore(t, conn, Options{})
	seconds := 10.0
	if v, err := strconv.ParseFloat(os.Getenv("PARCOURS_TEST_LOAD_SECONDS"), 64); err == nil && v > 0 {
		seconds = v
	}
	var live, resumed follower
	follow(t, s, &live)
	stopResume := make(chan struct{})
	resumeDone := make(chan error, 1)
	go func() { resumeDone <- resumeLoop(s, &resumed, stopResume) }()

	log := newChildLog()
	var waits []func() error
	for p := range 2 {
		_, wait := startChild(t, childConfig{Conn: conn, Name: fmt.Sprintf("p%d", p), Writers: 8, Seconds: seconds, Shared: 4}, log)
		waits = append(waits, wait)
	}
	for _, wait := range waits {
		if err := wait(); err != nil {
			t.Fatalf("writer process: %v", err)
		}
	}
	all := checkLog(t, s)
	checkAcked(t, s, log)
	if n := log.acked(); n != len(log.order) || n == 0 {
		t.Fatalf("%d appends acknowledged of %d tried", n, len(log.order))
	}
	events := 0
	for _, a := range log.order {
		events += len(a.ids)
	}
	if events != len(all) {
		t.Fatalf("log holds %d events, %d acknowledged", len(all), events)
	}
	for name, f := range map[string]*follower{"live": &live, "resumed": &resumed} {
		got := f.waitFor(t, len(all), 60*time.Second)
		if len(got) != len(all) {
			t.Fatalf("%s subscriber got %d events, log holds %d", name, len(got), len(all))
		}
		for i := range all {
			if got[i].ID != all[i].ID || got[i].Position != all[i].Position {
				t.Fatalf("%s subscriber: event %d is %s at %s, the log has %s at %s", name, i, got[i].ID, got[i].Position, all[i].ID, all[i].Position)
			}
		}
	}
	close(stopResume)
	if err := <-resumeDone; err != nil {
		t.Fatal(err)
	}
	t.Logf("%d events in %d appends from 2 processes in %.0fs", len(all), len(log.order), seconds)
}

// resumeLoop subscribes from f's checkpoint, stops after 300ms, and starts
// again, until stop is closed.
func resumeLoop(s *Store, f *follower, stop chan struct{}) error {
	for {
		var from eventstore.Position
		if got, _ := f.snapshot(); len(got) > 0 {
			from = got[len(got)-1].Position
		}
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		err := s.Subscribe(ctx, from, f.handle)
		cancel()
		if err != nil && !errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("resumed subscription: %w", err)
		}
		select {
		case <-stop:
			return nil
		default:
		}
	}
}
