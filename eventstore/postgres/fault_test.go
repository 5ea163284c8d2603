package postgres

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/parcours/parcours/eventstore"
)

// envInt reads a positive count from the environment.
func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// TestKill9DuringAppends kills a process appending from 16 writers, in
// several cycles (PARCOURS_TEST_KILL_CYCLES, default 3; 50 for a long
// run). Then every acknowledged append is stored where it was
// acknowledged, byte for byte, every chain verifies, and retrying every
// append the children tried, with the same event IDs, stores each event
// exactly once.
func TestKill9DuringAppends(t *testing.T) {
	conn := NewTestSchema(t)
	s := OpenTestStore(t, conn, Options{})
	cycles := envInt("PARCOURS_TEST_KILL_CYCLES", 3)
	log := newChildLog()
	for c := range cycles {
		cmd, wait := startChild(t, childConfig{Conn: conn, Name: fmt.Sprintf("k%d", c), Writers: 16, Shared: 3}, log)
		// Kill at a random moment once the child is well under way.
		before := log.acked()
		deadline := time.Now().Add(30 * time.Second)
		for log.acked() < before+50 && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(time.Duration(rand.IntN(300)) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		var exit *exec.ExitError
		if err := wait(); !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("cycle %d: child ended with %v, want killed", c, err)
		}
	}
	acked := log.acked()
	t.Logf("%d cycles: %d appends tried, %d acknowledged", cycles, len(log.order), acked)
	checkAcked(t, s, log)
	before := checkLog(t, s)

	retryAll(t, s, log, before)
}

// retryAll retries every append the children tried, with the same event
// IDs and expectation: those stored answer as they did (or would have),
// the others go in, and the log before them does not change.
func retryAll(t *testing.T, s *Store, log *childLog, before []eventstore.Event) {
	t.Helper()
	ctx := context.Background()
	stored := map[eventstore.EventID]eventstore.Event{}
	for _, e := range before {
		stored[e.ID] = e
	}
	want := 0
	for _, a := range log.order {
		batch := make([]eventstore.Proposed, len(a.ids))
		for i, id := range a.ids {
			batch[i] = loadEvent(id)
		}
		res, err := s.Append(ctx, a.stream, a.exp, batch...)
		if err != nil {
			t.Fatalf("retry of an append to %s (expecting %s): %v", a.stream, a.exp, err)
		}
		if a.acked && res != a.res {
			t.Fatalf("retry of an acknowledged append answered %+v, first answer %+v", res, a.res)
		}
		if e, ok := stored[a.ids[0]]; ok && res.FirstRevision != e.Revision {
			t.Fatalf("retry of a stored append answered revision %d, stored at %d", res.FirstRevision, e.Revision)
		}
		want += len(a.ids)
	}
	after := checkLog(t, s)
	if len(after) != want {
		t.Fatalf("after the retries the log holds %d events, %d were tried", len(after), want)
	}
	for i, e := range before {
		if after[i].ID != e.ID || after[i].Position != e.Position {
			t.Fatalf("the retries changed the log before them at event %d", i)
		}
	}
}

// pgCluster runs pg_ctlcluster on the local server's cluster.
func pgCluster(action string, extra ...string) error {
	versions, err := os.ReadDir("/etc/postgresql")
	if err != nil || len(versions) == 0 {
		return fmt.Errorf("no cluster in /etc/postgresql: %v", err)
	}
	args := append([]string{"--skip-systemctl-redirect", versions[0].Name(), "main", action}, extra...)
	out, err := exec.Command("pg_ctlcluster", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_ctlcluster %s: %w: %s", strings.Join(args, " "), err, out)
	}
	return nil
}

// TestServerRestartDuringLoad stops PostgreSQL with -m immediate (a crash,
// as far as the database is concerned) while 8 writers append, and starts
// it again. Writers retry failed appends with the same event IDs. Nothing
// acknowledged is lost, nothing is stored twice, the store reconnects by
// itself (pool and listener), and a subscriber sees the whole log. It
// restarts the machine's server, which fails the tests of other packages
// that use it at that moment, so it runs only with
// PARCOURS_TEST_PG_RESTART=1, or with CI=true unless
// PARCOURS_TEST_PG_RESTART=0 (a CI script can then run it in a step of its
// own).
func TestServerRestartDuringLoad(t *testing.T) {
	switch gate := os.Getenv("PARCOURS_TEST_PG_RESTART"); {
	case gate == "0", gate != "1" && os.Getenv("CI") != "true":
		t.Skip("restarts the PostgreSQL server: set PARCOURS_TEST_PG_RESTART=1 (CI=true runs it too, unless PARCOURS_TEST_PG_RESTART=0)")
	}
	if _, err := exec.LookPath("pg_ctlcluster"); err != nil {
		t.Skip("no pg_ctlcluster on this machine")
	}
	conn := NewTestSchema(t)
	s := OpenTestStore(t, conn, Options{PollInterval: 200 * time.Millisecond})
	// Runs before the schema is dropped: whatever happened, the server
	// is up again.
	t.Cleanup(func() {
		if err := pgCluster("start"); err != nil && !strings.Contains(err.Error(), "already running") {
			t.Errorf("restart PostgreSQL after the test: %v", err)
		}
	})
	var f follower
	follow(t, s, &f)
	for deadline := time.Now().Add(10 * time.Second); s.listens.Load() == 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	listensBefore := s.listens.Load()

	load := startRetryingLoad(t, s, 8)
	time.Sleep(time.Second)
	err := pgCluster("stop", "-m", "immediate")
	if err == nil {
		time.Sleep(time.Second)
		err = pgCluster("start")
	}
	if err == nil {
		time.Sleep(2 * time.Second)
	}
	acked, retries := load.stop()
	if err != nil {
		t.Fatal(err)
	}
	if t.Failed() {
		return
	}
	all := checkLog(t, s)
	in := map[eventstore.EventID]bool{}
	for _, e := range all {
		in[e.ID] = true
	}
	for _, id := range acked {
		if !in[id] {
			t.Fatalf("acknowledged event %s lost", id)
		}
	}
	if len(all) != len(acked) {
		t.Fatalf("log holds %d events, %d acknowledged: retries stored some twice or stored unacknowledged ones", len(all), len(acked))
	}
	got := f.waitFor(t, len(all), 30*time.Second)
	if fmt.Sprint(ids(got)) != fmt.Sprint(ids(all)) {
		t.Fatal("the subscriber's events differ from the log")
	}
	if s.listens.Load() <= listensBefore {
		t.Fatal("the listener did not reconnect")
	}
	t.Logf("%d events; %d failed appends retried across the restart", len(all), retries)
}

// retryingLoad appends from several writers; a writer whose append fails
// retries it with the same event IDs until it goes through.
type retryingLoad struct {
	halt    chan struct{}
	wg      sync.WaitGroup
	mu      sync.Mutex
	acked   []eventstore.EventID
	retries int
}

func startRetryingLoad(t *testing.T, s *Store, writers int) *retryingLoad {
	l := &retryingLoad{halt: make(chan struct{})}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	for w := range writers {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for i := 0; ; i++ {
				select {
				case <-l.halt:
					return
				default:
				}
				stream := fmt.Sprintf("r-%d", i%3+3*w)
				if w%2 == 0 {
					stream = fmt.Sprintf("shared-%d", i%2)
				}
				batch := []eventstore.Proposed{loadEvent(eventstore.NewEventID()), loadEvent(eventstore.NewEventID())}
				if err := l.append(ctx, s, stream, batch); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	go func() { l.wg.Wait(); cancel() }()
	return l
}

func (l *retryingLoad) append(ctx context.Context, s *Store, stream string, batch []eventstore.Proposed) error {
	for {
		_, err := s.Append(ctx, stream, eventstore.Any, batch...)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return fmt.Errorf("append to %s never went through: %w", stream, err)
		}
		l.mu.Lock()
		l.retries++
		l.mu.Unlock()
		time.Sleep(50 * time.Millisecond)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, e := range batch {
		l.acked = append(l.acked, e.ID)
	}
	return nil
}

// stop ends the load once every writer's append in flight went through,
// and returns the acknowledged events and the number of retries.
func (l *retryingLoad) stop() ([]eventstore.EventID, int) {
	close(l.halt)
	l.wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.acked, l.retries
}
