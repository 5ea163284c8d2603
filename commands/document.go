package commands

import (
	"context"
	"time"

	"github.com/parcours/parcours/domain"
)

// The administrative folder is the owner's alone to change
// (actWriteContent); Portfolio.MaySeeDocument says who may see a document.

// AddDocument files a document (already in the file store), private to
// the owner.
type AddDocument struct {
	PortfolioID string `json:"portfolio_id"`
	DocumentID  string `json:"document_id,omitempty"`
	domain.DocumentInput
}

func (h *Handler) AddDocument(ctx context.Context, call Call, cmd AddDocument) (Result, error) {
	if cmd.DocumentID == "" {
		cmd.DocumentID = h.newID(call, "d-", 0)
	}
	res, err := h.portfolioUpdate(ctx, call, cmd.PortfolioID, actWriteContent, nil, cmd, true,
		func(p *domain.Portfolio, _ time.Time) ([]domain.Event, error) {
			return p.AddDocument(cmd.DocumentID, cmd.DocumentInput)
		})
	res.ID = cmd.DocumentID
	return res, err
}

// ShareDocument lets the owner's assigned counsellors see a document.
type ShareDocument struct {
	PortfolioID string `json:"portfolio_id"`
	DocumentID  string `json:"document_id"`
}

func (h *Handler) ShareDocument(ctx context.Context, call Call, cmd ShareDocument) (Result, error) {
	return h.portfolioUpdate(ctx, call, cmd.PortfolioID, actWriteContent, nil, cmd, true,
		func(p *domain.Portfolio, _ time.Time) ([]domain.Event, error) {
			return p.ShareDocument(cmd.DocumentID)
		})
}

// UnshareDocument makes a document private to the owner again.
type UnshareDocument struct {
	PortfolioID string `json:"portfolio_id"`
	DocumentID  string `json:"document_id"`
}

func (h *Handler) UnshareDocument(ctx context.Context, call Call, cmd UnshareDocument) (Result, error) {
	return h.portfolioUpdate(ctx, call, cmd.PortfolioID, actWriteContent, nil, cmd, true,
		func(p *domain.Portfolio, _ time.Time) ([]domain.Event, error) {
			return p.UnshareDocument(cmd.DocumentID)
		})
}

// RemoveDocument removes a document from the folder.
type RemoveDocument struct {
	PortfolioID string `json:"portfolio_id"`
	DocumentID  string `json:"document_id"`
}

func (h *Handler) RemoveDocument(ctx context.Context, call Call, cmd RemoveDocument) (Result, error) {
	return h.portfolioUpdate(ctx, call, cmd.PortfolioID, actWriteContent, nil, cmd, true,
		func(p *domain.Portfolio, _ time.Time) ([]domain.Event, error) {
			return p.RemoveDocument(cmd.DocumentID)
		})
}
