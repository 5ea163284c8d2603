package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// migrations are applied in order; migrations[i] brings the schema to
// version i+1. Never edit one that has shipped: add a new one.
var migrations = []string{
	`CREATE TABLE events (
		tx_id          xid8        NOT NULL DEFAULT pg_current_xact_id(),
		ord            integer     NOT NULL CHECK (ord >= 0),
		stream         text        NOT NULL,
		revision       bigint      NOT NULL CHECK (revision >= 0),
		event_id       uuid        NOT NULL,
		type           text        NOT NULL,
		schema_version bigint      NOT NULL,
		data           bytea       NOT NULL,
		metadata       bytea       NOT NULL,
		recorded_at    timestamptz NOT NULL DEFAULT now(),
		prev_hash      bytea       NOT NULL CHECK (length(prev_hash) = 32),
		hash           bytea       NOT NULL CHECK (length(hash) = 32),
		CONSTRAINT events_position_key PRIMARY KEY (tx_id, ord),
		CONSTRAINT events_stream_revision_key UNIQUE (stream, revision),
		CONSTRAINT events_event_id_key UNIQUE (event_id)
	);
	CREATE FUNCTION events_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		RAISE EXCEPTION 'events are immutable';
	END $$;
	CREATE TRIGGER events_immutable BEFORE UPDATE OR DELETE ON events
		FOR EACH ROW EXECUTE FUNCTION events_immutable();
	CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
		FOR EACH STATEMENT EXECUTE FUNCTION events_immutable();`,
}

// SchemaVersion is the schema version this binary writes and reads.
var SchemaVersion = len(migrations)

// ErrSchemaTooNew: the schema was migrated by a newer binary.
var ErrSchemaTooNew = errors.New("database schema is newer than this binary")

// ErrSchemaTooOld: the schema needs Migrate before the store can be opened.
var ErrSchemaTooOld = errors.New("database schema is older than this binary: run `parcours migrate`")

// migrationLock is the advisory lock key that serialises concurrent
// Migrate calls on one database ("parcours" in ASCII).
const migrationLock = 0x706172636f757273

// Migrate creates or upgrades the event store schema and returns the
// version it is now at. The tables go into the first schema of the
// connection's search_path (a search_path parameter in connString, else the
// server's default, usually public); a schema named there is created if it
// does not exist. Concurrent calls are serialised by an advisory lock. It
// refuses (ErrSchemaTooNew) a schema written by a newer binary.
func Migrate(ctx context.Context, connString string) (int, error) {
	cfg, err := pgx.ParseConfig(connString)
	if err != nil {
		return 0, fmt.Errorf("event store schema: parse connection string: %w", err)
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return 0, fmt.Errorf("event store schema: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if sp := cfg.RuntimeParams["search_path"]; sp != "" {
		first := strings.Trim(strings.TrimSpace(strings.Split(sp, ",")[0]), `"`)
		if _, err := conn.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+pgx.Identifier{first}.Sanitize()); err != nil {
			return 0, fmt.Errorf("event store schema: create schema %s: %w", first, err)
		}
	}
	for {
		v, done, err := migrateStep(ctx, conn)
		if err != nil || done {
			return v, err
		}
	}
}

// migrateStep applies the next migration, if any, in one transaction that
// holds the migration lock, and reports the version reached.
func migrateStep(ctx context.Context, conn *pgx.Conn) (version int, done bool, err error) {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return 0, false, fmt.Errorf("event store schema: begin transaction: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLock)); err != nil {
		return 0, false, fmt.Errorf("event store schema: take the migration lock: %w", err)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version    integer     PRIMARY KEY,
		applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return 0, false, fmt.Errorf("event store schema: create schema_version: %w", err)
	}
	current, err := currentVersion(ctx, tx)
	if err != nil {
		return 0, false, err
	}
	switch {
	case current > SchemaVersion:
		return current, true, fmt.Errorf("event store schema is at version %d, this binary knows up to %d: %w", current, SchemaVersion, ErrSchemaTooNew)
	case current == SchemaVersion:
		return current, true, nil
	}
	next := current + 1
	if _, err := tx.Exec(ctx, migrations[next-1]); err != nil {
		return current, false, fmt.Errorf("upgrade the event store schema to version %d: %w", next, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO schema_version (version) VALUES ($1)`, next); err != nil {
		return current, false, fmt.Errorf("upgrade the event store schema to version %d: record version: %w", next, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return current, false, fmt.Errorf("upgrade the event store schema to version %d: commit: %w", next, err)
	}
	return next, next == SchemaVersion, nil
}

type queryRower interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// currentVersion reads the schema version; 0 if schema_version is missing.
func currentVersion(ctx context.Context, q queryRower) (int, error) {
	var exists bool
	if err := q.QueryRow(ctx, `SELECT to_regclass('schema_version') IS NOT NULL`).Scan(&exists); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	if !exists {
		return 0, nil
	}
	var v int
	if err := q.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}
