package projections

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"
)

// leases is what a runner on PostgreSQL holds: the session of its
// advisory locks and, for each projection whose lease it took, the worker
// that runs it.
type leases struct {
	r       *Runner
	session *lockSession // nil until (re)opened
	held    map[string]*lease
}

type lease struct {
	w    *worker
	lost atomic.Bool // the handler found the lease gone
}

// runLeased runs, until ctx ends, the projections whose lease this runner
// holds, trying every LeaseRetry to take the others.
func (r *Runner) runLeased(ctx context.Context) error {
	l := &leases{r: r, held: map[string]*lease{}}
	defer l.releaseAll()
	for {
		if err := l.tick(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(r.opts.LeaseRetry):
		}
	}
}

// tick checks the session, forgets the leases it lost, and takes those it
// can.
func (l *leases) tick(ctx context.Context) error {
	r := l.r
	// A worker ends by itself on a lost lease (dropped here, so that the
	// lease is tried again) or a poison event (the projection stays
	// held, stopped, as with SQLite).
	for name, h := range l.held {
		if !h.w.ended() {
			continue
		}
		if h.w.err != nil {
			return h.w.err
		}
		if h.lost.Load() {
			l.drop(name)
		}
	}
	if l.session != nil {
		if err := l.session.alive(ctx); err != nil {
			r.log.Warn("the session holding the projection leases broke: stopping their handlers", slog.Any("err", err))
			l.releaseAll()
		}
	}
	if l.session == nil {
		s, err := r.db.lockSession(ctx, "projections")
		if err != nil {
			r.log.Warn("cannot open a session for the projection leases; retrying", slog.Any("err", err))
			return nil
		}
		l.session = s
	}
	var got []Projection
	for _, p := range r.projections {
		if l.held[p.Name()] != nil {
			continue
		}
		ok, err := l.session.try(ctx, r.db.leaseKey(p.Name()))
		if err != nil {
			r.log.Warn("cannot take a projection lease; retrying", slog.String("projection", p.Name()), slog.Any("err", err))
			break
		}
		if ok {
			got = append(got, p)
		}
	}
	return l.start(ctx, got)
}

// start prepares and runs the projections whose lease was just taken.
func (l *leases) start(ctx context.Context, got []Projection) error {
	if len(got) == 0 {
		return nil
	}
	r := l.r
	for _, p := range got { // held from now on: releaseAll frees them
		l.held[p.Name()] = &lease{}
	}
	if err := r.prepare(ctx, got); err != nil {
		return err
	}
	for _, p := range got {
		h := l.held[p.Name()]
		key, pid := r.db.leaseKey(p.Name()), l.session.pid
		fence := func(ctx context.Context, tx *sql.Tx) error {
			err := holds(ctx, tx, key, pid)
			if errors.Is(err, errLeaseLost) {
				h.lost.Store(true)
			}
			return err
		}
		w, err := r.startWorker(ctx, p, fence)
		if err != nil {
			return err
		}
		h.w = w
		r.setOwned(p.Name(), true)
		r.log.Info("projection lease taken", slog.String("projection", p.Name()), slog.Int("session", int(pid)))
	}
	return nil
}

// drop stops name's worker and forgets its lease.
func (l *leases) drop(name string) {
	if h := l.held[name]; h.w != nil {
		h.w.stop()
	}
	delete(l.held, name)
	l.r.setOwned(name, false)
}

// releaseAll stops every worker, then closes the session, which frees the
// leases for other processes.
func (l *leases) releaseAll() {
	for name := range l.held {
		l.drop(name)
	}
	if l.session != nil {
		l.session.close()
		l.session = nil
	}
}
