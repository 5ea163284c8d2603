package commands

import (
	"context"
	"time"

	"github.com/parcours/parcours/domain"
)

// portfolioUpdate is the shape of every portfolio command: load, check the
// actor's membership and authorize act on target, then decide.
func (h *Handler) portfolioUpdate(ctx context.Context, call Call, id string, act action, target *domain.ItemRef,
	request any, retrySafe bool, decide func(p *domain.Portfolio, now time.Time) ([]domain.Event, error)) (Result, error) {
	if err := validActor(call.Actor); err != nil {
		return Result{}, err
	}
	if !domain.ValidID(id) {
		return Result{}, &domain.Error{Kind: domain.KindNotFound, Field: "portfolio", Reason: "no portfolio " + id}
	}
	a := call.Actor
	return h.update(ctx, call, a.Tenant, domain.PortfolioStream(id), func() aggregate { return domain.NewPortfolio(id) }, request, retrySafe,
		func(s aggregate) ([]domain.Event, error) {
			p := s.(*domain.Portfolio)
			now := h.now()
			err := h.withStructure(ctx, a.Tenant, func(st *domain.Structure) error {
				return authorize(a, st, p, act, target, "", now)
			})
			if err != nil {
				return nil, err
			}
			return decide(p, now)
		})
}

// ReadPortfolio runs fn on the current state of a portfolio the actor may
// read (act actRead, or actReadDossier with dossier). fn must not keep
// the state: it changes when the lock is released.
func (h *Handler) ReadPortfolio(ctx context.Context, a domain.Actor, id string, dossier string, fn func(*domain.Portfolio, uint64) error) error {
	if err := validActor(a); err != nil {
		return err
	}
	if !domain.ValidID(id) {
		return &domain.Error{Kind: domain.KindNotFound, Field: "portfolio", Reason: "no portfolio " + id}
	}
	stream := domain.PortfolioStream(id)
	e := h.cache.get(stream, func() *entry { return &entry{state: domain.NewPortfolio(id), idem: map[string]idemRecord{}} })
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := h.catchUp(ctx, e, stream); err != nil {
		h.cache.drop(stream)
		return err
	}
	p := e.state.(*domain.Portfolio)
	act := actRead
	if dossier != "" {
		act = actReadDossier
	}
	now := h.now()
	if err := h.withStructure(ctx, a.Tenant, func(st *domain.Structure) error {
		return authorize(a, st, p, act, nil, dossier, now)
	}); err != nil {
		return err
	}
	return fn(p, e.next-1)
}
