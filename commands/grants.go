package commands

import (
	"context"
	"time"

	"github.com/parcours/parcours/domain"
)

// AssignCounsellor assigns a counsellor of the structure to a beneficiary.
type AssignCounsellor struct {
	PortfolioID  string `json:"portfolio_id"`
	CounsellorID string `json:"counsellor_id"`
}

func (h *Handler) AssignCounsellor(ctx context.Context, call Call, cmd AssignCounsellor) (Result, error) {
	return h.portfolioUpdate(ctx, call, cmd.PortfolioID, actManageCounsellors, nil, cmd, true,
		func(p *domain.Portfolio, now time.Time) ([]domain.Event, error) {
			if err := h.mustBeMember(ctx, call.Actor.Tenant, cmd.CounsellorID, domain.RoleCounsellor, "counsellor_id"); err != nil {
				return nil, err
			}
			return p.AssignCounsellor(cmd.CounsellorID, call.Actor.PersonID, now)
		})
}

// UnassignCounsellor ends a counsellor's assignment.
type UnassignCounsellor struct {
	PortfolioID  string `json:"portfolio_id"`
	CounsellorID string `json:"counsellor_id"`
}

func (h *Handler) UnassignCounsellor(ctx context.Context, call Call, cmd UnassignCounsellor) (Result, error) {
	return h.portfolioUpdate(ctx, call, cmd.PortfolioID, actManageCounsellors, nil, cmd, true,
		func(p *domain.Portfolio, now time.Time) ([]domain.Event, error) {
			return p.UnassignCounsellor(cmd.CounsellorID, call.Actor.PersonID, now)
		})
}

// InviteTutor gives a tutor of the structure access to all or part of a
// portfolio, until an optional end.
type InviteTutor struct {
	PortfolioID string    `json:"portfolio_id"`
	GrantID     string    `json:"grant_id,omitempty"`
	TutorID     string    `json:"tutor_id"`
	AllItems    bool      `json:"all_items"`
	Experiences []string  `json:"experiences,omitempty"`
	Competences []string  `json:"competences,omitempty"`
	Until       time.Time `json:"until,omitzero"`
}

func (h *Handler) InviteTutor(ctx context.Context, call Call, cmd InviteTutor) (Result, error) {
	if cmd.GrantID == "" {
		cmd.GrantID = h.newID(call, "g-", 0)
	}
	res, err := h.portfolioUpdate(ctx, call, cmd.PortfolioID, actGrant, nil, cmd, false,
		func(p *domain.Portfolio, now time.Time) ([]domain.Event, error) {
			if err := h.mustBeMember(ctx, call.Actor.Tenant, cmd.TutorID, domain.RoleTutor, "tutor_id"); err != nil {
				return nil, err
			}
			scope := domain.TutorScope{AllItems: cmd.AllItems, Experiences: cmd.Experiences, Competences: cmd.Competences}
			return p.InviteTutor(cmd.GrantID, cmd.TutorID, scope, cmd.Until, call.Actor.PersonID, now)
		})
	res.ID = cmd.GrantID
	return res, err
}

// GrantAuditor gives an auditor (certifier) of the structure read access
// to one VAE dossier until a required end.
type GrantAuditor struct {
	PortfolioID string    `json:"portfolio_id"`
	GrantID     string    `json:"grant_id,omitempty"`
	AuditorID   string    `json:"auditor_id"`
	DossierID   string    `json:"dossier_id"`
	Until       time.Time `json:"until"`
}

func (h *Handler) GrantAuditor(ctx context.Context, call Call, cmd GrantAuditor) (Result, error) {
	if cmd.GrantID == "" {
		cmd.GrantID = h.newID(call, "g-", 0)
	}
	res, err := h.portfolioUpdate(ctx, call, cmd.PortfolioID, actGrant, nil, cmd, false,
		func(p *domain.Portfolio, now time.Time) ([]domain.Event, error) {
			if err := h.mustBeMember(ctx, call.Actor.Tenant, cmd.AuditorID, domain.RoleAuditor, "auditor_id"); err != nil {
				return nil, err
			}
			return p.GrantAuditor(cmd.GrantID, cmd.AuditorID, cmd.DossierID, cmd.Until, call.Actor.PersonID, now)
		})
	res.ID = cmd.GrantID
	return res, err
}

// RevokeGrant ends a tutor's or an auditor's access.
type RevokeGrant struct {
	PortfolioID string `json:"portfolio_id"`
	GrantID     string `json:"grant_id"`
}

func (h *Handler) RevokeGrant(ctx context.Context, call Call, cmd RevokeGrant) (Result, error) {
	return h.portfolioUpdate(ctx, call, cmd.PortfolioID, actGrant, nil, cmd, true,
		func(p *domain.Portfolio, now time.Time) ([]domain.Event, error) {
			return p.RevokeGrant(cmd.GrantID, call.Actor.PersonID, now)
		})
}

// mustBeMember checks that person is an active member of structure in role.
func (h *Handler) mustBeMember(ctx context.Context, structure, person string, role domain.Role, field string) error {
	return h.withStructure(ctx, structure, func(st *domain.Structure) error {
		if !st.HasActive(person, role) {
			return &domain.Error{Kind: domain.KindInvalid, Field: field, Reason: "no active " + string(role) + " " + person + " in this structure"}
		}
		return nil
	})
}
