package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/parcours/parcours/personaldata"
)

// vault is the personal-data side of a deployment: the key ring (keys in
// the data directory's keys.db, or in PostgreSQL with the postgres store)
// and the encrypted evidence files under the data directory.
type vault struct {
	ring  *personaldata.Keyring
	files *personaldata.Files
	close func() error
}

// openVault opens (and with migrate, creates or upgrades) the key store
// and loads the master key (PARCOURS_MASTER_KEY, or master.key in the data
// directory, created on first start).
func openVault(ctx context.Context, sc *storeConfig, migrate bool) (*vault, error) {
	if err := os.MkdirAll(sc.Data, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	master, err := personaldata.LoadMasterKey(os.Getenv("PARCOURS_MASTER_KEY"), sc.Data)
	if err != nil {
		return nil, err
	}
	keys, closeKeys, err := openKeyStore(ctx, sc, migrate)
	if err != nil {
		return nil, err
	}
	ring, err := personaldata.NewKeyring(keys, master)
	if err != nil {
		closeKeys()
		return nil, err
	}
	files, err := personaldata.NewFiles(filepath.Join(sc.Data, "files"), ring)
	if err != nil {
		closeKeys()
		return nil, err
	}
	return &vault{ring: ring, files: files, close: closeKeys}, nil
}

func openKeyStore(ctx context.Context, sc *storeConfig, migrate bool) (personaldata.KeyStore, func() error, error) {
	kind, err := sc.kind()
	if err != nil {
		return nil, nil, err
	}
	if kind == "postgres" {
		pool, err := pgxpool.New(ctx, sc.Store)
		if err != nil {
			return nil, nil, fmt.Errorf("connect to PostgreSQL for keys: %w", err)
		}
		if migrate {
			if err := personaldata.MigratePostgresKeys(ctx, pool); err != nil {
				pool.Close()
				return nil, nil, err
			}
		}
		keys, err := personaldata.NewPostgresKeys(ctx, pool)
		if err != nil {
			pool.Close()
			return nil, nil, err
		}
		return keys, func() error { pool.Close(); return nil }, nil
	}
	// SQLite and KurrentDB deployments keep keys in the data directory.
	path := filepath.Join(sc.Data, "keys.db")
	if migrate {
		if err := personaldata.MigrateSQLiteKeys(ctx, path); err != nil {
			return nil, nil, err
		}
	} else if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, nil, fmt.Errorf("no key store in %s (run `parcours migrate` first)", sc.Data)
	}
	keys, err := personaldata.OpenSQLiteKeys(ctx, path)
	if err != nil {
		return nil, nil, err
	}
	return keys, keys.Close, nil
}
