package commands

import (
	"context"
	"time"

	"github.com/parcours/parcours/domain"
)

// AttachEvidence records a text, a web link or a stored file that
// illustrates a competence, an experience or a task.
type AttachEvidence struct {
	PortfolioID string         `json:"portfolio_id"`
	EvidenceID  string         `json:"evidence_id,omitempty"`
	Target      domain.ItemRef `json:"target"`
	domain.EvidenceInput
}

func (h *Handler) AttachEvidence(ctx context.Context, call Call, cmd AttachEvidence) (Result, error) {
	if cmd.EvidenceID == "" {
		cmd.EvidenceID = h.newID(call, "ev-", 0)
	}
	res, err := h.portfolioUpdate(ctx, call, cmd.PortfolioID, actWriteContent, nil, cmd, false,
		func(p *domain.Portfolio, _ time.Time) ([]domain.Event, error) {
			return p.AttachEvidence(cmd.EvidenceID, cmd.Target, cmd.EvidenceInput)
		})
	res.ID = cmd.EvidenceID
	return res, err
}

// ReviseEvidence replaces what an evidence shows (not while it belongs to
// a submitted dossier: supersede it then).
type ReviseEvidence struct {
	PortfolioID string `json:"portfolio_id"`
	EvidenceID  string `json:"evidence_id"`
	domain.EvidenceInput
}

func (h *Handler) ReviseEvidence(ctx context.Context, call Call, cmd ReviseEvidence) (Result, error) {
	return h.portfolioUpdate(ctx, call, cmd.PortfolioID, actWriteContent, nil, cmd, false,
		func(p *domain.Portfolio, _ time.Time) ([]domain.Event, error) {
			return p.ReviseEvidence(cmd.EvidenceID, cmd.EvidenceInput)
		})
}

// WithdrawEvidence withdraws an evidence, except one that belongs to a
// submitted dossier.
type WithdrawEvidence struct {
	PortfolioID string `json:"portfolio_id"`
	EvidenceID  string `json:"evidence_id"`
}

func (h *Handler) WithdrawEvidence(ctx context.Context, call Call, cmd WithdrawEvidence) (Result, error) {
	return h.portfolioUpdate(ctx, call, cmd.PortfolioID, actWriteContent, nil, cmd, true,
		func(p *domain.Portfolio, _ time.Time) ([]domain.Event, error) {
			return p.WithdrawEvidence(cmd.EvidenceID)
		})
}

// SupersedeEvidence records a new evidence, on the same target, that
// replaces an old one; the old one keeps existing, marked as superseded.
type SupersedeEvidence struct {
	PortfolioID   string `json:"portfolio_id"`
	EvidenceID    string `json:"evidence_id"`
	NewEvidenceID string `json:"new_evidence_id,omitempty"`
	domain.EvidenceInput
}

func (h *Handler) SupersedeEvidence(ctx context.Context, call Call, cmd SupersedeEvidence) (Result, error) {
	if cmd.NewEvidenceID == "" {
		cmd.NewEvidenceID = h.newID(call, "ev-", 0)
	}
	res, err := h.portfolioUpdate(ctx, call, cmd.PortfolioID, actWriteContent, nil, cmd, false,
		func(p *domain.Portfolio, _ time.Time) ([]domain.Event, error) {
			return p.SupersedeEvidence(cmd.EvidenceID, cmd.NewEvidenceID, cmd.EvidenceInput)
		})
	res.ID = cmd.NewEvidenceID
	return res, err
}
