package projections

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
)

// worker runs one projection's handler: a Watermill Router of its own, with
// a Subscriber of its own, so that a runner can start and stop projections
// one by one as it takes and loses their leases. (A Router closes when its
// last handler stops, and closes its handlers' subscribers when it closes,
// so projections that come and go cannot share one.)
type worker struct {
	name   string
	cancel context.CancelFunc
	done   chan struct{} // closed when the router has stopped
	err    error         // the router's, once done is closed
}

// liveBatch is the most events a live projection applies in one
// transaction: when it is behind (a start, a lease taken over, a burst),
// a transaction and its round trips and commit carry up to this many
// events, not one; when it keeps up, each event still commits alone, at
// once.
const liveBatch = 256

// startWorker runs p's handler until ctx ends, the worker is stopped, or
// p stops (a poison event, a lost lease). fence, if not nil, is checked in
// every transaction of the handler.
func (r *Runner) startWorker(ctx context.Context, p Projection, fence func(context.Context, *sql.Tx) error) (*worker, error) {
	router, err := message.NewRouter(message.RouterConfig{CloseTimeout: 10 * time.Second}, watermill.NewSlogLogger(r.log))
	if err != nil {
		return nil, fmt.Errorf("router: %w", err)
	}
	router.AddMiddleware(middleware.CorrelationID)
	var log follower = r.store
	if r.tail != nil {
		log = r.tail
	}
	sub := newSubscriber(log, SubscriberConfig{Checkpoints: r.db, Filter: domainEvents, Log: r.log, MaxBatch: liveBatch})
	retry := middleware.Retry{MaxRetries: r.retries, InitialInterval: 50 * time.Millisecond, Multiplier: 2, Logger: watermill.NewSlogLogger(r.log),
		ShouldRetry: func(p middleware.RetryParams) bool { return !errors.Is(p.Err, errLeaseLost) }}
	ctx, cancel := context.WithCancel(ctx)
	h := r.poison(p, sub, cancel, retry.Middleware(middleware.Recoverer(r.handle(p, fence))))
	router.AddConsumerHandler(p.Name(), p.Name(), sub, func(m *message.Message) error {
		_, err := h(m)
		return err
	})
	w := &worker{name: p.Name(), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(w.done)
		w.err = router.Run(ctx)
		sub.Close()
	}()
	return w, nil
}

// stop stops the worker and waits until its handler has returned.
func (w *worker) stop() error {
	w.cancel()
	<-w.done
	return w.err
}

// ended reports whether the worker stopped by itself.
func (w *worker) ended() bool {
	select {
	case <-w.done:
		return true
	default:
		return false
	}
}

func (r *Runner) setOwned(name string, owned bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if owned {
		r.owned[name] = true
	} else {
		delete(r.owned, name)
	}
}

func (r *Runner) isOwned(name string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.owned[name]
}
