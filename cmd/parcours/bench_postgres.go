package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/parcours/parcours/eventstore/postgres"
)

// postgresBenchTarget creates two fresh schemas in the database at
// --store (PARCOURS_STORE), migrated alike: one for the store, one for the
// raw baseline, which gets a pool of the same size and the same session
// settings. Both are dropped when the bench ends.
func postgresBenchTarget(ctx context.Context, sc *storeConfig) (*benchTarget, error) {
	if kind, _ := sc.kind(); kind != "postgres" {
		return nil, usageError("bench --backend postgres: set --store (or PARCOURS_STORE) to a postgres:// URL")
	}
	var b [4]byte
	rand.Read(b[:])
	prefix := "parcours_bench_" + hex.EncodeToString(b[:])
	storeSchema, rawSchema := prefix+"_store", prefix+"_raw"
	admin, err := pgx.Connect(ctx, sc.Store)
	if err != nil {
		return nil, fmt.Errorf("bench: connect to %s: %w", redact(sc.Store), err)
	}
	drop := func() error {
		_, err := admin.Exec(context.WithoutCancel(ctx), `DROP SCHEMA IF EXISTS `+storeSchema+`, `+rawSchema+` CASCADE`)
		return errors.Join(err, admin.Close(context.WithoutCancel(ctx)))
	}
	fail := func(err error) (*benchTarget, error) { return nil, errors.Join(err, drop()) }
	durable, err := pgDurability(ctx, admin)
	if err != nil {
		return fail(err)
	}
	storeURL, err := withSearchPath(sc.Store, storeSchema)
	if err != nil {
		return fail(err)
	}
	rawURL, _ := withSearchPath(sc.Store, rawSchema)
	for _, u := range []string{storeURL, rawURL} {
		if _, err := postgres.Migrate(ctx, u); err != nil {
			return fail(err)
		}
	}
	opts := postgresOptions(sc)
	store, err := postgres.Open(ctx, storeURL, opts)
	if err != nil {
		return fail(err)
	}
	raw, err := newPGRaw(ctx, rawURL, opts)
	if err != nil {
		store.Close()
		return fail(err)
	}
	return &benchTarget{
		backend: "postgres",
		durable: durable,
		store:   store,
		raw:     raw,
		close: func() error {
			err := store.Close()
			raw.pool.Close()
			return errors.Join(err, drop())
		},
	}, nil
}

// pgDurability names the server's durability settings for the report.
func pgDurability(ctx context.Context, conn *pgx.Conn) (string, error) {
	var fsync, syncCommit string
	if err := conn.QueryRow(ctx, `SELECT current_setting('fsync'), current_setting('synchronous_commit')`).Scan(&fsync, &syncCommit); err != nil {
		return "", fmt.Errorf("bench: read durability settings: %w", err)
	}
	return "fsync=" + fsync + ", synchronous_commit=" + syncCommit, nil
}

// withSearchPath returns the URL connString with its search_path set to
// schema.
func withSearchPath(connString, schema string) (string, error) {
	u, err := url.Parse(connString)
	if err != nil {
		return "", fmt.Errorf("bench: parse %s: %w", redact(connString), err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// pgRaw inserts rows with plain pgx INSERT statements: one statement for a
// single row, otherwise one pipelined batch of single-row INSERTs, which
// PostgreSQL runs as one implicit transaction (one round trip, one commit).
// Its pool has the store's size and session settings.
type pgRaw struct{ pool *pgxpool.Pool }

func newPGRaw(ctx context.Context, connString string, o postgres.Options) (*pgRaw, error) {
	cfg, err := postgres.PoolConfig(connString, o)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = "parcours-bench-raw"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	return &pgRaw{pool: pool}, nil
}

// pgRawInsert inserts one row; ord numbers the rows of a transaction, as
// the store does.
const pgRawInsert = `INSERT INTO events (ord, stream, revision, event_id, type, schema_version, data, metadata, prev_hash, hash)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`

func (r *pgRaw) InsertTx(ctx context.Context, rows []rawRow) error {
	args := func(ord int, row rawRow) []any {
		return []any{ord, row.Stream, int64(row.Revision), row.ID, row.Type, int64(row.SchemaVersion), row.Data, row.Metadata, row.PrevHash[:], row.Hash[:]}
	}
	if len(rows) == 1 {
		if _, err := r.pool.Exec(ctx, pgRawInsert, args(0, rows[0])...); err != nil {
			return fmt.Errorf("insert: %w", err)
		}
		return nil
	}
	b := &pgx.Batch{}
	for i, row := range rows {
		b.Queue(pgRawInsert, args(i, row)...)
	}
	if err := r.pool.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("insert %d rows: %w", len(rows), err)
	}
	return nil
}

// scratchSchema returns connString with its search_path set to a new,
// empty schema named prefix_<random>, and a function that drops it.
func scratchSchema(ctx context.Context, connString, prefix string) (string, func() error, error) {
	if kind, _ := (&storeConfig{Store: connString}).kind(); kind != "postgres" {
		return "", nil, usageError("bench --backend postgres: set PARCOURS_STORE to a postgres:// URL")
	}
	var b [4]byte
	rand.Read(b[:])
	schema := prefix + "_" + hex.EncodeToString(b[:])
	u, err := withSearchPath(connString, schema)
	if err != nil {
		return "", nil, err
	}
	drop := func() error {
		admin, err := pgx.Connect(context.WithoutCancel(ctx), connString)
		if err != nil {
			return fmt.Errorf("bench: connect to %s: %w", redact(connString), err)
		}
		defer admin.Close(context.WithoutCancel(ctx))
		_, err = admin.Exec(context.WithoutCancel(ctx), `DROP SCHEMA IF EXISTS `+schema+` CASCADE`)
		return err
	}
	return u, drop, nil
}
