package auditlog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/parcours/parcours/eventstore"
)

// Anchor ties a submitted VAE dossier to the first signed checkpoint that
// covers its submission: from then on the submission (and every earlier
// event of the portfolio) is provably in the log as it was, and dated no
// later than the checkpoint's time.
type Anchor struct {
	PortfolioID string
	DossierID   string
	// EventID and LeafIndex are the VAEDossierSubmitted event's.
	EventID   eventstore.EventID
	LeafIndex int64
	// Checkpoint is the anchoring checkpoint; Signed its signed note.
	Checkpoint Checkpoint
	Signed     []byte
}

// AnchorOf returns the anchor of a dossier's submission. ErrNotFound if
// the log holds no submission of that dossier, ErrPending if it does but
// no checkpoint covers it yet (the next one will: at most
// CheckpointInterval later).
func (l *Log) AnchorOf(ctx context.Context, portfolioID, dossierID string) (Anchor, error) {
	a := Anchor{PortfolioID: portfolioID, DossierID: dossierID}
	var id []byte
	var size sql.NullInt64
	err := l.r.QueryRowContext(ctx, `SELECT event_id, leaf, checkpoint_size FROM anchors WHERE portfolio = ? AND dossier = ?`,
		portfolioID, dossierID).Scan(&id, &a.LeafIndex, &size)
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("submission of dossier %s of portfolio %s: %w", dossierID, portfolioID, ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("read anchor: %w", err)
	}
	copy(a.EventID[:], id)
	if !size.Valid {
		return a, fmt.Errorf("submission of dossier %s of portfolio %s: %w", dossierID, portfolioID, ErrPending)
	}
	a.Checkpoint, a.Signed, err = l.CheckpointAt(ctx, size.Int64)
	if err != nil {
		return a, fmt.Errorf("anchor of dossier %s: %w", dossierID, err)
	}
	return a, nil
}
