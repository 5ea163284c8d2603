package projections

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
)

// Views of recruiter pages are counted in a table of their own
// (page_views, made by the read-model schema's migrations), outside the
// read models' generations: they are not derived from events, so a
// rebuild must not lose them, and counting one never touches a
// projection's checkpoint.

// RecordView counts one view of the page opened by the share link whose
// token hashes to tokenHash (PublishedPage.TokenHash). The caller records
// a view after RecruiterPage answered; it is a write of its own, in its
// own transaction.
func (q *Queries) RecordView(ctx context.Context, tokenHash string) error {
	if b, err := hex.DecodeString(tokenHash); err != nil || len(b) != 32 {
		return fmt.Errorf("record view: %q is not a SHA-256 in hexadecimal", tokenHash)
	}
	_, err := q.db.writer.ExecContext(ctx, `INSERT INTO page_views (token_hash, views) VALUES ($1, 1)
		ON CONFLICT (token_hash) DO UPDATE SET views = page_views.views + 1`, tokenHash)
	if err != nil {
		return fmt.Errorf("record view: %w", err)
	}
	return nil
}

// views returns the views recorded of the link whose token hashes to
// tokenHash.
func (r *reading) views(tokenHash string) (int64, error) {
	var n int64
	err := r.tx.QueryRowContext(r.ctx, `SELECT views FROM page_views WHERE token_hash = $1`, tokenHash).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read views: %w", err)
	}
	return n, nil
}
