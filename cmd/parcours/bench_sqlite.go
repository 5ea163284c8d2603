package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/parcours/parcours/eventstore/sqlite"
	"github.com/parcours/parcours/internal/sqlitedriver"
)

// sqliteBenchTarget opens a fresh store and a fresh raw file with the same
// schema and settings in a temporary directory.
func sqliteBenchTarget(ctx context.Context, sc *storeConfig) (*benchTarget, error) {
	dir, err := os.MkdirTemp("", "parcours-bench-")
	if err != nil {
		return nil, fmt.Errorf("temporary directory: %w", err)
	}
	opts := sqlite.Options{MaxEventSize: sc.MaxEventSize, Synchronous: strings.ToUpper(sc.SQLiteSync)}
	storePath, rawPath := filepath.Join(dir, "events.db"), filepath.Join(dir, "raw.db")
	for _, p := range []string{storePath, rawPath} {
		if _, err := sqlite.Migrate(ctx, p); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	store, err := sqlite.Open(ctx, storePath, opts)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	db, err := sql.Open(sqlitedriver.Name, sqlite.DataSourceName(rawPath, opts))
	if err != nil {
		store.Close()
		os.RemoveAll(dir)
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return &benchTarget{
		backend: "sqlite",
		durable: "WAL, synchronous=" + opts.Synchronous,
		store:   store,
		raw:     &sqliteRaw{db: db},
		close: func() error {
			err := errors.Join(store.Close(), db.Close())
			return errors.Join(err, os.RemoveAll(dir))
		},
	}, nil
}

// sqliteRaw inserts rows with plain SQL transactions on one connection,
// as the store's single writer does.
type sqliteRaw struct{ db *sql.DB }

func (r *sqliteRaw) InsertTx(ctx context.Context, rows []rawRow) error {
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer tx.Rollback()
	now := time.Now().UnixNano()
	for _, row := range rows {
		if _, err := tx.ExecContext(ctx, `INSERT INTO events (stream, revision, event_id, type, schema_version, data, metadata, recorded_at, prev_hash, hash)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, row.Stream, int64(row.Revision), row.ID[:], row.Type, int64(row.SchemaVersion),
			row.Data, row.Metadata, now, row.PrevHash[:], row.Hash[:]); err != nil {
			return fmt.Errorf("insert: %w", err)
		}
	}
	return tx.Commit()
}
