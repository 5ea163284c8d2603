package commands

import (
	"context"
	"time"

	"github.com/parcours/parcours/domain"
)

// DeclareCompetence records a competence, free text or referring to a
// framework element, in the owner's portfolio.
type DeclareCompetence struct {
	PortfolioID  string `json:"portfolio_id"`
	CompetenceID string `json:"competence_id,omitempty"`
	domain.CompetenceInput
}

func (h *Handler) DeclareCompetence(ctx context.Context, call Call, cmd DeclareCompetence) (Result, error) {
	if cmd.CompetenceID == "" {
		cmd.CompetenceID = h.newID(call, "c-", 0)
	}
	res, err := h.portfolioUpdate(ctx, call, cmd.PortfolioID, actWriteContent, nil, cmd, false,
		func(p *domain.Portfolio, _ time.Time) ([]domain.Event, error) {
			return p.DeclareCompetence(cmd.CompetenceID, cmd.CompetenceInput)
		})
	res.ID = cmd.CompetenceID
	return res, err
}

// LinkCompetence links a competence to experiences and tasks
// ("EXPERIENCE/TASK"). Re-deciding is safe: it only adds the links still
// missing.
type LinkCompetence struct {
	PortfolioID  string `json:"portfolio_id"`
	CompetenceID string `json:"competence_id"`
	domain.CompetenceLinks
}

func (h *Handler) LinkCompetence(ctx context.Context, call Call, cmd LinkCompetence) (Result, error) {
	return h.portfolioUpdate(ctx, call, cmd.PortfolioID, actWriteContent, nil, cmd, true,
		func(p *domain.Portfolio, _ time.Time) ([]domain.Event, error) {
			return p.LinkCompetence(cmd.CompetenceID, cmd.CompetenceLinks)
		})
}

// UnlinkCompetence removes links from a competence.
type UnlinkCompetence struct {
	PortfolioID  string `json:"portfolio_id"`
	CompetenceID string `json:"competence_id"`
	domain.CompetenceLinks
}

func (h *Handler) UnlinkCompetence(ctx context.Context, call Call, cmd UnlinkCompetence) (Result, error) {
	return h.portfolioUpdate(ctx, call, cmd.PortfolioID, actWriteContent, nil, cmd, true,
		func(p *domain.Portfolio, _ time.Time) ([]domain.Event, error) {
			return p.UnlinkCompetence(cmd.CompetenceID, cmd.CompetenceLinks)
		})
}

// SelfAssessCompetence records the owner's own level (1 to 4). The level
// is the whole new value, so re-deciding is safe.
type SelfAssessCompetence struct {
	PortfolioID  string `json:"portfolio_id"`
	CompetenceID string `json:"competence_id"`
	Level        int    `json:"level"`
}

func (h *Handler) SelfAssessCompetence(ctx context.Context, call Call, cmd SelfAssessCompetence) (Result, error) {
	return h.portfolioUpdate(ctx, call, cmd.PortfolioID, actWriteContent, nil, cmd, true,
		func(p *domain.Portfolio, _ time.Time) ([]domain.Event, error) {
			return p.SelfAssessCompetence(cmd.CompetenceID, cmd.Level)
		})
}

// AssessCompetence records the verdict of an assigned counsellor or of a
// tutor whose scope reaches the competence. Not retried on a conflict: the
// verdict was formed on what the assessor saw.
type AssessCompetence struct {
	PortfolioID  string                  `json:"portfolio_id"`
	CompetenceID string                  `json:"competence_id"`
	Result       domain.AssessmentResult `json:"result"`
	Comment      domain.CommentText      `json:"comment"`
}

func (h *Handler) AssessCompetence(ctx context.Context, call Call, cmd AssessCompetence) (Result, error) {
	target := domain.ItemRef{Kind: domain.ItemCompetence, ID: cmd.CompetenceID}
	return h.portfolioUpdate(ctx, call, cmd.PortfolioID, actAssess, &target, cmd, false,
		func(p *domain.Portfolio, now time.Time) ([]domain.Event, error) {
			return p.AssessCompetence(cmd.CompetenceID, call.Actor.PersonID, call.Actor.Role, cmd.Result, cmd.Comment, now)
		})
}

// ValidateCompetence records that the actor (an assigned counsellor or a
// tutor in scope) validated a competence.
type ValidateCompetence struct {
	PortfolioID  string `json:"portfolio_id"`
	CompetenceID string `json:"competence_id"`
}

func (h *Handler) ValidateCompetence(ctx context.Context, call Call, cmd ValidateCompetence) (Result, error) {
	target := domain.ItemRef{Kind: domain.ItemCompetence, ID: cmd.CompetenceID}
	return h.portfolioUpdate(ctx, call, cmd.PortfolioID, actValidate, &target, cmd, false,
		func(p *domain.Portfolio, now time.Time) ([]domain.Event, error) {
			return p.ValidateCompetence(cmd.CompetenceID, call.Actor.PersonID, call.Actor.Role, now)
		})
}
