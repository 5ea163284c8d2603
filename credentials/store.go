package credentials

import (
	"context"
	"errors"
	"time"

	"github.com/parcours/parcours/domain"
)

// Store is the storage contract of credentials; SQLite and PostgreSQL
// implement it and pass the same tests. Times are kept to the microsecond;
// a zero time.Time stands for "never". Lookups of something absent return
// an error wrapping ErrNotFound.
type Store interface {
	// CreateUser stores a new account; ErrExists if the email is taken.
	CreateUser(ctx context.Context, u User) error
	// UserByEmail finds an account by its normalised email.
	UserByEmail(ctx context.Context, email string) (User, error)
	// SetPasswordHash replaces an account's password hash.
	SetPasswordHash(ctx context.Context, userID, hash string) error

	// CreateSession stores a new session.
	CreateSession(ctx context.Context, s Session) error
	// SessionByHash finds a session and its account.
	SessionByHash(ctx context.Context, hash []byte) (Session, User, error)
	// TouchSession records that a session was used at t.
	TouchSession(ctx context.Context, hash []byte, t time.Time) error
	// DeleteSession deletes a session; deleting an absent one is no error.
	DeleteSession(ctx context.Context, hash []byte) error
	// DeleteExpiredSessions deletes the sessions that expired at now or
	// were last seen at idleSince or before, and says how many.
	DeleteExpiredSessions(ctx context.Context, now, idleSince time.Time) (int, error)

	// CreateToken stores a new API token.
	CreateToken(ctx context.Context, t Token) error
	// TokenByHash finds a token, revoked or not.
	TokenByHash(ctx context.Context, hash []byte) (Token, error)
	// Tokens lists a structure's tokens, oldest first.
	Tokens(ctx context.Context, tenant string) ([]Token, error)
	// RevokeToken marks a token of tenant revoked at t (keeping the first
	// revocation time); ErrNotFound if tenant has no such token.
	RevokeToken(ctx context.Context, tenant, id string, t time.Time) error
	// TouchToken records that a token was used at t.
	TouchToken(ctx context.Context, id string, t time.Time) error

	// ForgetPerson removes the credentials of an erased person, in one
	// transaction: it deletes their accounts (in every structure: a person
	// ID names one person, whose data key is erased everywhere) with their
	// sessions, and revokes at t every token acting as them. Token rows
	// stay, revoked, as RevokeToken leaves them: the audit of their use
	// keeps them, and they hold no personal data beside the pseudonymous
	// person ID. Then it scrubs what the deleted rows left in the storage
	// (see the implementations); if only that fails, the rows are gone and
	// the error says so, and calling again scrubs again. Forgetting a
	// person again, or one who had no credential, is no error.
	ForgetPerson(ctx context.Context, personID string, t time.Time) (Forgotten, error)

	Close() error
}

// Forgotten says what ForgetPerson did.
type Forgotten struct {
	Accounts int // accounts deleted
	Sessions int // their sessions deleted
	Tokens   int // tokens revoked now (those revoked before are not counted)
}

// Sentinel errors of the Store contract.
var (
	ErrNotFound = errors.New("credentials: not found")
	ErrExists   = errors.New("credentials: already exists")
)

// User is a person's account.
type User struct {
	ID           string
	Email        string // normalised: trimmed, lower case
	PasswordHash string // PHC string
	PersonID     string
	Tenant       string
	Role         domain.Role
	CreatedAt    time.Time
}

// Actor is who the account acts as.
func (u User) Actor() domain.Actor {
	return domain.Actor{PersonID: u.PersonID, Tenant: u.Tenant, Role: u.Role}
}

// Session is a logged-in browser. Only the SHA-256 of its secret is kept.
type Session struct {
	Hash       []byte
	UserID     string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // absolute end, whatever the activity
}

// Token is an app's API token. Only the SHA-256 of its secret is kept.
type Token struct {
	ID         string
	Tenant     string
	PersonID   string
	Role       domain.Role
	Name       string
	Hash       []byte
	CreatedAt  time.Time
	CreatedBy  string // the person ID of who created it
	LastUsedAt time.Time
	RevokedAt  time.Time
}

// Actor is who the token acts as.
func (t Token) Actor() domain.Actor {
	return domain.Actor{PersonID: t.PersonID, Tenant: t.Tenant, Role: t.Role}
}

// Revoked reports whether the token was revoked.
func (t Token) Revoked() bool { return !t.RevokedAt.IsZero() }
