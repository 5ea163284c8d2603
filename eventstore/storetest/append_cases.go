package storetest

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/parcours/parcours/eventstore"
)

func testExpectedRevision(t *testing.T, h Harness) {
	s := h.open(t)
	ctx := ctxT(t)
	// Prepare: "existing" has revisions 0..2.
	mustAppend(t, s, "existing", eventstore.NoStream, evs(3, "Seeded")...)
	cases := []struct {
		name   string
		stream string
		exp    eventstore.ExpectedRevision
		ok     bool
	}{
		{"any on new stream", "new-any", eventstore.Any, true},
		{"any on existing stream", "existing", eventstore.Any, true},
		{"no stream on new stream", "new-nostream", eventstore.NoStream, true},
		{"no stream on existing stream", "existing", eventstore.NoStream, false},
		{"stream exists on new stream", "new-exists", eventstore.StreamExists, false},
		{"stream exists on existing stream", "existing", eventstore.StreamExists, true},
		{"exact revision on new stream", "new-exact", eventstore.Exactly(0), false},
		{"exact revision too low", "existing", eventstore.Exactly(0), false},
		{"exact revision too high", "existing", eventstore.Exactly(99), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := s.Append(ctx, c.stream, c.exp, ev("Tried", `{}`))
			if c.ok && err != nil {
				t.Fatalf("want success, got %v", err)
			}
			if !c.ok && !errors.Is(err, eventstore.ErrWrongExpectedRevision) {
				t.Fatalf("want ErrWrongExpectedRevision, got %v (result %+v)", err, res)
			}
		})
	}
	// Exact revision that matches: "existing" now holds 0..4 (two successful appends above).
	events := readStream(t, s, "existing")
	last := events[len(events)-1].Revision
	res := mustAppend(t, s, "existing", eventstore.Exactly(last), ev("Exact", `{}`))
	if res.FirstRevision != last+1 || res.LastRevision != last+1 {
		t.Fatalf("exact append landed at %d..%d, want %d", res.FirstRevision, res.LastRevision, last+1)
	}
	if _, err := s.Append(ctx, "existing", eventstore.Exactly(last), ev("Stale", `{}`)); !errors.Is(err, eventstore.ErrWrongExpectedRevision) {
		t.Fatalf("stale exact revision: want conflict, got %v", err)
	}
	// A failed append must have written nothing.
	if got := len(readStream(t, s, "existing")); got != int(last)+2 {
		t.Fatalf("stream has %d events after refused appends, want %d", got, last+2)
	}
	if _, err := s.ReadStream(ctx, "new-exists", eventstore.ReadOptions{}); !errors.Is(err, eventstore.ErrStreamNotFound) {
		t.Fatalf("refused first append created the stream: %v", err)
	}
}

func testConflictCarriesActual(t *testing.T, h Harness) {
	s := h.open(t)
	ctx := ctxT(t)
	_, err := s.Append(ctx, "s", eventstore.Exactly(4), ev("E", `{}`))
	var ce *eventstore.ConflictError
	if !errors.As(err, &ce) || ce.Exists {
		t.Fatalf("conflict on missing stream: want *ConflictError with Exists=false, got %#v (%v)", ce, err)
	}
	mustAppend(t, s, "s", eventstore.NoStream, evs(3, "E")...)
	_, err = s.Append(ctx, "s", eventstore.Exactly(0), ev("E", `{}`))
	if !errors.As(err, &ce) || !ce.Exists || ce.Actual != 2 || ce.Stream != "s" {
		t.Fatalf("want conflict with actual revision 2, got %#v (%v)", ce, err)
	}
	if !errors.Is(err, eventstore.ErrWrongExpectedRevision) {
		t.Fatalf("conflict does not match the sentinel: %v", err)
	}
}

func testRacingWriters(t *testing.T, h Harness) {
	s := h.open(t)
	ctx := ctxT(t)
	const writers = 16
	rounds := 30 * h.Scale
	for round := 0; round < rounds; round++ {
		exp := eventstore.NoStream
		if round > 0 {
			exp = eventstore.Exactly(uint64(round - 1))
		}
		var wins, conflicts atomic.Int32
		var wg sync.WaitGroup
		start := make(chan struct{})
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := s.Append(ctx, "race", exp, ev("Raced", `{}`))
				switch {
				case err == nil:
					wins.Add(1)
				case errors.Is(err, eventstore.ErrWrongExpectedRevision):
					conflicts.Add(1)
				default:
					t.Errorf("round %d: unexpected error %v", round, err)
				}
			}()
		}
		close(start)
		wg.Wait()
		if wins.Load() != 1 || conflicts.Load() != writers-1 {
			t.Fatalf("round %d: %d winners and %d conflicts, want 1 and %d", round, wins.Load(), conflicts.Load(), writers-1)
		}
	}
	events := readStream(t, s, "race")
	if len(events) != rounds {
		t.Fatalf("stream has %d events after %d rounds", len(events), rounds)
	}
	if err := eventstore.VerifyChain(events, &eventstore.Hash{}); err != nil {
		t.Fatal(err)
	}
}

func testAtomicMultiEvent(t *testing.T, h Harness) {
	s := h.open(t)
	ctx := ctxT(t)
	res := mustAppend(t, s, "multi", eventstore.NoStream, evs(5, "Batch")...)
	if res.FirstRevision != 0 || res.LastRevision != 4 {
		t.Fatalf("5 events landed at %d..%d, want 0..4", res.FirstRevision, res.LastRevision)
	}
	events := readStream(t, s, "multi")
	if len(events) != 5 {
		t.Fatalf("read %d events, want 5", len(events))
	}
	for i, e := range events {
		if e.Revision != uint64(i) {
			t.Fatalf("event %d has revision %d", i, e.Revision)
		}
		if i > 0 && !events[i-1].Position.Less(e.Position) {
			t.Fatalf("positions not increasing inside one append: %s then %s", events[i-1].Position, e.Position)
		}
	}
	if events[4].Position != res.Position {
		t.Fatalf("result position %s, last event at %s", res.Position, events[4].Position)
	}
	// One bad event spoils the whole append.
	batch := evs(3, "Batch")
	batch[2].Data = []byte(`{"broken":`)
	if _, err := s.Append(ctx, "multi", eventstore.Exactly(4), batch...); !errors.Is(err, eventstore.ErrInvalidEvent) {
		t.Fatalf("append with one invalid event: want ErrInvalidEvent, got %v", err)
	}
	// A conflict spoils the whole append.
	if _, err := s.Append(ctx, "multi", eventstore.Exactly(1), evs(3, "Batch")...); !errors.Is(err, eventstore.ErrWrongExpectedRevision) {
		t.Fatalf("want conflict, got %v", err)
	}
	if n := len(readStream(t, s, "multi")); n != 5 {
		t.Fatalf("refused appends left %d events, want 5", n)
	}
	// An event ID used in another stream spoils the whole append.
	mustAppend(t, s, "other", eventstore.NoStream, batch[0:1]...)
	fresh := evs(2, "Batch")
	if _, err := s.Append(ctx, "multi", eventstore.Exactly(4), fresh[0], batch[0], fresh[1]); err == nil {
		t.Fatal("append reusing another stream's event id succeeded")
	}
	if n := len(readStream(t, s, "multi")); n != 5 {
		t.Fatalf("refused append left %d events, want 5", n)
	}
	if n := len(readAll(t, s, eventstore.Start)); n != 6 {
		t.Fatalf("global log holds %d events, want 6", n)
	}
}

func testIdempotentRetry(t *testing.T, h Harness) {
	s := h.open(t)
	ctx := ctxT(t)
	batch := evs(3, "Once")
	first := mustAppend(t, s, "idem", eventstore.NoStream, batch...)
	// The same append again, with the same expectation (now stale), as a
	// writer would after a timeout.
	again, err := s.Append(ctx, "idem", eventstore.NoStream, batch...)
	if err != nil {
		t.Fatalf("retry with the same ids: %v", err)
	}
	if again != first {
		t.Fatalf("retry answered %+v, first append %+v", again, first)
	}
	// And with Any, after another writer moved the stream on.
	mustAppend(t, s, "idem", eventstore.Any, ev("Later", `{}`))
	again, err = s.Append(ctx, "idem", eventstore.Any, batch...)
	if err != nil || again != first {
		t.Fatalf("retry after later events: %+v, %v; want %+v", again, err, first)
	}
	// A retry of a one-event append in the middle.
	mid := batch[1:2]
	res, err := s.Append(ctx, "idem", eventstore.Exactly(0), mid...)
	if err != nil || res.FirstRevision != 1 || res.LastRevision != 1 {
		t.Fatalf("retry of the middle event alone: %+v, %v", res, err)
	}
	if n := len(readStream(t, s, "idem")); n != 4 {
		t.Fatalf("stream has %d events after retries, want 4", n)
	}
	if n := len(readAll(t, s, eventstore.Start)); n != 4 {
		t.Fatalf("global log has %d events after retries, want 4", n)
	}
}

func testPartialOverlap(t *testing.T, h Harness) {
	s := h.open(t)
	ctx := ctxT(t)
	batch := evs(3, "Once")
	mustAppend(t, s, "p", eventstore.NoStream, batch...)
	cases := []struct {
		name   string
		stream string
		events []eventstore.Proposed
	}{
		{"stored events then a new one", "p", []eventstore.Proposed{batch[1], batch[2], ev("New", `{}`)}},
		{"a new event then stored ones", "p", []eventstore.Proposed{ev("New", `{}`), batch[0]}},
		{"stored events out of order", "p", []eventstore.Proposed{batch[2], batch[1]}},
		{"stored events not consecutive", "p", []eventstore.Proposed{batch[0], batch[2]}},
		{"same id, other data", "p", []eventstore.Proposed{{ID: batch[0].ID, Type: batch[0].Type, SchemaVersion: 1, Data: []byte(`{"n":99}`), Metadata: batch[0].Metadata}}},
		{"same id, other stream", "q", []eventstore.Proposed{batch[0]}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.Append(ctx, c.stream, eventstore.Any, c.events...)
			if !errors.Is(err, eventstore.ErrIdempotencyConflict) {
				t.Fatalf("want ErrIdempotencyConflict, got %v", err)
			}
		})
	}
	if n := len(readAll(t, s, eventstore.Start)); n != 3 {
		t.Fatalf("global log has %d events after refused retries, want 3", n)
	}
}

// testFailuresIsolatedInGroupCommits: appends that fail on a stored event
// ID (one event, or the last of several) while neighbours append at the
// same moment, so that a backend grouping commits puts them in one
// transaction, fail alone: each leaves nothing behind, not even the first
// events of a refused multi-event append, and every neighbour lands.
func testFailuresIsolatedInGroupCommits(t *testing.T, h Harness) {
	s := h.open(t)
	ctx := ctxT(t)
	stored := evs(1, "Stored")
	mustAppend(t, s, "stored", eventstore.NoStream, stored...)
	rounds, writers := 20*h.Scale, 8
	var wg sync.WaitGroup
	errs := make(chan error, rounds*writers)
	var good atomic.Int64
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stream := fmt.Sprintf("w-%d", w)
			for r := range rounds {
				var events []eventstore.Proposed
				switch (w + r) % 4 {
				case 0: // one event whose ID is stored in another stream
					events = []eventstore.Proposed{stored[0]}
				case 1: // new events, then one whose ID is stored
					events = append(evs(2, "Lost"), stored[0])
				default:
					events = evs(1+r%3, "Kept")
				}
				_, err := s.Append(ctx, stream, eventstore.Any, events...)
				switch {
				case (w+r)%4 < 2 && err == nil:
					errs <- fmt.Errorf("%s round %d: an append reusing a stored event ID succeeded", stream, r)
				case (w+r)%4 >= 2 && err != nil:
					errs <- fmt.Errorf("%s round %d: a good append failed beside failing ones: %w", stream, r, err)
				case err == nil:
					good.Add(int64(len(events)))
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	all := readAll(t, s, eventstore.Start)
	if int64(len(all)) != good.Load()+1 {
		t.Fatalf("global log has %d events, want the stored one and %d kept", len(all), good.Load())
	}
	for _, e := range all {
		if e.Type == "Lost" {
			t.Fatalf("an event of a refused append is stored: %s@%d", e.Stream, e.Revision)
		}
		if _, err := eventstore.VerifyStream(ctx, s, e.Stream); err != nil {
			t.Fatal(err)
		}
	}
}
