package projections

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventcodec"
	"github.com/parcours/parcours/eventstore"
)

// Runner keeps the read models up to date: one Watermill handler per
// projection, fed by a Subscriber over the global log from the
// projection's checkpoint. Each event's read-model changes and the new
// checkpoint commit in one transaction, so a crash never applies an event
// twice nor skips one. A poison event (one that fails after the in-place
// retries) stops its projection, records why, and leaves the others
// running.
//
// With SQLite, the runner runs every projection: the file has one writer
// process, and its transactions are serial, so no lease is needed. With
// PostgreSQL, several processes may run runners on the same read models:
// a runner runs a projection only while it holds the projection's lease
// (an advisory lock on a session of its own), tries every LeaseRetry to
// take the leases it lacks, and stops the handlers it runs when the
// session holding their leases breaks. Each transaction also checks the
// lease and locks the projection's state row, so even during a handover
// an event is applied once, by one process.
type Runner struct {
	store       eventstore.Store
	codec       *eventcodec.Codec
	db          *DB
	projections []Projection
	log         *slog.Logger
	opts        RunnerOptions
	signal      eventstore.Signal
	poisoned    atomic.Int64
	applied     atomic.Uint64 // transactions committed: a version of the read models
	retries     int
	mu          sync.Mutex
	owned       map[string]bool
	counts      map[string]*atomic.Uint64 // events applied by this runner, by projection
	tail        *logTail                  // while Run runs: the log, read once for every projection
}

// RunnerOptions tunes a Runner; the zero value gives the defaults.
type RunnerOptions struct {
	// LeaseRetry is how often a runner whose read models are in
	// PostgreSQL tries to take the leases it lacks and checks the session
	// that holds the others (default 2s).
	LeaseRetry time.Duration
	// OnErased, if set, is called when a PersonErased event goes by (an
	// erasure made by any process): the caller drops what it cached of
	// the person. It may be called more than once for one erasure.
	OnErased func(subject string)
}

var validName = regexp.MustCompile(`^[a-z][a-z_]{0,40}$`)

// NewRunner returns a runner of projections over store, with read models
// in db.
func NewRunner(store eventstore.Store, codec *eventcodec.Codec, db *DB, log *slog.Logger, projections ...Projection) (*Runner, error) {
	return NewRunnerWithOptions(store, codec, db, log, RunnerOptions{}, projections...)
}

// NewRunnerWithOptions is NewRunner with options.
func NewRunnerWithOptions(store eventstore.Store, codec *eventcodec.Codec, db *DB, log *slog.Logger, opts RunnerOptions, projections ...Projection) (*Runner, error) {
	seen := map[string]bool{}
	for _, p := range projections {
		if !validName.MatchString(p.Name()) || seen[p.Name()] {
			return nil, fmt.Errorf("projection name %q: want unique lower-case letters and '_'", p.Name())
		}
		seen[p.Name()] = true
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.LeaseRetry <= 0 {
		opts.LeaseRetry = 2 * time.Second
	}
	counts := make(map[string]*atomic.Uint64, len(projections))
	for _, p := range projections {
		counts[p.Name()] = new(atomic.Uint64)
	}
	return &Runner{store: store, codec: codec, db: db, projections: projections, log: log, opts: opts, retries: 3,
		owned: map[string]bool{}, counts: counts}, nil
}

// domainEvents carries the events of the domain's streams (structures,
// portfolios, erasure records, reference frameworks); other writers' streams (Publisher topics,
// tools) are not read models' business.
func domainEvents(_ string, e eventstore.Event) bool {
	for _, prefix := range []string{"structure-", "portfolio-", "person-", "framework-"} {
		if strings.HasPrefix(e.Stream, prefix) {
			return true
		}
	}
	return false
}

// Prepare makes sure every projection has its tables, rebuilding those
// whose version changed. Run calls it (with PostgreSQL, for the
// projections whose lease it takes); it is exported for tools.
func (r *Runner) Prepare(ctx context.Context) error { return r.prepare(ctx, r.projections) }

func (r *Runner) prepare(ctx context.Context, projections []Projection) error {
	var stale []Projection
	for _, p := range projections {
		st, ok, err := loadState(ctx, r.db.writer, p.Name())
		if err != nil {
			return err
		}
		if ok && st.Version == p.Version() {
			continue
		}
		if !ok {
			if err := r.initialise(ctx, p); err != nil {
				return err
			}
		}
		stale = append(stale, p)
	}
	if len(stale) == 0 {
		return nil
	}
	r.log.Info("rebuilding read models whose version changed", slog.Int("count", len(stale)))
	return Rebuild(ctx, r.store, r.codec, r.db, stale, nil)
}

func (r *Runner) initialise(ctx context.Context, p Projection) error {
	tx, err := r.db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer tx.Rollback()
	if err := createTables(ctx, tx, r.db.dialect, p.Name(), 1, true); err != nil {
		return err
	}
	if err := saveState(ctx, tx, state{Name: p.Name(), Version: 0, Generation: 1, Status: "new"}); err != nil {
		return err
	}
	return tx.Commit()
}

// Run prepares the read models, then runs their handlers (with
// PostgreSQL, those whose lease it holds) until ctx ends, when it returns
// nil; or it returns the error that stopped it (preparing a read model,
// subscribing to the log).
func (r *Runner) Run(ctx context.Context) error {
	if t, err := startTail(ctx, r.store, r.log); err != nil {
		r.log.Warn("cannot share the log among the projections: each reads it", slog.Any("err", err))
	} else {
		r.tail = t
		defer func() { t.stop(); r.tail = nil }()
	}
	if r.db.dialect == postgresDialect {
		return r.runLeased(ctx)
	}
	if err := r.Prepare(ctx); err != nil {
		return err
	}
	workers := make([]*worker, 0, len(r.projections))
	defer func() {
		for _, w := range workers {
			w.stop()
			r.setOwned(w.name, false)
		}
	}()
	for _, p := range r.projections {
		w, err := r.startWorker(ctx, p, nil)
		if err != nil {
			return err
		}
		workers = append(workers, w)
		r.setOwned(p.Name(), true)
	}
	if len(workers) == 0 {
		<-ctx.Done()
		return nil
	}
	var errs []error
	for _, w := range workers {
		<-w.done
		errs = append(errs, w.err)
	}
	return errors.Join(errs...)
}

// handle applies one message (one event, or a batch of them) to p's read
// model; fence, if not nil, checks in the transaction that this runner
// may still apply it.
func (r *Runner) handle(p Projection, fence func(context.Context, *sql.Tx) error) message.HandlerFunc {
	return func(m *message.Message) ([]*message.Message, error) {
		events, err := EventsOf(m)
		if err != nil {
			return nil, err
		}
		ds := make([]eventcodec.Decoded, len(events))
		for i, e := range events {
			if ds[i], err = r.codec.DecodeClear(e); err != nil {
				return nil, err
			}
			if pe, ok := ds[i].Event.(*domain.PersonErased); ok {
				r.codec.Forget(pe.Subject)
				if r.opts.OnErased != nil {
					r.opts.OnErased(pe.Subject)
				}
			}
		}
		err = r.apply(m.Context(), p, ds, fence)
		if err != nil && len(ds) > 1 && !errors.Is(err, errLeaseLost) && m.Context().Err() == nil {
			// One transaction for the batch failed: apply its events one
			// by one, so that those before a poison event are kept and the
			// error names the event that fails.
			for i := range ds {
				if err = r.apply(m.Context(), p, ds[i:i+1], fence); err != nil {
					break
				}
			}
		}
		return nil, err
	}
}

// apply applies the events (in log order) to p's read model in one
// transaction, with the new checkpoint; events at or before the
// checkpoint are skipped.
func (r *Runner) apply(ctx context.Context, p Projection, ds []eventcodec.Decoded, fence func(context.Context, *sql.Tx) error) error {
	tx, err := r.db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer tx.Rollback()
	st, _, err := r.db.lockState(ctx, tx, p.Name())
	if err != nil {
		return err
	}
	if fence != nil {
		if err := fence(ctx, tx); err != nil {
			return err
		}
	}
	b := newBatch(ctx, tx, r.db, p.Name(), st.Generation)
	n := 0
	for _, d := range ds {
		if !st.Position.Less(d.Stored.Position) {
			continue // applied already (a redelivery, a rebuild went past it, or another process did)
		}
		if err := p.Apply(b, d); err != nil {
			b.close()
			return fmt.Errorf("%s: apply %s@%d (%s): %w", p.Name(), d.Stored.Stream, d.Stored.Revision, d.Stored.Type, err)
		}
		st.Position = d.Stored.Position
		n++
	}
	if n == 0 {
		b.close()
		return nil
	}
	if err := b.flush(); err != nil {
		return err
	}
	st.Status, st.Error = "running", ""
	if err := saveState(ctx, tx, st); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit %s: %w", p.Name(), err)
	}
	b.share(ctx)
	r.applied.Add(1)
	r.counts[p.Name()].Add(uint64(n))
	r.signal.Notify()
	r.db.committed()
	return nil
}

// poison stops p when h still fails after the retries: the failure is
// logged, counted and recorded in the projection's status, and its
// subscription ends; the event is never skipped. A lost lease stops the
// worker too (stop), but is no poison: the projection goes on elsewhere.
func (r *Runner) poison(p Projection, sub *Subscriber, stop func(), h message.HandlerFunc) message.HandlerFunc {
	return func(m *message.Message) ([]*message.Message, error) {
		out, err := h(m)
		if err == nil || errors.Is(err, context.Canceled) {
			return out, err
		}
		if errors.Is(err, errLeaseLost) {
			r.log.Warn("projection lease lost: handler stopped", slog.String("projection", p.Name()))
			stop()
			return out, err
		}
		r.poisoned.Add(1)
		r.log.Error("poison event: projection stopped", slog.String("projection", p.Name()),
			slog.String("position", m.Metadata.Get(MetaPosition)), slog.String("stream", m.Metadata.Get(MetaStream)), slog.Any("err", err))
		if serr := r.markStopped(context.WithoutCancel(m.Context()), p.Name(), err); serr != nil {
			r.log.Error("record projection status", slog.Any("err", serr))
		}
		sub.Stop(p.Name())
		return out, err
	}
}

func (r *Runner) markStopped(ctx context.Context, name string, cause error) error {
	tx, err := r.db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st, _, err := r.db.lockState(ctx, tx, name)
	if err != nil {
		return err
	}
	st.Status, st.Error = "stopped", cause.Error()
	if err := saveState(ctx, tx, st); err != nil {
		return err
	}
	return tx.Commit()
}

// Version changes whenever this runner commits a change to a read model:
// answers computed from the read models at one version stay right while it
// holds (changes made by other processes are not counted).
func (r *Runner) Version() uint64 { return r.applied.Load() }

// Poisoned counts the projections stopped by a poison event since start.
func (r *Runner) Poisoned() int64 { return r.poisoned.Load() }
