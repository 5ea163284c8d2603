package projections

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/internal/sqlitedriver"
)

// DB holds the read models and their checkpoints: the SQLite file
// readmodels.db in the data directory (OpenSQLite), or tables in the
// PostgreSQL database of the event store (OpenPostgres). Read models are
// derived data: the SQLite file uses synchronous=NORMAL, which may lose the
// last transactions on power loss but never tears one; a lost transaction
// takes its checkpoint with it, so the events are applied again, exactly
// once.
type DB struct {
	where   string // for messages: the file, or "PostgreSQL host/database"
	dialect dialect
	writer  *sql.DB
	reader  *sql.DB
	pg      *pgx.ConnConfig // PostgreSQL: for the sessions that hold advisory locks
	schema  string          // PostgreSQL: the schema the tables live in
	stmts   sync.Map        // SQLite: statements prepared on the writer, by query
	reads   sync.Map        // SQLite: statements prepared on the reader pool, by query
	notices *notices        // PostgreSQL: read models changed by any process (notify.go)
}

// readStmt returns the reader pool's prepared statement for query (SQLite
// only; nil otherwise, or if it cannot be prepared: the caller then runs
// the query plainly).
func (d *DB) readStmt(ctx context.Context, query string) *sql.Stmt {
	if d.dialect != sqliteDialect {
		return nil
	}
	if st, ok := d.reads.Load(query); ok {
		return st.(*sql.Stmt)
	}
	// The caller holds a reader connection in its transaction: if every
	// other one is busy, give up quickly and run the query plainly rather
	// than wait (transactions all preparing at once would wait forever).
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 50*time.Millisecond)
	defer cancel()
	st, err := d.reader.PrepareContext(pctx, query)
	if err != nil {
		return nil
	}
	if prev, loaded := d.reads.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sql.Stmt)
	}
	return st
}

func dbDSN(path string, write bool) string {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(NORMAL)", "secure_delete(ON)"} {
		q.Add("_pragma", p)
	}
	if write {
		q.Set("_txlock", "immediate")
	} else {
		q.Add("_pragma", "query_only(1)")
	}
	return "file:" + path + "?" + q.Encode()
}

// MigrateSQLite creates or upgrades the read-model file at path.
func MigrateSQLite(ctx context.Context, path string) error {
	db, err := sql.Open(sqlitedriver.Name, dbDSN(path, true))
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	return migrate(ctx, db, sqliteDialect, path)
}

// migrate applies the missing migrations of d to db, one transaction each,
// and refuses a schema written by a newer binary.
func migrate(ctx context.Context, db *sql.DB, d dialect, where string) error {
	for {
		done, err := migrateStep(ctx, db, d, where)
		if err != nil || done {
			return err
		}
	}
}

func migrateStep(ctx context.Context, db *sql.DB, d dialect, where string) (done bool, err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("migrate %s: %w", where, err)
	}
	defer tx.Rollback()
	if d == postgresDialect { // serialise processes that migrate at once
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, lockKey("migrate", "")); err != nil {
			return false, fmt.Errorf("migrate %s: take the migration lock: %w", where, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS `+d.versionTable()+` (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return false, fmt.Errorf("migrate %s: %w", where, err)
	}
	var v sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT max(version) FROM `+d.versionTable()).Scan(&v); err != nil {
		return false, fmt.Errorf("migrate %s: %w", where, err)
	}
	ms := d.migrations()
	switch {
	case int(v.Int64) > len(ms):
		return true, fmt.Errorf("%s is at schema version %d, this binary knows up to %d: upgrade parcours", where, v.Int64, len(ms))
	case int(v.Int64) == len(ms):
		return true, nil
	}
	next := int(v.Int64) + 1
	_, err = tx.ExecContext(ctx, ms[next-1])
	if err == nil {
		_, err = tx.ExecContext(ctx, `INSERT INTO `+d.versionTable()+` VALUES ($1, $2)`, next, time.Now().Unix())
	}
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		return false, fmt.Errorf("migrate %s to version %d: %w", where, next, err)
	}
	return next == len(ms), nil
}

// checkVersion fails unless db's read-model schema is the one this binary
// writes.
func checkVersion(ctx context.Context, db *sql.DB, d dialect, where string) error {
	var v sql.NullInt64
	err := db.QueryRowContext(ctx, `SELECT max(version) FROM `+d.versionTable()).Scan(&v)
	if err != nil || int(v.Int64) != len(d.migrations()) {
		return fmt.Errorf("open %s: read-model schema at version %d, want %d (run `parcours migrate`): %v", where, v.Int64, len(d.migrations()), err)
	}
	return nil
}

// OpenSQLite opens the read-model file, which MigrateSQLite must have
// brought up to date.
func OpenSQLite(ctx context.Context, path string) (*DB, error) {
	w, err := sql.Open(sqlitedriver.Name, dbDSN(path, true))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	r, err := sql.Open(sqlitedriver.Name, dbDSN(path, false))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	if err := checkVersion(ctx, w, sqliteDialect, path); err != nil {
		w.Close()
		r.Close()
		return nil, err
	}
	return &DB{where: path, dialect: sqliteDialect, writer: w, reader: r}, nil
}

// Close closes the file or the connections.
func (d *DB) Close() error {
	if d.notices != nil {
		d.notices.close()
	}
	return errors.Join(d.writer.Close(), d.reader.Close())
}

// state is a projection's row in projection_state.
type state struct {
	Name       string
	Version    int
	Generation int
	Position   eventstore.Position
	Status     string
	Error      string
	UpdatedAt  time.Time
}

type queryer interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}

func loadState(ctx context.Context, q queryer, name string) (state, bool, error) {
	return readState(ctx, q, name, "")
}

// lockState loads a projection's state in tx, where its read model is
// about to change; on PostgreSQL it locks the row (see dialect.forUpdate).
func (d *DB) lockState(ctx context.Context, tx *sql.Tx, name string) (state, bool, error) {
	return readState(ctx, tx, name, d.dialect.forUpdate())
}

func readState(ctx context.Context, q queryer, name, lock string) (state, bool, error) {
	s := state{Name: name}
	var hi, lo, at int64
	err := q.QueryRowContext(ctx, `SELECT version, generation, hi, lo, status, error, updated_at FROM projection_state WHERE name = $1`+lock, name).
		Scan(&s.Version, &s.Generation, &hi, &lo, &s.Status, &s.Error, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return s, false, nil
	}
	if err != nil {
		return s, false, fmt.Errorf("load state of %s: %w", name, err)
	}
	s.Position = eventstore.Position{Hi: uint64(hi), Lo: uint64(lo)}
	s.UpdatedAt = time.Unix(0, at)
	return s, true, nil
}

func saveState(ctx context.Context, tx *sql.Tx, s state) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO projection_state (name, version, generation, hi, lo, status, error, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (name) DO UPDATE SET version = excluded.version, generation = excluded.generation, hi = excluded.hi,
		lo = excluded.lo, status = excluded.status, error = excluded.error, updated_at = excluded.updated_at`,
		s.Name, s.Version, s.Generation, int64(s.Position.Hi), int64(s.Position.Lo), s.Status, s.Error, time.Now().UnixNano())
	if err != nil {
		return fmt.Errorf("save state of %s: %w", s.Name, err)
	}
	return nil
}

// Load implements Checkpoints.
func (d *DB) Load(ctx context.Context, key string) (eventstore.Position, error) {
	s, _, err := loadState(ctx, d.writer, key)
	return s.Position, err
}

// Save implements Checkpoints.
func (d *DB) Save(ctx context.Context, key string, pos eventstore.Position) error {
	tx, err := d.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer tx.Rollback()
	s, _, err := d.lockState(ctx, tx, key)
	if err != nil {
		return err
	}
	s.Position, s.Status = pos, "running"
	if err := saveState(ctx, tx, s); err != nil {
		return err
	}
	return tx.Commit()
}
