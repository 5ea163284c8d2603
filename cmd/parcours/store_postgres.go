package main

import (
	"context"
	"errors"

	"github.com/parcours/parcours/eventstore"
)

// TODO(postgres): open and migrate the PostgreSQL store.

func openPostgres(ctx context.Context, c *storeConfig, migrate bool) (eventstore.Store, error) {
	return nil, errors.New("the PostgreSQL store is not built yet")
}

func migratePostgres(ctx context.Context, c *storeConfig) (int, error) {
	return 0, errors.New("the PostgreSQL store is not built yet")
}
