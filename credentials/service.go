package credentials

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"strings"
	"sync/atomic"
	"time"

	"github.com/parcours/parcours/domain"
)

// MemberFunc reports whether personID is an active member of structure
// tenant in role, from the event log.
type MemberFunc func(ctx context.Context, tenant, personID string, role domain.Role) (bool, error)

// Options configure a Service; zero fields take the defaults in brackets.
type Options struct {
	Params              Params        // argon2id parameters of new hashes [DefaultParams]
	MaxConcurrentHashes int           // argon2id computations at once [4]
	SessionIdle         time.Duration // a session unused this long ends [12h]
	SessionMax          time.Duration // a session ends this long after login [7 days]
	AccountRate         Rate          // login attempts per account [5 a minute, burst 5]
	AddressRate         Rate          // login attempts per client address [20 a minute, burst 20]
	// TrustProxy takes the client address from X-Forwarded-For and the
	// scheme from X-Forwarded-Proto: only behind a proxy that sets them.
	TrustProxy bool
	// Member checks enrolments (see the package doc). Nil skips the
	// check: for tests of storage only; the service wiring always sets it.
	Member MemberFunc
	Now    func() time.Time
	// OnHash is called after every argon2id computation (tests count them).
	OnHash func()
}

// Service authenticates people and apps. It is safe for concurrent use.
type Service struct {
	store     Store
	opts      Options
	hash      *hasher
	byAccount *limiter
	byAddress *limiter
	lastPurge atomic.Int64
	// crossOrigin is the standard library's check (Sec-Fetch-Site, then
	// Origin against Host), without trusted origins.
	crossOrigin *http.CrossOriginProtection
}

// Errors of the Service besides domain errors (invalid fields, forbidden).
var (
	// ErrInvalidCredentials answers a failed login, whatever the cause.
	ErrInvalidCredentials = errors.New("credentials: wrong email or password")
	// ErrUnauthenticated is a bad, expired or revoked session or token.
	ErrUnauthenticated = errors.New("credentials: unknown, expired or revoked credential")
	// ErrCrossSite refuses an unsafe cookie-authenticated request that did
	// not come from the service's own origin.
	ErrCrossSite = errors.New("credentials: cross-site request refused")
)

// RateLimitError says that too many login attempts were made.
type RateLimitError struct {
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("credentials: too many login attempts; retry in %s", e.RetryAfter.Round(time.Second))
}

// New returns the service over store (which it closes on Close).
func New(store Store, opts Options) *Service {
	if opts.Params == (Params{}) {
		opts.Params = DefaultParams
	}
	if opts.MaxConcurrentHashes <= 0 {
		opts.MaxConcurrentHashes = 4
	}
	if opts.SessionIdle <= 0 {
		opts.SessionIdle = 12 * time.Hour
	}
	if opts.SessionMax <= 0 {
		opts.SessionMax = 7 * 24 * time.Hour
	}
	if opts.AccountRate.PerMinute <= 0 {
		opts.AccountRate = Rate{PerMinute: 5, Burst: 5}
	}
	if opts.AddressRate.PerMinute <= 0 {
		opts.AddressRate = Rate{PerMinute: 20, Burst: 20}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Service{store: store, opts: opts, hash: newHasher(opts.Params, opts.MaxConcurrentHashes, opts.OnHash),
		byAccount: newLimiter(opts.AccountRate), byAddress: newLimiter(opts.AddressRate), crossOrigin: http.NewCrossOriginProtection()}
}

// Close closes the store.
func (s *Service) Close() error { return s.store.Close() }

func (s *Service) now() time.Time { return s.opts.Now().UTC().Truncate(time.Microsecond) }

// member runs the Member hook; a nil hook admits everyone.
func (s *Service) member(ctx context.Context, tenant, personID string, role domain.Role) (bool, error) {
	if s.opts.Member == nil {
		return true, nil
	}
	ok, err := s.opts.Member(ctx, tenant, personID, role)
	if err != nil {
		return false, fmt.Errorf("check membership of %s in %s: %w", personID, tenant, err)
	}
	return ok, nil
}

// NewUser is an account to create.
type NewUser struct {
	Email    string
	Password string
	PersonID string
	Tenant   string
	Role     domain.Role
}

// CreateUser creates the account of a person already enrolled in tenant
// in role. Bad fields are domain.ErrInvalid errors naming the field; a
// taken email is a domain.ErrConflict.
func (s *Service) CreateUser(ctx context.Context, nu NewUser) (User, error) {
	email, err := NormaliseEmail(nu.Email)
	if err != nil {
		return User{}, err
	}
	switch {
	case len(nu.Password) < MinPasswordLen || len(nu.Password) > MaxPasswordLen:
		return User{}, invalid("password", fmt.Sprintf("must be %d to %d bytes long", MinPasswordLen, MaxPasswordLen))
	case !nu.Role.Valid():
		return User{}, invalid("role", "must be one of beneficiary, counsellor, tutor, structure_admin, auditor")
	case !domain.ValidID(nu.Tenant):
		return User{}, invalid("structure_id", "must be 1 to 64 letters, digits, '-' or '_'")
	case !domain.ValidID(nu.PersonID):
		return User{}, invalid("person_id", "must be 1 to 64 letters, digits, '-' or '_'")
	}
	if ok, err := s.member(ctx, nu.Tenant, nu.PersonID, nu.Role); err != nil || !ok {
		if err != nil {
			return User{}, err
		}
		return User{}, invalid("person_id", fmt.Sprintf("no active %s %s in structure %s", nu.Role, nu.PersonID, nu.Tenant))
	}
	phc, err := s.hash.hash(ctx, nu.Password)
	if err != nil {
		return User{}, err
	}
	u := User{ID: "u-" + randomHex(10), Email: email, PasswordHash: phc, PersonID: nu.PersonID, Tenant: nu.Tenant, Role: nu.Role, CreatedAt: s.now()}
	if err := s.store.CreateUser(ctx, u); errors.Is(err, ErrExists) {
		return User{}, &domain.Error{Kind: domain.KindConflict, Field: "email", Reason: "an account with this email exists"}
	} else if err != nil {
		return User{}, err
	}
	return u, nil
}

// AccountExists reports whether an account has this email. It is for the
// console (bootstrap); the API never tells.
func (s *Service) AccountExists(ctx context.Context, email string) (bool, error) {
	e, err := NormaliseEmail(email)
	if err != nil {
		return false, err
	}
	_, err = s.store.UserByEmail(ctx, e)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// NormaliseEmail trims and lower-cases an email, and checks that it is a
// plain address.
func NormaliseEmail(email string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(email))
	if a, err := mail.ParseAddress(e); err != nil || a.Address != e || len(e) > 254 {
		return "", invalid("email", "must be a plain email address, at most 254 characters")
	}
	return e, nil
}

func invalid(field, reason string) error {
	return &domain.Error{Kind: domain.KindInvalid, Field: field, Reason: reason}
}

// LoginResult is a new session: its secret (for the cookie, never stored)
// and who it acts as.
type LoginResult struct {
	Token     string
	Actor     domain.Actor
	ExpiresAt time.Time
}

// Login checks an email and password sent from addr (the client address:
// ClientAddr) and opens a session. Every failure is ErrInvalidCredentials
// and costs one argon2id computation, known account or not; too many
// attempts give a *RateLimitError before any work is done.
func (s *Service) Login(ctx context.Context, email, password, addr string) (LoginResult, error) {
	now := s.now()
	key := strings.ToLower(strings.TrimSpace(email))
	if wait, ok := s.byAddress.take(addr, now); !ok {
		return LoginResult{}, &RateLimitError{RetryAfter: wait}
	}
	if wait, ok := s.byAccount.take(key, now); !ok {
		return LoginResult{}, &RateLimitError{RetryAfter: wait}
	}
	u, err := s.store.UserByEmail(ctx, key)
	if errors.Is(err, ErrNotFound) || len(password) > MaxPasswordLen {
		if err := s.hash.dummy(ctx, password[:min(len(password), MaxPasswordLen)]); err != nil {
			return LoginResult{}, err
		}
		return LoginResult{}, ErrInvalidCredentials
	}
	if err != nil {
		return LoginResult{}, err
	}
	ok, stale, err := s.hash.verify(ctx, password, u.PasswordHash)
	if err != nil {
		return LoginResult{}, fmt.Errorf("account %s: %w", u.ID, err)
	}
	if !ok {
		return LoginResult{}, ErrInvalidCredentials
	}
	// A person who left the structure logs in no more, and hears the same
	// as for a wrong password.
	if ok, err := s.member(ctx, u.Tenant, u.PersonID, u.Role); err != nil {
		return LoginResult{}, err
	} else if !ok {
		return LoginResult{}, ErrInvalidCredentials
	}
	if stale {
		// Parameters were raised since this hash was made: remake it. A
		// failure only postpones that to the next login.
		if phc, err := s.hash.hash(ctx, password); err == nil {
			_ = s.store.SetPasswordHash(ctx, u.ID, phc)
		}
	}
	secret := randomSecret()
	sess := Session{Hash: digest(secret), UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.opts.SessionMax)}
	if err := s.store.CreateSession(ctx, sess); err != nil {
		return LoginResult{}, err
	}
	s.purge(ctx, now)
	return LoginResult{Token: secret, Actor: u.Actor(), ExpiresAt: sess.ExpiresAt}, nil
}

// purge deletes ended sessions, at most every ten minutes.
func (s *Service) purge(ctx context.Context, now time.Time) {
	last := s.lastPurge.Load()
	if now.UnixNano()-last < int64(10*time.Minute) || !s.lastPurge.CompareAndSwap(last, now.UnixNano()) {
		return
	}
	// Ended sessions are refused anyway; a failed purge is retried later.
	_, _ = s.store.DeleteExpiredSessions(ctx, now, now.Add(-s.opts.SessionIdle))
}

// Logout ends the session whose secret is token; an unknown or malformed
// one is no error.
func (s *Service) Logout(ctx context.Context, token string) error {
	if !wellFormed(token) {
		return nil
	}
	return s.store.DeleteSession(ctx, digest(token))
}

// ForgetPerson removes the credentials of person personID once their
// personal data is erased (GDPR art. 17: commands.Erase): their accounts
// in every structure, with their email and password hash, are deleted
// with their sessions, so they can no longer log in and their open
// sessions are refused; every API token acting as them is revoked (kept,
// revoked, for the audit of its use). It does not authorize: the erasure
// paths call it after the erasure they authorized succeeded. Calling it
// again is no error, and finishes a call that failed (see
// Store.ForgetPerson).
func (s *Service) ForgetPerson(ctx context.Context, personID string) (Forgotten, error) {
	if !domain.ValidID(personID) {
		return Forgotten{}, invalid("person_id", "must be 1 to 64 letters, digits, '-' or '_'")
	}
	return s.store.ForgetPerson(ctx, personID, s.now())
}
