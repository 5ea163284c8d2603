package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/eventstore/sqlite"
)

// openStore opens the configured event store. With migrate, the schema is
// created or upgraded first (serve does it for the embedded default, so a
// newcomer needs no setup step; migrate does it on purpose).
func openStore(ctx context.Context, c *storeConfig, migrate bool) (eventstore.Store, error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	kind, _ := c.kind()
	switch kind {
	case "postgres":
		return openPostgres(ctx, c, migrate)
	case "kurrentdb":
		return openKurrentDB(ctx, c)
	}
	path, err := sqlitePath(c, migrate)
	if err != nil {
		return nil, err
	}
	if migrate {
		if _, err := sqlite.Migrate(ctx, path); err != nil {
			return nil, err
		}
	}
	return sqlite.Open(ctx, path, sqlite.Options{MaxEventSize: c.MaxEventSize, Synchronous: strings.ToUpper(c.SQLiteSync)})
}

// migrateStore creates or upgrades the configured store's schema and
// returns the version it is at.
func migrateStore(ctx context.Context, c *storeConfig) (string, int, error) {
	if err := c.validate(); err != nil {
		return "", 0, err
	}
	kind, _ := c.kind()
	switch kind {
	case "postgres":
		v, err := migratePostgres(ctx, c)
		return redact(c.Store), v, err
	case "kurrentdb":
		return redact(c.Store), 0, nil // KurrentDB has no schema.
	}
	path, err := sqlitePath(c, true)
	if err != nil {
		return "", 0, err
	}
	v, err := sqlite.Migrate(ctx, path)
	return path, v, err
}

// sqlitePath returns the embedded store's file in the data directory,
// creating the directory (mode 0700: it holds personal data) if asked to.
func sqlitePath(c *storeConfig, create bool) (string, error) {
	if create {
		if err := os.MkdirAll(c.Data, 0o700); err != nil {
			return "", fmt.Errorf("create data directory: %w", err)
		}
	}
	path := filepath.Join(c.Data, "events.db")
	if !create {
		if _, err := os.Stat(path); err != nil {
			return "", fmt.Errorf("no event store in %s (run `parcours migrate` or `parcours serve` first): %w", c.Data, err)
		}
	}
	return path, nil
}
