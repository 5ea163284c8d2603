package commands

import (
	"context"
	"time"

	"github.com/parcours/parcours/domain"
)

// CVs are the owner's alone (actWriteContent).

// CreateCV makes a CV: a titled selection of experiences, competences and
// education (experiences of kind training) for a target job.
type CreateCV struct {
	PortfolioID string `json:"portfolio_id"`
	CVID        string `json:"cv_id,omitempty"`
	domain.CVInput
}

// CreateCV is safe to re-decide: the references are checked again.
func (h *Handler) CreateCV(ctx context.Context, call Call, cmd CreateCV) (Result, error) {
	if cmd.CVID == "" {
		cmd.CVID = h.newID(call, "cv-", 0)
	}
	res, err := h.portfolioUpdate(ctx, call, cmd.PortfolioID, actWriteContent, nil, cmd, true,
		func(p *domain.Portfolio, _ time.Time) ([]domain.Event, error) {
			return p.CreateCV(cmd.CVID, cmd.CVInput)
		})
	res.ID = cmd.CVID
	return res, err
}

// EditCV replaces a CV's selection and text.
type EditCV struct {
	PortfolioID string `json:"portfolio_id"`
	CVID        string `json:"cv_id"`
	domain.CVInput
}

// EditCV is not re-decided on a conflict: it replaces the whole CV and
// would silently undo a concurrent edit.
func (h *Handler) EditCV(ctx context.Context, call Call, cmd EditCV) (Result, error) {
	return h.portfolioUpdate(ctx, call, cmd.PortfolioID, actWriteContent, nil, cmd, false,
		func(p *domain.Portfolio, _ time.Time) ([]domain.Event, error) {
			return p.EditCV(cmd.CVID, cmd.CVInput)
		})
}

// RemoveCV removes a CV.
type RemoveCV struct {
	PortfolioID string `json:"portfolio_id"`
	CVID        string `json:"cv_id"`
}

func (h *Handler) RemoveCV(ctx context.Context, call Call, cmd RemoveCV) (Result, error) {
	return h.portfolioUpdate(ctx, call, cmd.PortfolioID, actWriteContent, nil, cmd, true,
		func(p *domain.Portfolio, _ time.Time) ([]domain.Event, error) {
			return p.RemoveCV(cmd.CVID)
		})
}
