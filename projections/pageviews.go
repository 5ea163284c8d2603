package projections

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Views of recruiter pages are counted in a table of their own
// (page_views, made by the read-model schema's migrations), outside the
// read models' generations: they are not derived from events, so a
// rebuild must not lose them, and counting one never touches a
// projection's checkpoint.

// viewCounter gathers views in memory and writes them at most once a
// second: a page read many times a second must not cost a write each. A
// crash loses at most the last second's counts (they are statistics, not
// events).
type viewCounter struct {
	mu      sync.Mutex
	pending map[string]int64
	last    time.Time
}

// viewFlushEvery is how often gathered views are written.
const viewFlushEvery = time.Second

// RecordView counts one view of the page opened by the share link whose
// token hashes to tokenHash (PublishedPage.TokenHash). The caller records
// a view after RecruiterPage answered.
func (q *Queries) RecordView(ctx context.Context, tokenHash string) error {
	if b, err := hex.DecodeString(tokenHash); err != nil || len(b) != 32 {
		return fmt.Errorf("record view: %q is not a SHA-256 in hexadecimal", tokenHash)
	}
	q.views.mu.Lock()
	if q.views.pending == nil {
		q.views.pending = map[string]int64{}
	}
	q.views.pending[tokenHash]++
	var batch map[string]int64
	if time.Since(q.views.last) >= viewFlushEvery {
		batch, q.views.pending, q.views.last = q.views.pending, map[string]int64{}, time.Now()
	}
	q.views.mu.Unlock()
	if batch == nil {
		return nil
	}
	return q.writeViews(ctx, batch)
}

// FlushViews writes the views gathered so far (at shutdown, and in tests).
func (q *Queries) FlushViews(ctx context.Context) error {
	q.views.mu.Lock()
	batch := q.views.pending
	q.views.pending, q.views.last = map[string]int64{}, time.Now()
	q.views.mu.Unlock()
	return q.writeViews(ctx, batch)
}

func (q *Queries) writeViews(ctx context.Context, batch map[string]int64) error {
	if len(batch) == 0 {
		return nil
	}
	tx, err := q.db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record views: %w", err)
	}
	defer tx.Rollback()
	for hash, n := range batch {
		if _, err := tx.ExecContext(ctx, `INSERT INTO page_views (token_hash, views) VALUES ($1, $2)
			ON CONFLICT (token_hash) DO UPDATE SET views = page_views.views + $2`, hash, n); err != nil {
			return fmt.Errorf("record views: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record views: %w", err)
	}
	return nil
}

// pendingViews returns the views of tokenHash not yet written.
func (q *Queries) pendingViews(tokenHash string) int64 {
	q.views.mu.Lock()
	defer q.views.mu.Unlock()
	return q.views.pending[tokenHash]
}

// views returns the views recorded of the link whose token hashes to
// tokenHash.
func (r *reading) views(tokenHash string) (int64, error) {
	var n int64
	err := r.QueryRowContext(r.ctx, `SELECT views FROM page_views WHERE token_hash = $1`, tokenHash).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read views: %w", err)
	}
	return n, nil
}
