package commands

import (
	"context"
	"time"

	"github.com/parcours/parcours/domain"
)

// WriteJournalEntry adds a dated entry to the logbook shared by the owner
// and their assigned counsellors (actJournal). The author and their role
// are the call's actor.
type WriteJournalEntry struct {
	PortfolioID string      `json:"portfolio_id"`
	EntryID     string      `json:"entry_id,omitempty"`
	Day         domain.Date `json:"day,omitempty"` // today if empty
	Text        string      `json:"text"`
}

// WriteJournalEntry is safe to re-decide: owner and counsellor often write
// at once, and an entry depends on nothing another entry changes.
func (h *Handler) WriteJournalEntry(ctx context.Context, call Call, cmd WriteJournalEntry) (Result, error) {
	if cmd.EntryID == "" {
		cmd.EntryID = h.newID(call, "j-", 0)
	}
	res, err := h.portfolioUpdate(ctx, call, cmd.PortfolioID, actJournal, nil, cmd, true,
		func(p *domain.Portfolio, now time.Time) ([]domain.Event, error) {
			return p.WriteJournalEntry(cmd.EntryID, call.Actor, cmd.Day, cmd.Text, now)
		})
	res.ID = cmd.EntryID
	return res, err
}
