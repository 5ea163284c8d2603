package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/parcours/parcours/eventstore"
)

func testReadStream(t *testing.T, h Harness) {
	s := h.open(t)
	ctx := ctxT(t)
	for i := 0; i < 10; i++ {
		mustAppend(t, s, "r", eventstore.Any, ev("R", fmt.Sprintf(`{"i":%d}`, i)))
		mustAppend(t, s, "noise", eventstore.Any, ev("N", `{}`))
	}
	revs := func(events []eventstore.Event) []uint64 {
		out := make([]uint64, len(events))
		for i, e := range events {
			if e.Stream != "r" {
				t.Fatalf("read of r returned an event of %s", e.Stream)
			}
			out[i] = e.Revision
		}
		return out
	}
	cases := []struct {
		name string
		opts eventstore.ReadOptions
		want []uint64
	}{
		{"all forwards", eventstore.ReadOptions{}, []uint64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{"forwards from 7", eventstore.ReadOptions{From: 7}, []uint64{7, 8, 9}},
		{"forwards from 2, limit 3", eventstore.ReadOptions{From: 2, Limit: 3}, []uint64{2, 3, 4}},
		{"forwards past the end", eventstore.ReadOptions{From: 10}, []uint64{}},
		{"backwards from end", eventstore.ReadOptions{Direction: eventstore.Backwards, FromEnd: true, Limit: 3}, []uint64{9, 8, 7}},
		{"backwards from 4", eventstore.ReadOptions{Direction: eventstore.Backwards, From: 4}, []uint64{4, 3, 2, 1, 0}},
		{"backwards from 4, limit 2", eventstore.ReadOptions{Direction: eventstore.Backwards, From: 4, Limit: 2}, []uint64{4, 3}},
		{"backwards from past the end", eventstore.ReadOptions{Direction: eventstore.Backwards, From: 50, Limit: 2}, []uint64{9, 8}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			events, err := s.ReadStream(ctx, "r", c.opts)
			if err != nil {
				t.Fatal(err)
			}
			got := revs(events)
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Fatalf("revisions %v, want %v", got, c.want)
			}
			for _, e := range events {
				if want := fmt.Sprintf(`{"i":%d}`, e.Revision); string(e.Data) != want {
					t.Fatalf("revision %d holds %s, want %s", e.Revision, e.Data, want)
				}
			}
		})
	}
}

func testStreamNotFound(t *testing.T, h Harness) {
	s := h.open(t)
	ctx := ctxT(t)
	for _, opts := range []eventstore.ReadOptions{{}, {Direction: eventstore.Backwards, FromEnd: true}} {
		if _, err := s.ReadStream(ctx, "missing", opts); !errors.Is(err, eventstore.ErrStreamNotFound) {
			t.Fatalf("read of a missing stream (%+v): want ErrStreamNotFound, got %v", opts, err)
		}
	}
	if _, err := eventstore.VerifyStream(ctx, s, "missing"); !errors.Is(err, eventstore.ErrStreamNotFound) {
		t.Fatalf("verify of a missing stream: want ErrStreamNotFound, got %v", err)
	}
}

func testReadAll(t *testing.T, h Harness) {
	s := h.open(t)
	ctx := ctxT(t)
	head, err := s.Head(ctx)
	if err != nil || !head.IsZero() {
		t.Fatalf("head of an empty store: %s, %v", head, err)
	}
	if events, err := s.ReadAll(ctx, eventstore.Start, 10); err != nil || len(events) != 0 {
		t.Fatalf("read all of an empty store: %d events, %v", len(events), err)
	}
	var want []eventstore.EventID
	for i := 0; i < 7; i++ {
		batch := evs(i%3+1, "G")
		mustAppend(t, s, fmt.Sprintf("g-%d", i%2), eventstore.Any, batch...)
		for _, e := range batch {
			want = append(want, e.ID)
		}
	}
	all := readAll(t, s, eventstore.Start)
	if len(all) != len(want) {
		t.Fatalf("global log has %d events, want %d", len(all), len(want))
	}
	for i, e := range all {
		if e.ID != want[i] {
			t.Fatalf("global log event %d is %s, want %s (commit order)", i, e.ID, want[i])
		}
	}
	head, err = s.Head(ctx)
	if err != nil || head != all[len(all)-1].Position {
		t.Fatalf("head %s (%v), last event at %s", head, err, all[len(all)-1].Position)
	}
	// Paging from a position excludes it.
	from := all[3].Position
	page, err := s.ReadAll(ctx, from, 2)
	if err != nil || len(page) != 2 || page[0].ID != all[4].ID || page[1].ID != all[5].ID {
		t.Fatalf("read all after event 3, limit 2: %d events, %v", len(page), err)
	}
	if rest := readAll(t, s, head); len(rest) != 0 {
		t.Fatalf("read all after the head returned %d events", len(rest))
	}
}

// testGlobalLogUnderConcurrency: positions strictly increase and every
// acknowledged event is in the log exactly once.
func testGlobalLogUnderConcurrency(t *testing.T, h Harness) {
	s := h.open(t)
	ctx := ctxT(t)
	writers, per := 8, 40*h.Scale
	var mu sync.Mutex
	acked := map[eventstore.EventID]eventstore.Position{}
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < per; i++ {
				batch := evs(1+i%3, "C")
				res, err := s.Append(ctx, fmt.Sprintf("c-%d-%d", w, i%4), eventstore.Any, batch...)
				if err != nil {
					t.Errorf("append: %v", err)
					return
				}
				mu.Lock()
				acked[batch[len(batch)-1].ID] = res.Position
				for _, e := range batch[:len(batch)-1] {
					acked[e.ID] = eventstore.Position{}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	all := readAll(t, s, eventstore.Start)
	seen := map[eventstore.EventID]bool{}
	for i, e := range all {
		if i > 0 && !all[i-1].Position.Less(e.Position) {
			t.Fatalf("position %s follows %s", e.Position, all[i-1].Position)
		}
		if seen[e.ID] {
			t.Fatalf("event %s twice in the global log", e.ID)
		}
		seen[e.ID] = true
		if p, ok := acked[e.ID]; ok && !p.IsZero() && p != e.Position {
			t.Fatalf("event %s acknowledged at %s, found at %s", e.ID, p, e.Position)
		}
	}
	if len(all) != len(acked) {
		t.Fatalf("global log has %d events, %d acknowledged", len(all), len(acked))
	}
	for id := range acked {
		if !seen[id] {
			t.Fatalf("acknowledged event %s missing from the global log", id)
		}
	}
}
