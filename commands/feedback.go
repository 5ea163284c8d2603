package commands

import (
	"context"
	"time"

	"github.com/parcours/parcours/domain"
)

// AddComment records a comment on an item by its owner, an assigned
// counsellor or a tutor whose scope reaches the item. Re-deciding is
// safe: a comment binds to no content, only to an item decide checks
// again.
type AddComment struct {
	PortfolioID string             `json:"portfolio_id"`
	CommentID   string             `json:"comment_id,omitempty"`
	Target      domain.ItemRef     `json:"target"`
	Text        domain.CommentText `json:"text"`
}

func (h *Handler) AddComment(ctx context.Context, call Call, cmd AddComment) (Result, error) {
	if cmd.CommentID == "" {
		cmd.CommentID = h.newID(call, "cm-", 0)
	}
	res, err := h.portfolioUpdate(ctx, call, cmd.PortfolioID, actComment, &cmd.Target, cmd, true,
		func(p *domain.Portfolio, now time.Time) ([]domain.Event, error) {
			return p.AddComment(cmd.CommentID, cmd.Target, call.Actor.PersonID, call.Actor.Role, cmd.Text, now)
		})
	res.ID = cmd.CommentID
	return res, err
}

// Attest records a tutor's statement about an evidence (bound to its
// content hash) or a task within their scope. Not retried on a conflict:
// the evidence may have changed since the tutor saw it.
type Attest struct {
	PortfolioID   string             `json:"portfolio_id"`
	AttestationID string             `json:"attestation_id,omitempty"`
	Target        domain.ItemRef     `json:"target"`
	Statement     domain.CommentText `json:"statement"`
}

func (h *Handler) Attest(ctx context.Context, call Call, cmd Attest) (Result, error) {
	if cmd.AttestationID == "" {
		cmd.AttestationID = h.newID(call, "at-", 0)
	}
	res, err := h.portfolioUpdate(ctx, call, cmd.PortfolioID, actAttest, &cmd.Target, cmd, false,
		func(p *domain.Portfolio, now time.Time) ([]domain.Event, error) {
			return p.Attest(cmd.AttestationID, cmd.Target, call.Actor.PersonID, cmd.Statement, now)
		})
	res.ID = cmd.AttestationID
	return res, err
}
