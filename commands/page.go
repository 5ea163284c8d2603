package commands

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/parcours/parcours/domain"
)

// Pages and their share links are the owner's alone (actWriteContent).

// CreatePage makes a page: a titled selection of items, unpublished.
type CreatePage struct {
	PortfolioID string `json:"portfolio_id"`
	PageID      string `json:"page_id,omitempty"`
	domain.PageInput
}

// CreatePage is safe to re-decide: the references are checked again.
func (h *Handler) CreatePage(ctx context.Context, call Call, cmd CreatePage) (Result, error) {
	if cmd.PageID == "" {
		cmd.PageID = h.newID(call, "pg-", 0)
	}
	res, err := h.portfolioUpdate(ctx, call, cmd.PortfolioID, actWriteContent, nil, cmd, true,
		func(p *domain.Portfolio, _ time.Time) ([]domain.Event, error) {
			return p.CreatePage(cmd.PageID, cmd.PageInput)
		})
	res.ID = cmd.PageID
	return res, err
}

// EditPage replaces a page's selection and text; its links stay.
type EditPage struct {
	PortfolioID string `json:"portfolio_id"`
	PageID      string `json:"page_id"`
	domain.PageInput
}

// EditPage is not re-decided on a conflict: it replaces the whole page
// and would silently undo a concurrent edit.
func (h *Handler) EditPage(ctx context.Context, call Call, cmd EditPage) (Result, error) {
	return h.portfolioUpdate(ctx, call, cmd.PortfolioID, actWriteContent, nil, cmd, false,
		func(p *domain.Portfolio, _ time.Time) ([]domain.Event, error) {
			return p.EditPage(cmd.PageID, cmd.PageInput)
		})
}

// RemovePage removes a page; none of its links opens it any more.
type RemovePage struct {
	PortfolioID string `json:"portfolio_id"`
	PageID      string `json:"page_id"`
}

func (h *Handler) RemovePage(ctx context.Context, call Call, cmd RemovePage) (Result, error) {
	return h.portfolioUpdate(ctx, call, cmd.PortfolioID, actWriteContent, nil, cmd, true,
		func(p *domain.Portfolio, _ time.Time) ([]domain.Event, error) {
			return p.RemovePage(cmd.PageID)
		})
}

// PublishPage opens a page to whoever holds a new share link: optionally
// until a future end, listed publicly, labelled for one recipient (one
// link per recipient if wished).
//
// The link's token is shown once: Result.Secret carries it, 32 random
// bytes in unpadded base64url (256 bits); only its SHA-256 is stored, so
// nobody can show it again. A replay of the same idempotency key answers
// the first result with an empty Secret and mints no new token: a caller
// that lost the token revokes the link and publishes another.
type PublishPage struct {
	PortfolioID string `json:"portfolio_id"`
	PageID      string `json:"page_id"`
	LinkID      string `json:"link_id,omitempty"`
	domain.LinkInput
}

// PublishPage is safe to re-decide: the token stays the same across
// retries and the page is checked again.
func (h *Handler) PublishPage(ctx context.Context, call Call, cmd PublishPage) (Result, error) {
	if cmd.LinkID == "" {
		cmd.LinkID = h.newID(call, "l-", 0)
	}
	token, err := newShareToken()
	if err != nil {
		return Result{}, err
	}
	res, err := h.portfolioUpdate(ctx, call, cmd.PortfolioID, actWriteContent, nil, cmd, true,
		func(p *domain.Portfolio, now time.Time) ([]domain.Event, error) {
			return p.PublishPage(cmd.PageID, cmd.LinkID, domain.ShareTokenHash(token), cmd.LinkInput, now)
		})
	res.ID = cmd.LinkID
	if err == nil && !res.Replayed {
		res.Secret = token
	}
	return res, err
}

// shareTokenBytes is the entropy of a share link's token (256 bits).
const shareTokenBytes = 32

func newShareToken() (string, error) {
	b := make([]byte, shareTokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("share token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// RevokeShareLink closes one share link of a page.
type RevokeShareLink struct {
	PortfolioID string `json:"portfolio_id"`
	PageID      string `json:"page_id"`
	LinkID      string `json:"link_id"`
}

func (h *Handler) RevokeShareLink(ctx context.Context, call Call, cmd RevokeShareLink) (Result, error) {
	return h.portfolioUpdate(ctx, call, cmd.PortfolioID, actWriteContent, nil, cmd, true,
		func(p *domain.Portfolio, _ time.Time) ([]domain.Event, error) {
			return p.RevokeShareLink(cmd.PageID, cmd.LinkID)
		})
}
