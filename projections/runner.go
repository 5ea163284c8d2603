package projections

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
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
type Runner struct {
	store       eventstore.Store
	codec       *eventcodec.Codec
	db          *DB
	projections []Projection
	log         *slog.Logger
	sub         *Subscriber
	signal      eventstore.Signal
	poisoned    atomic.Int64
	retries     int
}

var validName = regexp.MustCompile(`^[a-z][a-z_]{0,40}$`)

// NewRunner returns a runner of projections over store, with read models
// in db.
func NewRunner(store eventstore.Store, codec *eventcodec.Codec, db *DB, log *slog.Logger, projections ...Projection) (*Runner, error) {
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
	r := &Runner{store: store, codec: codec, db: db, projections: projections, log: log, retries: 3}
	r.sub = NewSubscriber(store, SubscriberConfig{Checkpoints: db, Filter: domainEvents, Log: log})
	return r, nil
}

// domainEvents carries the events of the domain's streams (structures,
// portfolios, erasure records); other writers' streams (Publisher topics,
// tools) are not read models' business.
func domainEvents(_ string, e eventstore.Event) bool {
	for _, prefix := range []string{"structure-", "portfolio-", "person-"} {
		if strings.HasPrefix(e.Stream, prefix) {
			return true
		}
	}
	return false
}

// Prepare makes sure every projection has its tables, rebuilding those
// whose version changed. Run calls it; it is exported for tools.
func (r *Runner) Prepare(ctx context.Context) error {
	var stale []Projection
	for _, p := range r.projections {
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
	if err := createTables(ctx, tx, p.Name(), 1); err != nil {
		return err
	}
	if err := saveState(ctx, tx, state{Name: p.Name(), Version: 0, Generation: 1, Status: "new"}); err != nil {
		return err
	}
	return tx.Commit()
}

// Run prepares the read models, then runs the router until ctx ends.
func (r *Runner) Run(ctx context.Context) error {
	if err := r.Prepare(ctx); err != nil {
		return err
	}
	router, err := message.NewRouter(message.RouterConfig{CloseTimeout: 10 * time.Second}, watermill.NewSlogLogger(r.log))
	if err != nil {
		return fmt.Errorf("router: %w", err)
	}
	router.AddMiddleware(middleware.CorrelationID)
	for _, p := range r.projections {
		retry := middleware.Retry{MaxRetries: r.retries, InitialInterval: 50 * time.Millisecond, Multiplier: 2, Logger: watermill.NewSlogLogger(r.log)}
		h := r.poison(p, retry.Middleware(middleware.Recoverer(r.handle(p))))
		router.AddConsumerHandler(p.Name(), p.Name(), r.sub, func(m *message.Message) error {
			_, err := h(m)
			return err
		})
	}
	err = router.Run(ctx)
	if cerr := r.sub.Close(); err == nil {
		err = cerr
	}
	return err
}

// handle applies one message to p's read model.
func (r *Runner) handle(p Projection) message.HandlerFunc {
	return func(m *message.Message) ([]*message.Message, error) {
		e, err := EventOf(m)
		if err != nil {
			return nil, err
		}
		d, err := r.codec.DecodeClear(e)
		if err != nil {
			return nil, err
		}
		return nil, r.applyOne(m.Context(), p, d)
	}
}

func (r *Runner) applyOne(ctx context.Context, p Projection, d eventcodec.Decoded) error {
	tx, err := r.db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer tx.Rollback()
	st, _, err := loadState(ctx, tx, p.Name())
	if err != nil {
		return err
	}
	if !st.Position.Less(d.Stored.Position) {
		return nil // applied already (a redelivery, or a rebuild went past it)
	}
	b := newBatch(ctx, tx, p.Name(), st.Generation)
	if err := p.Apply(b, d); err != nil {
		return fmt.Errorf("%s: apply %s@%d (%s): %w", p.Name(), d.Stored.Stream, d.Stored.Revision, d.Stored.Type, err)
	}
	if err := b.flush(); err != nil {
		return err
	}
	st.Position, st.Status, st.Error = d.Stored.Position, "running", ""
	if err := saveState(ctx, tx, st); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit %s: %w", p.Name(), err)
	}
	r.signal.Notify()
	return nil
}

// poison stops p when h still fails after the retries: the failure is
// logged, counted and recorded in the projection's status, and its
// subscription ends; the event is never skipped.
func (r *Runner) poison(p Projection, h message.HandlerFunc) message.HandlerFunc {
	return func(m *message.Message) ([]*message.Message, error) {
		out, err := h(m)
		if err == nil || errors.Is(err, context.Canceled) {
			return out, err
		}
		r.poisoned.Add(1)
		r.log.Error("poison event: projection stopped", slog.String("projection", p.Name()),
			slog.String("position", m.Metadata.Get(MetaPosition)), slog.String("stream", m.Metadata.Get(MetaStream)), slog.Any("err", err))
		if serr := r.markStopped(context.WithoutCancel(m.Context()), p.Name(), err); serr != nil {
			r.log.Error("record projection status", slog.Any("err", serr))
		}
		r.sub.Stop(p.Name())
		return out, err
	}
}

func (r *Runner) markStopped(ctx context.Context, name string, cause error) error {
	tx, err := r.db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st, _, err := loadState(ctx, tx, name)
	if err != nil {
		return err
	}
	st.Status, st.Error = "stopped", cause.Error()
	if err := saveState(ctx, tx, st); err != nil {
		return err
	}
	return tx.Commit()
}

// Poisoned counts the projections stopped by a poison event since start.
func (r *Runner) Poisoned() int64 { return r.poisoned.Load() }
