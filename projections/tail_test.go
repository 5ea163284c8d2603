package projections_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/projections"
)

// TestTailDeliversEveryEvent: subscribers reading the log through a
// runner's shared tail get every event once, in log order, whether they
// start behind what the tail holds (they read the store until they reach
// it), keep up, or fall behind while the tail forgets its older events.
func TestTailDeliversEveryEvent(t *testing.T) {
	e := newEnv(t)
	appendN := func(n, from int) {
		for i := 0; i < n; i++ {
			p := eventstore.Proposed{ID: eventstore.NewEventID(), Type: "Noted", SchemaVersion: 1,
				Data: []byte(fmt.Sprintf(`{"i":%d}`, from+i)), Metadata: []byte(`{}`)}
			if _, err := e.store.Append(e.ctx, fmt.Sprintf("notes-%d", (from+i)%13), eventstore.Any, p); err != nil {
				t.Error(err)
				return
			}
		}
	}
	const before, during = 300, 5000 // during: more than the tail keeps
	appendN(before, 0)
	ctx, cancel := context.WithTimeout(e.ctx, 90*time.Second)
	defer cancel()
	all := func(string, eventstore.Event) bool { return true }
	var wg sync.WaitGroup
	got := make([][]eventstore.Event, 3)
	var stops []func()
	for k, c := range []struct {
		batch int
		slow  bool
	}{{0, false}, {64, false}, {16, true}} {
		sub, stop, err := projections.TailSubscriber(ctx, e.store, projections.SubscriberConfig{Checkpoints: e.db, Filter: all, MaxBatch: c.batch})
		if err != nil {
			t.Fatal(err)
		}
		stops = append(stops, stop)
		ch, err := sub.Subscribe(ctx, fmt.Sprintf("reader-%d", k))
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer sub.Close()
			for len(got[k]) < before+during {
				select {
				case m := <-ch:
					events, err := projections.EventsOf(m)
					if err != nil {
						t.Error(err)
						return
					}
					got[k] = append(got[k], events...)
					m.Ack()
					if c.slow && len(got[k])%500 == 0 {
						time.Sleep(300 * time.Millisecond) // falls behind what the tail keeps
					}
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	appendN(during, before)
	wg.Wait()
	for _, stop := range stops {
		stop()
	}
	want, err := e.store.ReadAll(e.ctx, eventstore.Start, before+during+1)
	if err != nil {
		t.Fatal(err)
	}
	for k := range got {
		if len(got[k]) != len(want) {
			t.Fatalf("reader %d got %d events, the log holds %d", k, len(got[k]), len(want))
		}
		for i := range want {
			if got[k][i].ID != want[i].ID || got[k][i].Position != want[i].Position {
				t.Fatalf("reader %d, event %d: %s at %s, want %s at %s", k, i, got[k][i].ID, got[k][i].Position, want[i].ID, want[i].Position)
			}
		}
	}
}
