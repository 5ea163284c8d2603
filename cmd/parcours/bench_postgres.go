package main

import (
	"context"
	"errors"
)

// TODO(postgres): the PostgreSQL bench target and its raw pgx baseline.

func postgresBenchTarget(ctx context.Context, sc *storeConfig) (*benchTarget, error) {
	return nil, errors.New("bench: the PostgreSQL store is not built yet")
}
