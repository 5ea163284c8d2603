package projections

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/parcours/parcours/eventstore"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// DB is the SQLite file that holds the read models (readmodels.db in the
// data directory) and their checkpoints. Read models are derived data:
// the file uses synchronous=NORMAL, which may lose the last transactions
// on power loss but never tears one; a lost transaction takes its
// checkpoint with it, so the events are applied again, exactly once.
type DB struct {
	path   string
	writer *sql.DB
	reader *sql.DB
}

var dbMigrations = []string{
	`CREATE TABLE projection_state (
		name       TEXT PRIMARY KEY,
		version    INTEGER NOT NULL DEFAULT 0,
		generation INTEGER NOT NULL DEFAULT 0,
		hi         INTEGER NOT NULL DEFAULT 0,
		lo         INTEGER NOT NULL DEFAULT 0,
		status     TEXT NOT NULL DEFAULT 'new',
		error      TEXT NOT NULL DEFAULT '',
		updated_at INTEGER NOT NULL DEFAULT 0
	)`,
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
	db, err := sql.Open("sqlite", dbDSN(path, true))
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("migrate %s: %w", path, err)
	}
	var v sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT max(version) FROM schema_version`).Scan(&v); err != nil {
		return fmt.Errorf("migrate %s: %w", path, err)
	}
	if int(v.Int64) > len(dbMigrations) {
		return fmt.Errorf("%s is at schema version %d, this binary knows up to %d: upgrade parcours", path, v.Int64, len(dbMigrations))
	}
	for i := int(v.Int64); i < len(dbMigrations); i++ {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("migrate %s: %w", path, err)
		}
		_, err = tx.ExecContext(ctx, dbMigrations[i])
		if err == nil {
			_, err = tx.ExecContext(ctx, `INSERT INTO schema_version VALUES (?, ?)`, i+1, time.Now().Unix())
		}
		if err == nil {
			err = tx.Commit()
		}
		if err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate %s to version %d: %w", path, i+1, err)
		}
	}
	return nil
}

// OpenSQLite opens the read-model file, which MigrateSQLite must have
// brought up to date.
func OpenSQLite(ctx context.Context, path string) (*DB, error) {
	w, err := sql.Open("sqlite", dbDSN(path, true))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	r, err := sql.Open("sqlite", dbDSN(path, false))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	var v sql.NullInt64
	if err := w.QueryRowContext(ctx, `SELECT max(version) FROM schema_version`).Scan(&v); err != nil || int(v.Int64) != len(dbMigrations) {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("open %s: read-model schema at version %d, want %d (run `parcours migrate`): %v", path, v.Int64, len(dbMigrations), err)
	}
	return &DB{path: path, writer: w, reader: r}, nil
}

// Close closes the file.
func (d *DB) Close() error { return errors.Join(d.writer.Close(), d.reader.Close()) }

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
	s := state{Name: name}
	var hi, lo, at int64
	err := q.QueryRowContext(ctx, `SELECT version, generation, hi, lo, status, error, updated_at FROM projection_state WHERE name = ?`, name).
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
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
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
	s, _, err := loadState(ctx, tx, key)
	if err != nil {
		return err
	}
	s.Position, s.Status = pos, "running"
	if err := saveState(ctx, tx, s); err != nil {
		return err
	}
	return tx.Commit()
}
