package credentials

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Postgres keeps credentials in the credentials_* tables of PostgreSQL,
// apart from the events. A DELETE only marks a row dead: its bytes (an
// erased person's email and password hash) stay in the table's and the
// email index's pages until VACUUM reclaims the space, and even a plain
// VACUUM only marks that space free for reuse. So ForgetPerson, like
// personaldata's key tables, rewrites credentials_users with VACUUM FULL,
// which writes new files and removes the old ones. Copies in PostgreSQL's
// write-ahead log, its archive, replicas and base backups age out with
// them (see the package doc).
type Postgres struct {
	pool *pgxpool.Pool
}

var _ Store = (*Postgres)(nil)

// postgresMigrations are applied in order, recorded in
// credentials_schema_version. Never edit one that shipped: add the next.
var postgresMigrations = []string{
	`CREATE TABLE credentials_users (id text PRIMARY KEY, email text NOT NULL UNIQUE, password_hash text NOT NULL,
		person_id text NOT NULL, tenant text NOT NULL, role text NOT NULL, created_at timestamptz NOT NULL);
	CREATE TABLE credentials_sessions (hash bytea PRIMARY KEY, user_id text NOT NULL REFERENCES credentials_users (id) ON DELETE CASCADE,
		created_at timestamptz NOT NULL, last_seen_at timestamptz NOT NULL, expires_at timestamptz NOT NULL);
	CREATE INDEX credentials_sessions_user ON credentials_sessions (user_id);
	CREATE INDEX credentials_sessions_expires ON credentials_sessions (expires_at);
	CREATE INDEX credentials_sessions_last_seen ON credentials_sessions (last_seen_at);
	CREATE TABLE credentials_tokens (id text PRIMARY KEY, tenant text NOT NULL, person_id text NOT NULL, role text NOT NULL,
		name text NOT NULL, hash bytea NOT NULL UNIQUE, created_at timestamptz NOT NULL, created_by text NOT NULL,
		last_used_at timestamptz, revoked_at timestamptz);
	CREATE INDEX credentials_tokens_tenant ON credentials_tokens (tenant, created_at);`,
}

// MigratePostgres creates or upgrades the credentials tables.
func MigratePostgres(ctx context.Context, pool *pgxpool.Pool) error {
	if _, err := pool.Exec(ctx, `CREATE TABLE IF NOT EXISTS credentials_schema_version (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return fmt.Errorf("migrate credentials tables: %w", err)
	}
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		// One migrator at a time across processes.
		if _, err := tx.Exec(ctx, `LOCK TABLE credentials_schema_version IN EXCLUSIVE MODE`); err != nil {
			return fmt.Errorf("lock credentials schema: %w", err)
		}
		var v int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM credentials_schema_version`).Scan(&v); err != nil {
			return fmt.Errorf("read credentials schema version: %w", err)
		}
		if v > len(postgresMigrations) {
			return fmt.Errorf("credentials tables at schema version %d, this binary knows up to %d: upgrade parcours", v, len(postgresMigrations))
		}
		for i := v; i < len(postgresMigrations); i++ {
			if _, err := tx.Exec(ctx, postgresMigrations[i]); err != nil {
				return fmt.Errorf("migrate credentials tables to version %d: %w", i+1, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO credentials_schema_version (version) VALUES ($1)`, i+1); err != nil {
				return fmt.Errorf("record credentials schema version: %w", err)
			}
		}
		return nil
	})
}

// NewPostgres returns the store over pool, whose tables MigratePostgres
// must have created. Close does not close the pool: its owner does.
func NewPostgres(ctx context.Context, pool *pgxpool.Pool) (*Postgres, error) {
	var v int
	if err := pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM credentials_schema_version`).Scan(&v); err != nil {
		return nil, fmt.Errorf("read credentials schema version (run `parcours migrate`): %w", err)
	}
	if v != len(postgresMigrations) {
		return nil, fmt.Errorf("credentials tables at schema version %d, want %d (run `parcours migrate`)", v, len(postgresMigrations))
	}
	return &Postgres{pool: pool}, nil
}

// Close implements Store; the pool stays open.
func (p *Postgres) Close() error { return nil }

// at maps a time to timestamptz (NULL for never); never maps it back.
func at(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func never(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

func uniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

func (p *Postgres) CreateUser(ctx context.Context, u User) error {
	_, err := p.pool.Exec(ctx, `INSERT INTO credentials_users VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		u.ID, u.Email, u.PasswordHash, u.PersonID, u.Tenant, string(u.Role), u.CreatedAt)
	if uniqueViolation(err) {
		return fmt.Errorf("account %s: %w", u.Email, ErrExists)
	}
	if err != nil {
		return fmt.Errorf("create account: %w", err)
	}
	return nil
}

const pgUserCols = `u.id, u.email, u.password_hash, u.person_id, u.tenant, u.role, u.created_at`

func pgScanUser(row pgx.Row, extra ...any) (User, error) {
	var u User
	err := row.Scan(append([]any{&u.ID, &u.Email, &u.PasswordHash, &u.PersonID, &u.Tenant, (*string)(&u.Role), &u.CreatedAt}, extra...)...)
	u.CreatedAt = u.CreatedAt.UTC()
	return u, err
}

func (p *Postgres) UserByEmail(ctx context.Context, email string) (User, error) {
	u, err := pgScanUser(p.pool.QueryRow(ctx, `SELECT `+pgUserCols+` FROM credentials_users u WHERE u.email = $1`, email))
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, fmt.Errorf("account %s: %w", email, ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("read account: %w", err)
	}
	return u, nil
}

// execOne runs a statement that must change one row.
func (p *Postgres) execOne(ctx context.Context, what, query string, args ...any) error {
	tag, err := p.pool.Exec(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return nil
}

func (p *Postgres) SetPasswordHash(ctx context.Context, userID, hash string) error {
	return p.execOne(ctx, "set password", `UPDATE credentials_users SET password_hash = $1 WHERE id = $2`, hash, userID)
}

func (p *Postgres) CreateSession(ctx context.Context, s Session) error {
	_, err := p.pool.Exec(ctx, `INSERT INTO credentials_sessions VALUES ($1, $2, $3, $4, $5)`,
		s.Hash, s.UserID, s.CreatedAt, s.LastSeenAt, s.ExpiresAt)
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

func (p *Postgres) SessionByHash(ctx context.Context, hash []byte) (Session, User, error) {
	s := Session{Hash: hash}
	u, err := pgScanUser(p.pool.QueryRow(ctx, `SELECT `+pgUserCols+`, s.user_id, s.created_at, s.last_seen_at, s.expires_at
		FROM credentials_sessions s JOIN credentials_users u ON u.id = s.user_id WHERE s.hash = $1`, hash),
		&s.UserID, &s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return Session{}, User{}, fmt.Errorf("session: %w", ErrNotFound)
	}
	if err != nil {
		return Session{}, User{}, fmt.Errorf("read session: %w", err)
	}
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt = s.CreatedAt.UTC(), s.LastSeenAt.UTC(), s.ExpiresAt.UTC()
	return s, u, nil
}

func (p *Postgres) TouchSession(ctx context.Context, hash []byte, t time.Time) error {
	return p.execOne(ctx, "touch session", `UPDATE credentials_sessions SET last_seen_at = $1 WHERE hash = $2`, t, hash)
}

func (p *Postgres) DeleteSession(ctx context.Context, hash []byte) error {
	if _, err := p.pool.Exec(ctx, `DELETE FROM credentials_sessions WHERE hash = $1`, hash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

func (p *Postgres) DeleteExpiredSessions(ctx context.Context, now, idleSince time.Time) (int, error) {
	tag, err := p.pool.Exec(ctx, `DELETE FROM credentials_sessions WHERE expires_at <= $1 OR last_seen_at <= $2`, now, idleSince)
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

func (p *Postgres) CreateToken(ctx context.Context, t Token) error {
	_, err := p.pool.Exec(ctx, `INSERT INTO credentials_tokens VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		t.ID, t.Tenant, t.PersonID, string(t.Role), t.Name, t.Hash, t.CreatedAt, t.CreatedBy, at(t.LastUsedAt), at(t.RevokedAt))
	if uniqueViolation(err) {
		return fmt.Errorf("token %s: %w", t.ID, ErrExists)
	}
	if err != nil {
		return fmt.Errorf("create token: %w", err)
	}
	return nil
}

const pgTokenCols = `id, tenant, person_id, role, name, hash, created_at, created_by, last_used_at, revoked_at`

func pgScanToken(row pgx.Row) (Token, error) {
	var t Token
	var used, revoked *time.Time
	err := row.Scan(&t.ID, &t.Tenant, &t.PersonID, (*string)(&t.Role), &t.Name, &t.Hash, &t.CreatedAt, &t.CreatedBy, &used, &revoked)
	t.CreatedAt, t.LastUsedAt, t.RevokedAt = t.CreatedAt.UTC(), never(used), never(revoked)
	return t, err
}

func (p *Postgres) TokenByHash(ctx context.Context, hash []byte) (Token, error) {
	t, err := pgScanToken(p.pool.QueryRow(ctx, `SELECT `+pgTokenCols+` FROM credentials_tokens WHERE hash = $1`, hash))
	if errors.Is(err, pgx.ErrNoRows) {
		return Token{}, fmt.Errorf("token: %w", ErrNotFound)
	}
	if err != nil {
		return Token{}, fmt.Errorf("read token: %w", err)
	}
	return t, nil
}

func (p *Postgres) Tokens(ctx context.Context, tenant string) ([]Token, error) {
	rows, err := p.pool.Query(ctx, `SELECT `+pgTokenCols+` FROM credentials_tokens WHERE tenant = $1 ORDER BY created_at, id`, tenant)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Token, error) { return pgScanToken(r) })
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return out, nil
}

func (p *Postgres) RevokeToken(ctx context.Context, tenant, id string, t time.Time) error {
	return p.execOne(ctx, "revoke token "+id, `UPDATE credentials_tokens SET revoked_at = coalesce(revoked_at, $1) WHERE tenant = $2 AND id = $3`, t, tenant, id)
}

func (p *Postgres) TouchToken(ctx context.Context, id string, t time.Time) error {
	return p.execOne(ctx, "touch token", `UPDATE credentials_tokens SET last_used_at = $1 WHERE id = $2`, t, id)
}

// ForgetPerson implements Store: the deletions and revocations in one
// transaction, then VACUUM FULL of credentials_users (which cannot run in
// a transaction). Sessions and tokens hold no personal data beside
// pseudonymous IDs, so their tables are not rewritten. A retry after a
// failed VACUUM finds nothing to delete and vacuums again.
func (p *Postgres) ForgetPerson(ctx context.Context, personID string, t time.Time) (Forgotten, error) {
	var f Forgotten
	err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		for _, step := range []struct {
			n     *int
			query string
			args  []any
		}{
			{&f.Sessions, `DELETE FROM credentials_sessions WHERE user_id IN (SELECT id FROM credentials_users WHERE person_id = $1)`, []any{personID}},
			{&f.Accounts, `DELETE FROM credentials_users WHERE person_id = $1`, []any{personID}},
			{&f.Tokens, `UPDATE credentials_tokens SET revoked_at = $2 WHERE person_id = $1 AND revoked_at IS NULL`, []any{personID, t}},
		} {
			tag, err := tx.Exec(ctx, step.query, step.args...)
			if err != nil {
				return err
			}
			*step.n = int(tag.RowsAffected())
		}
		return nil
	})
	if err != nil {
		return Forgotten{}, fmt.Errorf("forget %s: %w", personID, err)
	}
	if _, err := p.pool.Exec(ctx, `VACUUM (FULL) credentials_users`); err != nil {
		return f, fmt.Errorf("forget %s: credentials deleted, but vacuum of the account table failed (forget again): %w", personID, err)
	}
	return f, nil
}
