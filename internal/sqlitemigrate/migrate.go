// Package sqlitemigrate applies ordered, versioned migrations to a SQLite
// file, recording each in a schema_version table, and refuses a file
// written by a newer binary. The stores that keep a small SQLite file of
// their own in the data directory (keys, credentials, the audit log) share
// it.
package sqlitemigrate

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Apply brings db to version len(steps): steps[i] takes it from version i
// to i+1, in a transaction of its own. where names the file in errors.
func Apply(ctx context.Context, db *sql.DB, where string, steps []string) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("migrate %s: %w", where, err)
	}
	v, err := Version(ctx, db)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", where, err)
	}
	if v > len(steps) {
		return fmt.Errorf("%s is at schema version %d, this binary knows up to %d: upgrade parcours", where, v, len(steps))
	}
	for i := v; i < len(steps); i++ {
		if err := step(ctx, db, i+1, steps[i]); err != nil {
			return fmt.Errorf("migrate %s to version %d: %w", where, i+1, err)
		}
	}
	return nil
}

func step(ctx context.Context, db *sql.DB, version int, query string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, query); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version VALUES (?, ?)`, version, time.Now().Unix()); err != nil {
		return err
	}
	return tx.Commit()
}

// Version returns the schema version of db (0 for a new file).
func Version(ctx context.Context, db *sql.DB) (int, error) {
	var v sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT max(version) FROM schema_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return int(v.Int64), nil
}
