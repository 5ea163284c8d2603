package projections

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// With PostgreSQL, the read models and their checkpoints live in the
// database of the event store, in the first schema of the connection's
// search_path, so that several parcours processes share them; each
// projection is run by one process at a time (see Runner).

// MigratePostgres creates or upgrades the read-model tables in the
// PostgreSQL database at connString (a postgres:// URL or key=value
// string; a search_path parameter selects the schema, created if
// missing). Concurrent calls are serialised by an advisory lock; a schema
// written by a newer binary is refused.
func MigratePostgres(ctx context.Context, connString string) error {
	cfg, err := pgx.ParseConfig(connString)
	if err != nil {
		return fmt.Errorf("migrate read models: parse connection string: %w", err)
	}
	db := stdlib.OpenDB(*cfg)
	defer db.Close()
	db.SetMaxOpenConns(1)
	where := pgWhere(cfg)
	if sp := cfg.RuntimeParams["search_path"]; sp != "" {
		first := strings.Trim(strings.TrimSpace(strings.Split(sp, ",")[0]), `"`)
		if _, err := db.ExecContext(ctx, `CREATE SCHEMA IF NOT EXISTS `+pgx.Identifier{first}.Sanitize()); err != nil {
			return fmt.Errorf("migrate %s: create schema %s: %w", where, first, err)
		}
	}
	return migrate(ctx, db, postgresDialect, where)
}

// OpenPostgres opens the read models in the PostgreSQL database at
// connString, which MigratePostgres must have brought up to date. Queries
// read through a pool of their own whose transactions are read-only and
// REPEATABLE READ, so a query that reads several documents sees them as of
// one moment, as it does in SQLite.
func OpenPostgres(ctx context.Context, connString string) (*DB, error) {
	cfg, err := pgx.ParseConfig(connString)
	if err != nil {
		return nil, fmt.Errorf("open read models: parse connection string: %w", err)
	}
	where := pgWhere(cfg)
	w := sql.OpenDB(rebindConnector{stdlib.GetConnector(*cfg.Copy())})
	w.SetMaxOpenConns(16)
	w.SetMaxIdleConns(8)
	rcfg := cfg.Copy()
	rcfg.RuntimeParams["default_transaction_isolation"] = "repeatable read"
	rcfg.RuntimeParams["default_transaction_read_only"] = "on"
	r := sql.OpenDB(rebindConnector{stdlib.GetConnector(*rcfg)})
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(4)
	d := &DB{where: where, dialect: postgresDialect, writer: w, reader: r, pg: cfg}
	err = checkVersion(ctx, w, postgresDialect, where)
	if err == nil {
		err = w.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&d.schema)
	}
	if err != nil {
		d.Close()
		return nil, fmt.Errorf("open %s: %w", where, err)
	}
	d.notices = newNotices(d) // its goroutines start when first used
	return d, nil
}

// pgWhere names a database in messages, without its credentials.
func pgWhere(cfg *pgx.ConnConfig) string {
	where := "read models in PostgreSQL " + cfg.Host + "/" + cfg.Database
	if sp := cfg.RuntimeParams["search_path"]; sp != "" {
		where += " (search_path " + sp + ")"
	}
	return where
}
