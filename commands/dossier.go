package commands

import (
	"context"
	"errors"
	"time"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore"
)

// OpenDossier opens a VAE dossier for a certification in the owner's
// portfolio.
type OpenDossier struct {
	PortfolioID   string               `json:"portfolio_id"`
	DossierID     string               `json:"dossier_id,omitempty"`
	Certification domain.Certification `json:"certification"`
}

func (h *Handler) OpenDossier(ctx context.Context, call Call, cmd OpenDossier) (Result, error) {
	if cmd.DossierID == "" {
		cmd.DossierID = h.newID(call, "d-", 0)
	}
	res, err := h.portfolioUpdate(ctx, call, cmd.PortfolioID, actWriteContent, nil, cmd, false,
		func(p *domain.Portfolio, _ time.Time) ([]domain.Event, error) {
			return p.OpenDossier(cmd.DossierID, cmd.Certification)
		})
	res.ID = cmd.DossierID
	return res, err
}

// RequestAdmissibility records that the owner sent the admissibility
// request ("livret 1") to the certifier.
type RequestAdmissibility struct {
	PortfolioID string `json:"portfolio_id"`
	DossierID   string `json:"dossier_id"`
}

func (h *Handler) RequestAdmissibility(ctx context.Context, call Call, cmd RequestAdmissibility) (Result, error) {
	return h.portfolioUpdate(ctx, call, cmd.PortfolioID, actWriteContent, nil, cmd, true,
		func(p *domain.Portfolio, now time.Time) ([]domain.Event, error) {
			return p.RequestAdmissibility(cmd.DossierID, now)
		})
}

// RecordAdmissibility transcribes the certifier's admissibility decision,
// made on DecidedOn; an assigned counsellor records it.
type RecordAdmissibility struct {
	PortfolioID string      `json:"portfolio_id"`
	DossierID   string      `json:"dossier_id"`
	Admissible  bool        `json:"admissible"`
	DecidedOn   domain.Date `json:"decided_on"`
}

func (h *Handler) RecordAdmissibility(ctx context.Context, call Call, cmd RecordAdmissibility) (Result, error) {
	return h.portfolioUpdate(ctx, call, cmd.PortfolioID, actRecordDecision, nil, cmd, true,
		func(p *domain.Portfolio, now time.Time) ([]domain.Event, error) {
			return p.RecordAdmissibility(cmd.DossierID, cmd.Admissible, cmd.DecidedOn, call.Actor.PersonID, now)
		})
}

// MapToBlock says that an experience or a piece of evidence supports a
// block of a dossier not yet submitted.
type MapToBlock struct {
	PortfolioID string         `json:"portfolio_id"`
	DossierID   string         `json:"dossier_id"`
	Block       string         `json:"block"`
	Item        domain.ItemRef `json:"item"`
}

func (h *Handler) MapToBlock(ctx context.Context, call Call, cmd MapToBlock) (Result, error) {
	return h.portfolioUpdate(ctx, call, cmd.PortfolioID, actWriteContent, nil, cmd, true,
		func(p *domain.Portfolio, _ time.Time) ([]domain.Event, error) {
			return p.MapToBlock(cmd.DossierID, cmd.Block, cmd.Item)
		})
}

// UnmapFromBlock withdraws an item from a block of a dossier not yet
// submitted.
type UnmapFromBlock struct {
	PortfolioID string         `json:"portfolio_id"`
	DossierID   string         `json:"dossier_id"`
	Block       string         `json:"block"`
	Item        domain.ItemRef `json:"item"`
}

func (h *Handler) UnmapFromBlock(ctx context.Context, call Call, cmd UnmapFromBlock) (Result, error) {
	return h.portfolioUpdate(ctx, call, cmd.PortfolioID, actWriteContent, nil, cmd, true,
		func(p *domain.Portfolio, _ time.Time) ([]domain.Event, error) {
			return p.UnmapFromBlock(cmd.DossierID, cmd.Block, cmd.Item)
		})
}

// SubmitDossier submits an admissible, fully mapped dossier to the jury.
// The submission records the portfolio stream's revision just before it,
// so that the submitted state stays provable. With call.IfRevision the
// owner submits exactly the state they saw, or gets a conflict; without
// it, a concurrent change makes the command decide again on the new state.
type SubmitDossier struct {
	PortfolioID string `json:"portfolio_id"`
	DossierID   string `json:"dossier_id"`
}

func (h *Handler) SubmitDossier(ctx context.Context, call Call, cmd SubmitDossier) (Result, error) {
	pinned := call.IfRevision != nil
	for attempt := 0; ; attempt++ {
		c := call
		if !pinned {
			rev, ok, err := h.portfolioRevision(ctx, cmd.PortfolioID)
			if err != nil {
				return Result{}, err
			}
			if ok {
				c.IfRevision = &rev
			}
		}
		res, err := h.portfolioUpdate(ctx, c, cmd.PortfolioID, actWriteContent, nil, cmd, false,
			func(p *domain.Portfolio, now time.Time) ([]domain.Event, error) {
				if c.IfRevision == nil { // the portfolio appeared after we looked
					return nil, &domain.Error{Kind: domain.KindConflict, Reason: "the portfolio changed; send the command again"}
				}
				return p.SubmitDossier(cmd.DossierID, *c.IfRevision, now)
			})
		var conflict *eventstore.ConflictError
		if pinned || attempt == maxRetries || !errors.As(err, &conflict) {
			return res, err
		}
	}
}

// portfolioRevision returns the last revision of portfolio id's stream,
// and false if it has no event. portfolioUpdate's expected revision
// (call.IfRevision) then guarantees that the decision sees that revision
// and that the new event lands right after it; the update itself
// authorizes the actor, so nothing read here is shown to them.
func (h *Handler) portfolioRevision(ctx context.Context, id string) (uint64, bool, error) {
	if !domain.ValidID(id) {
		return 0, false, nil
	}
	stream := domain.PortfolioStream(id)
	e := h.cache.get(stream, func() *entry { return &entry{state: domain.NewPortfolio(id), idem: map[string]idemRecord{}} })
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := h.catchUp(ctx, e, stream); err != nil {
		h.cache.drop(stream)
		return 0, false, err
	}
	return e.next - 1, e.next > 0, nil
}

// RecordJuryDecision transcribes the jury's decision on one block of a
// submitted dossier, made on DecidedOn; an assigned counsellor records it.
// The last block's decision decides the dossier.
type RecordJuryDecision struct {
	PortfolioID string               `json:"portfolio_id"`
	DossierID   string               `json:"dossier_id"`
	Block       string               `json:"block"`
	Decision    domain.BlockDecision `json:"decision"`
	DecidedOn   domain.Date          `json:"decided_on"`
}

func (h *Handler) RecordJuryDecision(ctx context.Context, call Call, cmd RecordJuryDecision) (Result, error) {
	res, err := h.portfolioUpdate(ctx, call, cmd.PortfolioID, actRecordDecision, nil, cmd, true,
		func(p *domain.Portfolio, now time.Time) ([]domain.Event, error) {
			return p.RecordJuryDecision(cmd.DossierID, cmd.Block, cmd.Decision, cmd.DecidedOn, call.Actor.PersonID, now)
		})
	if err == nil && cmd.Decision == domain.BlockValidated {
		h.issueValidatedBlock(ctx, call, cmd)
	}
	return res, err
}
