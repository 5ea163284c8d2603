// Package sqlitewal empties a SQLite file's write-ahead log into the file,
// so that rows just deleted (with secure_delete on) leave no copy in the
// log: the personal-data keys and the credentials use it after an erasure.
package sqlitewal

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Truncate checkpoints db's WAL and truncates it to zero bytes, retrying
// while readers hold it (up to 50 times, 100ms apart). what names the
// file in errors ("key file").
func Truncate(ctx context.Context, db *sql.DB, what string) error {
	for attempt := 0; ; attempt++ {
		var busy, logFrames, done int
		if err := db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &done); err != nil {
			return fmt.Errorf("checkpoint %s: %w", what, err)
		}
		if busy == 0 {
			return nil
		}
		if attempt == 50 {
			return fmt.Errorf("checkpoint %s: still busy after 50 attempts; deleted rows may remain in the WAL until the next checkpoint", what)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
