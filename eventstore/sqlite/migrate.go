package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/parcours/parcours/internal/sqlitedriver"
)

// migrations are applied in order; migrations[i] brings the schema to
// version i+1. Never edit one that has shipped: add a new one.
var migrations = []string{
	`CREATE TABLE events (
		position       INTEGER PRIMARY KEY,
		stream         TEXT    NOT NULL,
		revision       INTEGER NOT NULL,
		event_id       BLOB    NOT NULL UNIQUE,
		type           TEXT    NOT NULL,
		schema_version INTEGER NOT NULL,
		data           BLOB    NOT NULL,
		metadata       BLOB    NOT NULL,
		recorded_at    INTEGER NOT NULL,
		prev_hash      BLOB    NOT NULL,
		hash           BLOB    NOT NULL,
		UNIQUE (stream, revision)
	);
	CREATE TRIGGER events_immutable_update BEFORE UPDATE ON events
	BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;
	CREATE TRIGGER events_immutable_delete BEFORE DELETE ON events
	BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;`,
}

// SchemaVersion is the schema version this binary writes and reads.
var SchemaVersion = len(migrations)

// ErrSchemaTooNew: the file was migrated by a newer binary.
var ErrSchemaTooNew = errors.New("database schema is newer than this binary")

// ErrSchemaTooOld: the file needs Migrate before it can be opened.
var ErrSchemaTooOld = errors.New("database schema is older than this binary: run `parcours migrate`")

// Migrate creates or upgrades the schema of the SQLite file at path,
// creating the file if needed, and returns the version it is now at. It
// refuses (ErrSchemaTooNew) a file from a newer binary.
func Migrate(ctx context.Context, path string) (int, error) {
	db, err := sql.Open(sqlitedriver.Name, dsn(path, Options{}, true))
	if err != nil {
		return 0, fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))`); err != nil {
		return 0, fmt.Errorf("create schema_version in %s: %w", path, err)
	}
	current, err := currentVersion(ctx, db)
	if err != nil {
		return 0, err
	}
	if current > SchemaVersion {
		return current, fmt.Errorf("%s is at schema version %d, this binary knows up to %d: %w", path, current, SchemaVersion, ErrSchemaTooNew)
	}
	for v := current + 1; v <= SchemaVersion; v++ {
		if err := apply(ctx, db, v); err != nil {
			return v - 1, fmt.Errorf("migrate %s to version %d: %w", path, v, err)
		}
	}
	return SchemaVersion, nil
}

func apply(ctx context.Context, db *sql.DB, version int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, migrations[version-1]); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (?)`, version); err != nil {
		return fmt.Errorf("record version: %w", err)
	}
	return tx.Commit()
}

func currentVersion(ctx context.Context, db *sql.DB) (int, error) {
	var v sql.NullInt64
	err := db.QueryRowContext(ctx, `SELECT max(version) FROM schema_version`).Scan(&v)
	if err != nil {
		if isNoSuchTable(err) {
			return 0, nil
		}
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return int(v.Int64), nil
}
