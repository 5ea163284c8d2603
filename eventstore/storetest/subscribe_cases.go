package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/parcours/parcours/eventstore"
)

type collector struct {
	mu     sync.Mutex
	events []eventstore.Event
	notify chan struct{}
}

func newCollector() *collector { return &collector{notify: make(chan struct{}, 1)} }

func (c *collector) add(e eventstore.Event) error {
	c.mu.Lock()
	c.events = append(c.events, e)
	c.mu.Unlock()
	select {
	case c.notify <- struct{}{}:
	default:
	}
	return nil
}

func (c *collector) waitFor(t *testing.T, n int) []eventstore.Event {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		c.mu.Lock()
		got := len(c.events)
		c.mu.Unlock()
		if got >= n {
			c.mu.Lock()
			defer c.mu.Unlock()
			return append([]eventstore.Event(nil), c.events...)
		}
		select {
		case <-c.notify:
		case <-deadline:
			t.Fatalf("subscriber got %d events in 30s, want %d", got, n)
		}
	}
}

func subscribe(t *testing.T, s eventstore.Store, from eventstore.Position, fn func(eventstore.Event) error) (stop func() error) {
	ctx, cancel := context.WithCancel(ctxT(t))
	done := make(chan error, 1)
	go func() { done <- s.Subscribe(ctx, from, fn) }()
	return func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(30 * time.Second):
			t.Fatal("subscription did not end 30s after its context was cancelled")
			return nil
		}
	}
}

func testSubscribeCatchUpThenLive(t *testing.T, h Harness) {
	s := h.open(t)
	first := mustAppend(t, s, "sub", eventstore.NoStream, evs(3, "Old")...)
	c := newCollector()
	stop := subscribe(t, s, eventstore.Start, c.add)
	got := c.waitFor(t, 3)
	mustAppend(t, s, "sub", eventstore.Exactly(2), evs(2, "New")...)
	got = c.waitFor(t, 5)
	if err := stop(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Subscribe returned %v after cancel, want context.Canceled", err)
	}
	if len(got) != 5 {
		t.Fatalf("got %d events, want 5", len(got))
	}
	for i, e := range got {
		if e.Revision != uint64(i) {
			t.Fatalf("event %d has revision %d", i, e.Revision)
		}
	}
	// The start position is excluded.
	c2 := newCollector()
	stop = subscribe(t, s, first.Position, c2.add)
	got = c2.waitFor(t, 2)
	_ = stop()
	if got[0].Revision != 3 {
		t.Fatalf("subscription from the position of revision 2 began at revision %d", got[0].Revision)
	}
	// A handler error ends the subscription with that error.
	boom := errors.New("boom")
	err := s.Subscribe(ctxT(t), eventstore.Start, func(eventstore.Event) error { return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("Subscribe returned %v, want the handler's error", err)
	}
}

// testSubscribeResumeUnderWriters: a consumer that checkpoints, stops and
// resumes while writers keep appending sees every event once, in order.
func testSubscribeResumeUnderWriters(t *testing.T, h Harness) {
	s := h.open(t)
	ctx := ctxT(t)
	writers, per := 6, 60*h.Scale
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < per; i++ {
				if _, err := s.Append(ctx, fmt.Sprintf("w-%d", w), eventstore.Any, ev("W", fmt.Sprintf(`{"i":%d}`, i))); err != nil {
					t.Errorf("append: %v", err)
					return
				}
			}
		}()
	}
	total := writers * per
	var (
		mu         sync.Mutex
		checkpoint eventstore.Position
		received   []eventstore.Event
	)
	handle := func(e eventstore.Event) error {
		mu.Lock()
		defer mu.Unlock()
		if !checkpoint.Less(e.Position) {
			return fmt.Errorf("event at %s delivered after checkpoint %s", e.Position, checkpoint)
		}
		received = append(received, e)
		checkpoint = e.Position
		return nil
	}
	for len(snapshot(&mu, &received)) < total {
		mu.Lock()
		from := checkpoint
		mu.Unlock()
		stop := subscribe(t, s, from, handle)
		time.Sleep(15 * time.Millisecond)
		if err := stop(); err != nil && !errors.Is(err, context.Canceled) {
			t.Fatalf("subscription: %v", err)
		}
		if ctx.Err() != nil {
			t.Fatalf("gave up with %d of %d events", len(snapshot(&mu, &received)), total)
		}
	}
	wg.Wait()
	got := snapshot(&mu, &received)
	all := readAll(t, s, eventstore.Start)
	if len(got) != len(all) || len(all) != total {
		t.Fatalf("subscriber got %d events, log has %d, %d appended", len(got), len(all), total)
	}
	next := map[string]uint64{}
	for i, e := range got {
		if e.ID != all[i].ID {
			t.Fatalf("event %d: subscriber got %s, log order has %s", i, e.ID, all[i].ID)
		}
		if e.Revision != next[e.Stream] {
			t.Fatalf("stream %s: revision %d after %d", e.Stream, e.Revision, next[e.Stream])
		}
		next[e.Stream]++
	}
}

func snapshot(mu *sync.Mutex, events *[]eventstore.Event) []eventstore.Event {
	mu.Lock()
	defer mu.Unlock()
	return *events
}
