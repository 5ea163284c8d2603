package credentials

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/parcours/parcours/internal/sqlitedriver"
	"github.com/parcours/parcours/internal/sqlitemigrate"
	"github.com/parcours/parcours/internal/sqlitewal"
)

// SQLite keeps credentials in their own file (credentials.db in the data
// directory), apart from the events: backups of the ledger hold no
// password hash, and logins never wait on the event log's writer. The file
// is opened with secure_delete on, so that deleted rows (an erased
// person's email and password hash) are overwritten with zeros rather
// than left in free space; ForgetPerson then checkpoints and truncates the
// write-ahead log, which still holds older copies of the changed pages.
type SQLite struct {
	db *sql.DB
}

var _ Store = (*SQLite)(nil)

// sqliteMigrations are applied in order; the file records the last one in
// schema_version. Never edit one that shipped: add the next.
var sqliteMigrations = []string{
	`CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,
		person_id TEXT NOT NULL, tenant TEXT NOT NULL, role TEXT NOT NULL, created_at INTEGER NOT NULL);
	CREATE TABLE sessions (hash BLOB PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
		created_at INTEGER NOT NULL, last_seen_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
	CREATE INDEX sessions_user ON sessions (user_id);
	CREATE INDEX sessions_expires ON sessions (expires_at);
	CREATE INDEX sessions_last_seen ON sessions (last_seen_at);
	CREATE TABLE api_tokens (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, person_id TEXT NOT NULL, role TEXT NOT NULL,
		name TEXT NOT NULL, hash BLOB NOT NULL UNIQUE, created_at INTEGER NOT NULL, created_by TEXT NOT NULL,
		last_used_at INTEGER, revoked_at INTEGER);
	CREATE INDEX api_tokens_tenant ON api_tokens (tenant, created_at);`,
}

func sqliteDSN(path string) string {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(ON)", "secure_delete(ON)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// MigrateSQLite creates or upgrades the credentials file at path.
func MigrateSQLite(ctx context.Context, path string) error {
	db, err := sql.Open(sqlitedriver.Name, sqliteDSN(path))
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	return sqlitemigrate.Apply(ctx, db, path, sqliteMigrations)
}

// OpenSQLite opens the credentials file at path, which MigrateSQLite must
// have brought up to date.
func OpenSQLite(ctx context.Context, path string) (*SQLite, error) {
	db, err := sql.Open(sqlitedriver.Name, sqliteDSN(path))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.SetMaxOpenConns(4)
	var v sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT max(version) FROM schema_version`).Scan(&v); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: read schema version (run `parcours migrate`): %w", path, err)
	}
	if int(v.Int64) != len(sqliteMigrations) {
		db.Close()
		return nil, fmt.Errorf("open %s: credentials schema at version %d, want %d (run `parcours migrate`)", path, v.Int64, len(sqliteMigrations))
	}
	return &SQLite{db: db}, nil
}

// Close closes the file.
func (s *SQLite) Close() error { return s.db.Close() }

// micro and unmicro map times to the stored microseconds (NULL for never).
func micro(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

func unmicro(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMicro(v.Int64).UTC()
}

func (s *SQLite) CreateUser(ctx context.Context, u User) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.Email, u.PasswordHash, u.PersonID, u.Tenant, string(u.Role), micro(u.CreatedAt))
	if err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed") {
		return fmt.Errorf("account %s: %w", u.Email, ErrExists)
	}
	if err != nil {
		return fmt.Errorf("create account: %w", err)
	}
	return nil
}

const sqliteUserCols = `u.id, u.email, u.password_hash, u.person_id, u.tenant, u.role, u.created_at`

func scanUser(row interface{ Scan(...any) error }, extra ...any) (User, error) {
	var u User
	var created sql.NullInt64
	err := row.Scan(append([]any{&u.ID, &u.Email, &u.PasswordHash, &u.PersonID, &u.Tenant, (*string)(&u.Role), &created}, extra...)...)
	u.CreatedAt = unmicro(created)
	return u, err
}

func (s *SQLite) UserByEmail(ctx context.Context, email string) (User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+sqliteUserCols+` FROM users u WHERE u.email = ?`, email))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("account %s: %w", email, ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("read account: %w", err)
	}
	return u, nil
}

func (s *SQLite) SetPasswordHash(ctx context.Context, userID, hash string) error {
	return s.execOne(ctx, "set password", `UPDATE users SET password_hash = ? WHERE id = ?`, hash, userID)
}

// execOne runs a statement that must change one row.
func (s *SQLite) execOne(ctx context.Context, what, query string, args ...any) error {
	res, err := s.db.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return nil
}

func (s *SQLite) CreateSession(ctx context.Context, ss Session) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO sessions VALUES (?, ?, ?, ?, ?)`,
		ss.Hash, ss.UserID, micro(ss.CreatedAt), micro(ss.LastSeenAt), micro(ss.ExpiresAt))
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

func (s *SQLite) SessionByHash(ctx context.Context, hash []byte) (Session, User, error) {
	ss := Session{Hash: hash}
	var created, seen, expires sql.NullInt64
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+sqliteUserCols+`, s.user_id, s.created_at, s.last_seen_at, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.hash = ?`, hash), &ss.UserID, &created, &seen, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, User{}, fmt.Errorf("session: %w", ErrNotFound)
	}
	if err != nil {
		return Session{}, User{}, fmt.Errorf("read session: %w", err)
	}
	ss.CreatedAt, ss.LastSeenAt, ss.ExpiresAt = unmicro(created), unmicro(seen), unmicro(expires)
	return ss, u, nil
}

func (s *SQLite) TouchSession(ctx context.Context, hash []byte, t time.Time) error {
	return s.execOne(ctx, "touch session", `UPDATE sessions SET last_seen_at = ? WHERE hash = ?`, micro(t), hash)
}

func (s *SQLite) DeleteSession(ctx context.Context, hash []byte) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE hash = ?`, hash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

func (s *SQLite) DeleteExpiredSessions(ctx context.Context, now, idleSince time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?`, micro(now), micro(idleSince))
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

func (s *SQLite) CreateToken(ctx context.Context, t Token) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO api_tokens VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.Tenant, t.PersonID, string(t.Role), t.Name, t.Hash, micro(t.CreatedAt), t.CreatedBy, micro(t.LastUsedAt), micro(t.RevokedAt))
	if err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed") {
		return fmt.Errorf("token %s: %w", t.ID, ErrExists)
	}
	if err != nil {
		return fmt.Errorf("create token: %w", err)
	}
	return nil
}

const sqliteTokenCols = `id, tenant, person_id, role, name, hash, created_at, created_by, last_used_at, revoked_at`

func scanToken(row interface{ Scan(...any) error }) (Token, error) {
	var t Token
	var created, used, revoked sql.NullInt64
	err := row.Scan(&t.ID, &t.Tenant, &t.PersonID, (*string)(&t.Role), &t.Name, &t.Hash, &created, &t.CreatedBy, &used, &revoked)
	t.CreatedAt, t.LastUsedAt, t.RevokedAt = unmicro(created), unmicro(used), unmicro(revoked)
	return t, err
}

func (s *SQLite) TokenByHash(ctx context.Context, hash []byte) (Token, error) {
	t, err := scanToken(s.db.QueryRowContext(ctx, `SELECT `+sqliteTokenCols+` FROM api_tokens WHERE hash = ?`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return Token{}, fmt.Errorf("token: %w", ErrNotFound)
	}
	if err != nil {
		return Token{}, fmt.Errorf("read token: %w", err)
	}
	return t, nil
}

func (s *SQLite) Tokens(ctx context.Context, tenant string) ([]Token, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+sqliteTokenCols+` FROM api_tokens WHERE tenant = ? ORDER BY created_at, id`, tenant)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

func (s *SQLite) RevokeToken(ctx context.Context, tenant, id string, t time.Time) error {
	return s.execOne(ctx, "revoke token "+id, `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE tenant = ? AND id = ?`, micro(t), tenant, id)
}

func (s *SQLite) TouchToken(ctx context.Context, id string, t time.Time) error {
	return s.execOne(ctx, "touch token", `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, micro(t), id)
}

// ForgetPerson implements Store. With secure_delete on, the deleted rows
// are zeroed in the pages written to the WAL; the checkpoint that follows
// copies those pages into the file and truncates the WAL, where the pages
// as they were before (with the email) would otherwise stay until
// overwritten. A retry after a failed checkpoint finds nothing to delete
// and checkpoints again.
func (s *SQLite) ForgetPerson(ctx context.Context, personID string, t time.Time) (Forgotten, error) {
	var f Forgotten
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return f, fmt.Errorf("forget %s: begin transaction: %w", personID, err)
	}
	defer tx.Rollback()
	for _, step := range []struct {
		n     *int
		query string
		args  []any
	}{
		{&f.Sessions, `DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE person_id = ?)`, []any{personID}},
		{&f.Accounts, `DELETE FROM users WHERE person_id = ?`, []any{personID}},
		{&f.Tokens, `UPDATE api_tokens SET revoked_at = ? WHERE person_id = ? AND revoked_at IS NULL`, []any{micro(t), personID}},
	} {
		res, err := tx.ExecContext(ctx, step.query, step.args...)
		if err != nil {
			return Forgotten{}, fmt.Errorf("forget %s: %w", personID, err)
		}
		n, _ := res.RowsAffected()
		*step.n = int(n)
	}
	if err := tx.Commit(); err != nil {
		return Forgotten{}, fmt.Errorf("forget %s: commit: %w", personID, err)
	}
	if err := sqlitewal.Truncate(ctx, s.db, "credentials file"); err != nil {
		return f, fmt.Errorf("forget %s: credentials deleted, but %w (forget again)", personID, err)
	}
	return f, nil
}
