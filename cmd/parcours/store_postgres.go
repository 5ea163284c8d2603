package main

import (
	"context"
	"time"

	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/eventstore/postgres"
)

// postgresOptions maps the configuration onto the store's options. A
// timeout of 0 on the command line means none, as in PostgreSQL.
func postgresOptions(c *storeConfig) postgres.Options {
	off := func(d time.Duration) time.Duration {
		if d == 0 {
			return -1
		}
		return d
	}
	return postgres.Options{
		MaxEventSize:     c.MaxEventSize,
		MaxConns:         int32(c.PGMaxConns),
		StatementTimeout: off(c.PGStatementTimeout),
		IdleInTxTimeout:  off(c.PGIdleInTxTimeout),
		Writers:          c.PGWriters,
	}
}

// openPostgres opens the PostgreSQL store at c.Store (its search_path
// parameter, if any, selects the schema), migrating it first if asked to.
func openPostgres(ctx context.Context, c *storeConfig, migrate bool) (eventstore.Store, error) {
	if migrate {
		if _, err := postgres.Migrate(ctx, c.Store); err != nil {
			return nil, err
		}
	}
	return postgres.Open(ctx, c.Store, postgresOptions(c))
}

// migratePostgres creates or upgrades the schema at c.Store.
func migratePostgres(ctx context.Context, c *storeConfig) (int, error) {
	return postgres.Migrate(ctx, c.Store)
}
