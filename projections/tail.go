package projections

import (
	"context"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/parcours/parcours/eventstore"
)

// follower is what a Subscriber reads the log through: an event store, or
// a runner's shared tail of it.
type follower interface {
	Subscribe(ctx context.Context, from eventstore.Position, fn func(eventstore.Event) error) error
}

// logTail shares one subscription to the global log among the
// projections of a runner. Each projection following the store itself
// read the log again at every commit (with PostgreSQL, two queries each
// time, and the server's CPU is the machine's); the tail reads it once
// and keeps the latest events in memory, where the projections that keep
// up find them. A projection behind what the tail holds reads the store,
// as before, until it reaches it.
type logTail struct {
	store  eventstore.Store
	log    *slog.Logger
	mu     sync.Mutex
	base   eventstore.Position // recent holds every event after base, in log order
	recent []eventstore.Event
	signal eventstore.Signal // woken at each event added
	cancel context.CancelFunc
	done   chan struct{}
}

// tailKeep is how many events a tail keeps; when full it forgets the
// older half.
const tailKeep = 4096

// startTail follows the log from its end, until stop.
func startTail(ctx context.Context, store eventstore.Store, log *slog.Logger) (*logTail, error) {
	head, err := store.Head(ctx)
	if err != nil {
		return nil, err
	}
	t := &logTail{store: store, log: log, base: head, recent: make([]eventstore.Event, 0, tailKeep), done: make(chan struct{})}
	ctx, t.cancel = context.WithCancel(ctx)
	go t.follow(ctx, head)
	return t, nil
}

func (t *logTail) stop() {
	t.cancel()
	<-t.done
}

// follow adds every event after from, resubscribing after store errors.
func (t *logTail) follow(ctx context.Context, from eventstore.Position) {
	defer close(t.done)
	for {
		err := t.store.Subscribe(ctx, from, func(e eventstore.Event) error {
			t.add(e)
			from = e.Position
			return nil
		})
		if ctx.Err() != nil {
			return
		}
		t.log.Warn("the read models' subscription to the event log failed; resubscribing", slog.Any("err", err))
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

func (t *logTail) add(e eventstore.Event) {
	t.mu.Lock()
	if len(t.recent) == tailKeep {
		half := tailKeep / 2
		t.base = t.recent[half-1].Position
		t.recent = append(t.recent[:0], t.recent[half:]...)
	}
	t.recent = append(t.recent, e)
	t.mu.Unlock()
	t.signal.Notify()
}

// read returns up to limit events after from: a copy of those the tail
// holds, or, for a reader behind them, the store's.
func (t *logTail) read(ctx context.Context, from eventstore.Position, limit int) ([]eventstore.Event, error) {
	t.mu.Lock()
	if from.Less(t.base) {
		t.mu.Unlock()
		return t.store.ReadAll(ctx, from, limit)
	}
	i := sort.Search(len(t.recent), func(i int) bool { return from.Less(t.recent[i].Position) })
	out := make([]eventstore.Event, min(limit, len(t.recent)-i))
	copy(out, t.recent[i:])
	t.mu.Unlock()
	return out, nil
}

// Subscribe follows the log from from through the tail: it implements
// follower for a runner's Subscribers.
func (t *logTail) Subscribe(ctx context.Context, from eventstore.Position, fn func(eventstore.Event) error) error {
	return eventstore.Follow(ctx, t.read, from, fn, t.signal.Wait, time.Second)
}
