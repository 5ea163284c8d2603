package personaldata

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// PostgresKeys keeps wrapped keys in PostgreSQL tables, apart from the
// events. Erasing deletes the rows, then rewrites the key tables with
// VACUUM FULL so the dead rows' bytes leave the live table files. (Copies
// in PostgreSQL's write-ahead log and base backups age out with them; that
// is stated in the operations guide.)
type PostgresKeys struct {
	pool *pgxpool.Pool
}

var _ KeyStore = (*PostgresKeys)(nil)

var postgresKeyMigrations = []string{
	`CREATE TABLE person_keys (subject text PRIMARY KEY, wrapped bytea NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
	CREATE TABLE file_keys (file_id text PRIMARY KEY, subject text NOT NULL, wrapped bytea NOT NULL);
	CREATE INDEX file_keys_subject ON file_keys (subject);
	CREATE TABLE erased_subjects (subject text PRIMARY KEY, erased_at timestamptz NOT NULL DEFAULT now());`,
}

// MigratePostgresKeys creates or upgrades the key tables, recording the
// version in keys_schema_version.
func MigratePostgresKeys(ctx context.Context, pool *pgxpool.Pool) error {
	if _, err := pool.Exec(ctx, `CREATE TABLE IF NOT EXISTS keys_schema_version (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return fmt.Errorf("migrate key tables: %w", err)
	}
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		// One migrator at a time across processes.
		if _, err := tx.Exec(ctx, `LOCK TABLE keys_schema_version IN EXCLUSIVE MODE`); err != nil {
			return fmt.Errorf("lock key schema: %w", err)
		}
		var v int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM keys_schema_version`).Scan(&v); err != nil {
			return fmt.Errorf("read key schema version: %w", err)
		}
		if v > len(postgresKeyMigrations) {
			return fmt.Errorf("key tables at schema version %d, this binary knows up to %d: upgrade parcours", v, len(postgresKeyMigrations))
		}
		for i := v; i < len(postgresKeyMigrations); i++ {
			if _, err := tx.Exec(ctx, postgresKeyMigrations[i]); err != nil {
				return fmt.Errorf("migrate key tables to version %d: %w", i+1, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO keys_schema_version (version) VALUES ($1)`, i+1); err != nil {
				return fmt.Errorf("record key schema version: %w", err)
			}
		}
		return nil
	})
}

// NewPostgresKeys returns the key store over pool, whose key tables
// MigratePostgresKeys must have created.
func NewPostgresKeys(ctx context.Context, pool *pgxpool.Pool) (*PostgresKeys, error) {
	var v int
	if err := pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM keys_schema_version`).Scan(&v); err != nil || v != len(postgresKeyMigrations) {
		return nil, fmt.Errorf("key tables at schema version %d, want %d (run `parcours migrate`): %v", v, len(postgresKeyMigrations), err)
	}
	return &PostgresKeys{pool: pool}, nil
}

// PutIfAbsent implements KeyStore.
func (p *PostgresKeys) PutIfAbsent(ctx context.Context, subject string, wrapped []byte) ([]byte, error) {
	var stored []byte
	err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		var gone bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM erased_subjects WHERE subject = $1)`, subject).Scan(&gone); err != nil {
			return err
		}
		if gone {
			return fmt.Errorf("%s: %w", subject, ErrErased)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO person_keys (subject, wrapped) VALUES ($1, $2) ON CONFLICT (subject) DO NOTHING`, subject, wrapped); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT wrapped FROM person_keys WHERE subject = $1`, subject).Scan(&stored)
	})
	if err != nil {
		return nil, fmt.Errorf("store key: %w", err)
	}
	return stored, nil
}

// Get implements KeyStore.
func (p *PostgresKeys) Get(ctx context.Context, subject string) ([]byte, error) {
	var wrapped []byte
	var gone bool
	err := p.pool.QueryRow(ctx, `SELECT (SELECT wrapped FROM person_keys WHERE subject = $1),
		EXISTS (SELECT 1 FROM erased_subjects WHERE subject = $1)`, subject).Scan(&wrapped, &gone)
	switch {
	case err != nil:
		return nil, fmt.Errorf("read key: %w", err)
	case gone:
		return nil, fmt.Errorf("%s: %w", subject, ErrErased)
	case wrapped == nil:
		return nil, fmt.Errorf("%s: %w", subject, ErrNoKey)
	}
	return wrapped, nil
}

// PutFileKey implements KeyStore.
func (p *PostgresKeys) PutFileKey(ctx context.Context, fileID, subject string, wrapped []byte) error {
	if _, err := p.pool.Exec(ctx, `INSERT INTO file_keys VALUES ($1, $2, $3)`, fileID, subject, wrapped); err != nil {
		return fmt.Errorf("store file key: %w", err)
	}
	return nil
}

// GetFileKey implements KeyStore.
func (p *PostgresKeys) GetFileKey(ctx context.Context, fileID string) (string, []byte, error) {
	var subject string
	var wrapped []byte
	err := p.pool.QueryRow(ctx, `SELECT subject, wrapped FROM file_keys WHERE file_id = $1`, fileID).Scan(&subject, &wrapped)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil, fmt.Errorf("file %s: %w", fileID, ErrErased)
	}
	if err != nil {
		return "", nil, fmt.Errorf("read file key: %w", err)
	}
	return subject, wrapped, nil
}

// FileIDs implements KeyStore.
func (p *PostgresKeys) FileIDs(ctx context.Context, subject string) ([]string, error) {
	rows, err := p.pool.Query(ctx, `SELECT file_id FROM file_keys WHERE subject = $1 ORDER BY file_id`, subject)
	if err != nil {
		return nil, fmt.Errorf("list files: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("list files: %w", err)
	}
	return ids, nil
}

// Erase implements KeyStore.
func (p *PostgresKeys) Erase(ctx context.Context, subject string) (int, error) {
	var n int64
	err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM file_keys WHERE subject = $1`, subject)
		if err != nil {
			return fmt.Errorf("delete file keys: %w", err)
		}
		n = tag.RowsAffected()
		if _, err := tx.Exec(ctx, `DELETE FROM person_keys WHERE subject = $1`, subject); err != nil {
			return fmt.Errorf("delete key: %w", err)
		}
		_, err = tx.Exec(ctx, `INSERT INTO erased_subjects (subject) VALUES ($1) ON CONFLICT DO NOTHING`, subject)
		return err
	})
	if err != nil {
		return 0, err
	}
	if _, err := p.pool.Exec(ctx, `VACUUM (FULL) person_keys, file_keys`); err != nil {
		return int(n), fmt.Errorf("vacuum key tables: %w", err)
	}
	return int(n), nil
}
