package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/parcours/parcours/credentials"
)

// openCredentials opens (and with migrate, creates or upgrades) the
// credential store: credentials.db in the data directory, or the
// credentials_* tables with the postgres store. member checks enrolments
// against the event log (memberOf).
func openCredentials(ctx context.Context, sc *storeConfig, migrate bool, member credentials.MemberFunc) (*credentials.Service, error) {
	kind, err := sc.kind()
	if err != nil {
		return nil, err
	}
	opts := credentials.Options{Member: member}
	if kind == "postgres" {
		pool, err := pgxpool.New(ctx, sc.Store)
		if err != nil {
			return nil, fmt.Errorf("connect to PostgreSQL for credentials: %w", err)
		}
		if migrate {
			if err := credentials.MigratePostgres(ctx, pool); err != nil {
				pool.Close()
				return nil, err
			}
		}
		store, err := credentials.NewPostgres(ctx, pool)
		if err != nil {
			pool.Close()
			return nil, err
		}
		return credentials.New(pgCredentials{Postgres: store, pool: pool}, opts), nil
	}
	// SQLite and KurrentDB deployments keep credentials in the data directory.
	path := filepath.Join(sc.Data, "credentials.db")
	if migrate {
		if err := os.MkdirAll(sc.Data, 0o700); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
		if err := credentials.MigrateSQLite(ctx, path); err != nil {
			return nil, err
		}
	} else if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no credential store in %s (run `parcours migrate` first)", sc.Data)
	}
	store, err := credentials.OpenSQLite(ctx, path)
	if err != nil {
		return nil, err
	}
	return credentials.New(store, opts), nil
}

// pgCredentials owns the pool it was opened with.
type pgCredentials struct {
	*credentials.Postgres
	pool *pgxpool.Pool
}

func (p pgCredentials) Close() error {
	p.pool.Close()
	return nil
}
