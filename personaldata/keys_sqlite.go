package personaldata

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/parcours/parcours/internal/sqlitedriver"
	"github.com/parcours/parcours/internal/sqlitemigrate"
	"github.com/parcours/parcours/internal/sqlitewal"
)

// SQLiteKeys keeps wrapped keys in their own SQLite file (keys.db in the
// data directory), apart from the events: erasing scrubs this small file
// (secure_delete, then a WAL checkpoint that truncates) without waiting on
// readers of the event log, and backups of the ledger hold no key.
type SQLiteKeys struct {
	db *sql.DB
}

var _ KeyStore = (*SQLiteKeys)(nil)

var sqliteKeyMigrations = []string{
	`CREATE TABLE person_keys (subject TEXT PRIMARY KEY, wrapped BLOB NOT NULL, created_at INTEGER NOT NULL);
	CREATE TABLE file_keys (file_id TEXT PRIMARY KEY, subject TEXT NOT NULL, wrapped BLOB NOT NULL);
	CREATE INDEX file_keys_subject ON file_keys (subject);
	CREATE TABLE erased_subjects (subject TEXT PRIMARY KEY, erased_at INTEGER NOT NULL);`,
}

func keysDSN(path string) string {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(FULL)", "secure_delete(ON)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// MigrateSQLiteKeys creates or upgrades the key file at path.
func MigrateSQLiteKeys(ctx context.Context, path string) error {
	db, err := sql.Open(sqlitedriver.Name, keysDSN(path))
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	return sqlitemigrate.Apply(ctx, db, path, sqliteKeyMigrations)
}

// OpenSQLiteKeys opens the key file at path, which MigrateSQLiteKeys must
// have brought up to date.
func OpenSQLiteKeys(ctx context.Context, path string) (*SQLiteKeys, error) {
	db, err := sql.Open(sqlitedriver.Name, keysDSN(path))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1) // a small table: one connection serialises writers simply
	var v sql.NullInt64
	err = db.QueryRowContext(ctx, `SELECT max(version) FROM schema_version`).Scan(&v)
	if err != nil || int(v.Int64) != len(sqliteKeyMigrations) {
		db.Close()
		return nil, fmt.Errorf("open %s: key schema at version %d, want %d (run `parcours migrate`): %v", path, v.Int64, len(sqliteKeyMigrations), err)
	}
	return &SQLiteKeys{db: db}, nil
}

// Close closes the key file.
func (s *SQLiteKeys) Close() error { return s.db.Close() }

func (s *SQLiteKeys) erased(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, subject string) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM erased_subjects WHERE subject = ?`, subject).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// PutIfAbsent implements KeyStore.
func (s *SQLiteKeys) PutIfAbsent(ctx context.Context, subject string, wrapped []byte) ([]byte, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin transaction: %w", err)
	}
	defer tx.Rollback()
	if gone, err := s.erased(ctx, tx, subject); err != nil || gone {
		if err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("%s: %w", subject, ErrErased)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO person_keys VALUES (?, ?, ?) ON CONFLICT (subject) DO NOTHING`, subject, wrapped, time.Now().Unix()); err != nil {
		return nil, fmt.Errorf("store key: %w", err)
	}
	var stored []byte
	if err := tx.QueryRowContext(ctx, `SELECT wrapped FROM person_keys WHERE subject = ?`, subject).Scan(&stored); err != nil {
		return nil, fmt.Errorf("read key back: %w", err)
	}
	return stored, tx.Commit()
}

// Get implements KeyStore.
func (s *SQLiteKeys) Get(ctx context.Context, subject string) ([]byte, error) {
	var wrapped []byte
	err := s.db.QueryRowContext(ctx, `SELECT wrapped FROM person_keys WHERE subject = ?`, subject).Scan(&wrapped)
	if errors.Is(err, sql.ErrNoRows) {
		if gone, err := s.erased(ctx, s.db, subject); err != nil || gone {
			if err != nil {
				return nil, err
			}
			return nil, fmt.Errorf("%s: %w", subject, ErrErased)
		}
		return nil, fmt.Errorf("%s: %w", subject, ErrNoKey)
	}
	if err != nil {
		return nil, fmt.Errorf("read key: %w", err)
	}
	return wrapped, nil
}

// PutFileKey implements KeyStore.
func (s *SQLiteKeys) PutFileKey(ctx context.Context, fileID, subject string, wrapped []byte) error {
	if _, err := s.db.ExecContext(ctx, `INSERT INTO file_keys VALUES (?, ?, ?)`, fileID, subject, wrapped); err != nil {
		return fmt.Errorf("store file key: %w", err)
	}
	return nil
}

// GetFileKey implements KeyStore.
func (s *SQLiteKeys) GetFileKey(ctx context.Context, fileID string) (string, []byte, error) {
	var subject string
	var wrapped []byte
	err := s.db.QueryRowContext(ctx, `SELECT subject, wrapped FROM file_keys WHERE file_id = ?`, fileID).Scan(&subject, &wrapped)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, fmt.Errorf("file %s: %w", fileID, ErrErased)
	}
	if err != nil {
		return "", nil, fmt.Errorf("read file key: %w", err)
	}
	return subject, wrapped, nil
}

// FileIDs implements KeyStore.
func (s *SQLiteKeys) FileIDs(ctx context.Context, subject string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT file_id FROM file_keys WHERE subject = ? ORDER BY file_id`, subject)
	if err != nil {
		return nil, fmt.Errorf("list files: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// Erase implements KeyStore: the rows are deleted with secure_delete on (the
// freed bytes are overwritten), then the WAL is checkpointed and truncated
// so no old copy of a key stays in it.
func (s *SQLiteKeys) Erase(ctx context.Context, subject string) (int, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("begin transaction: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `DELETE FROM file_keys WHERE subject = ?`, subject)
	if err != nil {
		return 0, fmt.Errorf("delete file keys: %w", err)
	}
	n, _ := res.RowsAffected()
	if _, err := tx.ExecContext(ctx, `DELETE FROM person_keys WHERE subject = ?`, subject); err != nil {
		return 0, fmt.Errorf("delete key: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO erased_subjects VALUES (?, ?) ON CONFLICT DO NOTHING`, subject, time.Now().Unix()); err != nil {
		return 0, fmt.Errorf("record erasure: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("commit erasure: %w", err)
	}
	return int(n), sqlitewal.Truncate(ctx, s.db, "key file")
}
