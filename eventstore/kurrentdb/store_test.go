package kurrentdb

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"

	"github.com/parcours/parcours/eventstore"
)

func openFake(t *testing.T, conn string, opts Options) *Store {
	t.Helper()
	s, err := Open(context.Background(), conn, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func proposed(n int) []eventstore.Proposed {
	out := make([]eventstore.Proposed, n)
	for i := range out {
		out[i] = eventstore.Proposed{ID: eventstore.NewEventID(), Type: "Added", SchemaVersion: 2,
			Data: []byte(`{"i":` + string(rune('0'+i)) + `}`), Metadata: []byte(`{"actor":"a","tenant":"t"}`)}
	}
	return out
}

// What the adapter sends: the prefixed stream, the head it read as the
// expected revision (never the caller's Any), the Parcours ID, type, JSON
// content type, data byte for byte, and the chain in the metadata envelope.
func TestAppendRequests(t *testing.T) {
	f, conn := startFake(t)
	s := openFake(t, conn, Options{StreamPrefix: "t1-"})
	ctx := context.Background()
	batch := proposed(2)
	if _, err := s.Append(ctx, "portfolio-1", eventstore.NoStream, batch...); err != nil {
		t.Fatal(err)
	}
	later := proposed(1)
	res, err := s.Append(ctx, "portfolio-1", eventstore.Any, later...)
	if err != nil || res.FirstRevision != 2 || res.LastRevision != 2 {
		t.Fatalf("append with Any: %+v, %v", res, err)
	}
	heads, msgs, _ := f.requests()
	if len(heads) != 2 {
		t.Fatalf("%d appends sent, want 2", len(heads))
	}
	want := []esdb.ExpectedRevision{esdb.NoStream{}, esdb.Revision(1)}
	for i, h := range heads {
		o := h.GetOptions()
		if got := string(o.GetStreamIdentifier().GetStreamName()); got != "t1-portfolio-1" {
			t.Errorf("append %d to %q", i, got)
		}
		var got esdb.ExpectedRevision
		switch {
		case o.GetNoStream() != nil:
			got = esdb.NoStream{}
		case o.GetAny() != nil:
			got = esdb.Any{}
		default:
			got = esdb.Revision(o.GetRevision())
		}
		if got != want[i] {
			t.Errorf("append %d expected %#v, want %#v", i, got, want[i])
		}
	}
	var prev eventstore.Hash
	for i, p := range append(batch, later...) {
		m := msgs[i/2][i%2]
		st := m.GetId().GetStructured()
		id, _ := esdb.ParseUUIDFromInt64(st.GetMostSignificantBits(), st.GetLeastSignificantBits())
		meta, cf, err := decodeEnvelope(m.GetCustomMetadata())
		switch {
		case id != uuid.UUID(p.ID) || m.GetMetadata()["type"] != p.Type || m.GetMetadata()["content-type"] != "application/json":
			t.Fatalf("event %d: id %s type %q content type %q", i, id, m.GetMetadata()["type"], m.GetMetadata()["content-type"])
		case string(m.GetData()) != string(p.Data) || err != nil || string(meta) != string(p.Metadata):
			t.Fatalf("event %d: data %s, metadata %s (%v)", i, m.GetData(), meta, err)
		case cf.SchemaVersion != 2 || cf.Prev != prev || cf.Hash != eventstore.ComputeHash("portfolio-1", uint64(i), p, prev):
			t.Fatalf("event %d: chain fields %+v do not link", i, cf)
		}
		prev = cf.Hash
	}
}

// Events of other tools are not Parcours events: the global log leaves them
// out, a stream read returns them so that verification points at them, and
// appends refuse to link onto them.
func TestForeignEvents(t *testing.T) {
	f, conn := startFake(t)
	s := openFake(t, conn, Options{})
	ctx := context.Background()
	ours := proposed(2)
	if _, err := s.Append(ctx, "portfolio-2", eventstore.NoStream, ours...); err != nil {
		t.Fatal(err)
	}
	f.inject("portfolio-2", "Injected", []byte(`{"x":1}`), []byte(`{"by":"someone"}`))
	f.inject("orders-7", "OrderPlaced", []byte(`{}`), nil)
	f.inject("$$portfolio-2", "$metadata", []byte(`{}`), nil)
	all, err := s.ReadAll(ctx, eventstore.Start, 100)
	if err != nil || len(all) != 2 || all[0].ID != ours[0].ID || all[1].ID != ours[1].ID {
		t.Fatalf("global log: %d events, %v", len(all), err)
	}
	head, err := s.Head(ctx)
	if err != nil || head != all[1].Position {
		t.Fatalf("head %s, %v; want %s", head, err, all[1].Position)
	}
	_, err = eventstore.VerifyStream(ctx, s, "portfolio-2")
	var ce *eventstore.ChainError
	if !errors.As(err, &ce) || ce.Revision != 2 {
		t.Fatalf("verify: want a break at revision 2, got %v", err)
	}
	if _, err := s.Append(ctx, "portfolio-2", eventstore.Any, proposed(1)...); !errors.Is(err, eventstore.ErrChainBroken) {
		t.Fatalf("append onto a foreign event: %v", err)
	}
}

// A dropped subscription resumes after the last event delivered: every
// event arrives once, in order.
func TestSubscribeResumesAfterDrop(t *testing.T) {
	f, conn := startFake(t)
	s := openFake(t, conn, Options{ReconnectDelay: 5 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	batch := proposed(5)
	res, err := s.Append(ctx, "sub", eventstore.NoStream, batch...)
	if err != nil {
		t.Fatal(err)
	}
	f.setDropAfter(2)
	var mu sync.Mutex
	var got []eventstore.Event
	err = s.Subscribe(ctx, eventstore.Start, func(e eventstore.Event) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, e)
		if len(got) == 5 {
			return errDone
		}
		return nil
	})
	if !errors.Is(err, errDone) {
		t.Fatalf("subscribe: %v", err)
	}
	for i, e := range got {
		if e.ID != batch[i].ID {
			t.Fatalf("event %d is %s, want %s", i, e.ID, batch[i].ID)
		}
	}
	_, _, from := f.requests()
	if len(from) != 3 || from[0] != (esdb.Start{}) {
		t.Fatalf("subscriptions started from %v", from)
	}
	if p, ok := from[1].(esdb.Position); !ok || fromClientPosition(p) != got[1].Position {
		t.Fatalf("resumed from %v, last delivered at %s", from[1], got[1].Position)
	}
	if got[4].Position != res.Position {
		t.Fatalf("append result at %s, event read at %s", res.Position, got[4].Position)
	}
}

var errDone = errors.New("done")

// An append the server refuses for its size is ErrEventTooLarge.
func TestServerSizeLimit(t *testing.T) {
	f, conn := startFake(t)
	s := openFake(t, conn, Options{})
	f.mu.Lock()
	f.maxAppend = 10_000
	f.mu.Unlock()
	p := proposed(1)[0]
	p.Data = []byte(`"` + strings.Repeat("x", 20_000) + `"`)
	if _, err := s.Append(context.Background(), "big", eventstore.Any, p); !errors.Is(err, eventstore.ErrEventTooLarge) {
		t.Fatalf("oversized append: %v", err)
	}
}

// A retry that straddles the edge of the search window is still judged as
// a whole, by another process (no remembered IDs).
func TestRetryAcrossWindowEdge(t *testing.T) {
	_, conn := startFake(t)
	ctx := context.Background()
	batch := proposed(3)
	first, err := openFake(t, conn, Options{}).Append(ctx, "w", eventstore.Any, batch...)
	if err != nil {
		t.Fatal(err)
	}
	other := openFake(t, conn, Options{RetryWindow: 2})
	if _, err := other.Append(ctx, "w", eventstore.Any, proposed(1)...); err != nil {
		t.Fatal(err)
	}
	again, err := other.Append(ctx, "w", eventstore.Any, batch...)
	if err != nil || again != first {
		t.Fatalf("retry: %+v, %v; want %+v", again, err, first)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := Open(ctx, "postgres://u:pw@h/db", Options{}); err == nil {
		t.Error("opened a postgres URL")
	}
	if _, err := Open(ctx, "esdb://127.0.0.1:2113?tls=false", Options{StreamPrefix: "bad prefix"}); err == nil {
		t.Error("accepted a prefix with a space")
	}
	start := time.Now()
	_, err := Open(ctx, "kurrentdb://admin:s3cr3t@127.0.0.1:1?tls=false&maxDiscoverAttempts=1", Options{})
	if err == nil || strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("open with no server: %v", err)
	}
	t.Logf("no server: %v (after %s)", err, time.Since(start).Round(time.Millisecond))
}

func TestClose(t *testing.T) {
	_, conn := startFake(t)
	s := openFake(t, conn, Options{})
	ctx := context.Background()
	subErr := make(chan error, 1)
	go func() { subErr <- s.Subscribe(ctx, eventstore.Start, func(eventstore.Event) error { return nil }) }()
	time.Sleep(50 * time.Millisecond)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-subErr; !errors.Is(err, eventstore.ErrClosed) {
		t.Fatalf("subscription ended with %v, want ErrClosed", err)
	}
	_, err1 := s.Append(ctx, "s", eventstore.Any, proposed(1)...)
	_, err2 := s.ReadStream(ctx, "s", eventstore.ReadOptions{})
	_, err3 := s.ReadAll(ctx, eventstore.Start, 1)
	_, err4 := s.Head(ctx)
	err5 := s.Subscribe(ctx, eventstore.Start, func(eventstore.Event) error { return nil })
	for i, err := range []error{err1, err2, err3, err4, err5} {
		if !errors.Is(err, eventstore.ErrClosed) {
			t.Errorf("call %d after Close: %v", i+1, err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

// A stream prefix is a namespace: each store's global log holds only its
// own events, even those of an unprefixed store, whose streams have no
// recognisable name.
func TestNamespaces(t *testing.T) {
	_, conn := startFake(t)
	ctx := context.Background()
	a := openFake(t, conn, Options{StreamPrefix: "a."})
	b := openFake(t, conn, Options{})
	pa, pb := proposed(2), proposed(3)
	if _, err := a.Append(ctx, "portfolio-1", eventstore.NoStream, pa...); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Append(ctx, "portfolio-1", eventstore.NoStream, pb...); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		s    *Store
		want []eventstore.Proposed
	}{{a, pa}, {b, pb}} {
		all, err := c.s.ReadAll(ctx, eventstore.Start, 100)
		if err != nil || len(all) != len(c.want) {
			t.Fatalf("prefix %q: %d events in the log, %v", c.s.opts.StreamPrefix, len(all), err)
		}
		for i, e := range all {
			if e.ID != c.want[i].ID || e.Stream != "portfolio-1" {
				t.Fatalf("prefix %q: event %d is %s of %s", c.s.opts.StreamPrefix, i, e.ID, e.Stream)
			}
		}
		if v, err := eventstore.VerifyLog(ctx, c.s); err != nil || v.Events != uint64(len(c.want)) {
			t.Fatalf("prefix %q: verify log: %+v, %v", c.s.opts.StreamPrefix, v, err)
		}
	}
	// Read through the wrong store, a's events are not Parcours events.
	if _, err := eventstore.VerifyStream(ctx, b, "a.portfolio-1"); !errors.Is(err, eventstore.ErrChainBroken) {
		t.Fatalf("a's stream verified through b: %v", err)
	}
}
