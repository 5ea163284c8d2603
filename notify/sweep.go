package notify

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/projections"
)

// Sweeper notices inactive beneficiaries: those whose structure's period
// has gone by since their last activity (projections'
// InactiveBeneficiaries), each once per period (the command decides:
// running two sweepers, or one twice, notices no one twice).
type Sweeper struct {
	q     *projections.Queries
	h     *commands.Handler
	every time.Duration
	now   func() time.Time
	log   *slog.Logger
}

// sweepActor is who the sweep's commands are recorded as.
var sweepActor = domain.Actor{PersonID: "parcours-inactivity", Role: domain.RoleOperator}

// NewSweeper returns a sweeper that runs every every (default 1 h).
func NewSweeper(q *projections.Queries, h *commands.Handler, every time.Duration, now func() time.Time, log *slog.Logger) *Sweeper {
	if every <= 0 {
		every = time.Hour
	}
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Sweeper{q: q, h: h, every: every, now: now, log: log}
}

// Run sweeps every s.every until ctx ends.
func (s *Sweeper) Run(ctx context.Context) {
	t := time.NewTicker(s.every)
	defer t.Stop()
	for {
		if n, err := s.Sweep(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("inactivity sweep", "err", err)
		} else if n > 0 {
			s.log.Info("inactivity sweep", "noticed", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Sweep notices every beneficiary due now and answers how many were.
// One that cannot be noticed (they left meanwhile) does not stop the
// others; the errors are joined.
func (s *Sweeper) Sweep(ctx context.Context) (int, error) {
	n := 0
	var errs []error
	err := s.q.InactiveBeneficiaries(ctx, s.now().UTC(), func(i projections.Inactive) error {
		res, err := s.h.NoticeInactivity(ctx, commands.Call{Actor: sweepActor},
			commands.NoticeInactivity{Tenant: i.Tenant, Person: i.Person, LastActive: i.LastActive})
		if err != nil {
			if domain.KindOf(err) == domain.KindOther {
				return err
			}
			errs = append(errs, err)
			return nil
		}
		if res.Events > 0 {
			n++
		}
		return nil
	})
	return n, errors.Join(append(errs, err)...)
}
