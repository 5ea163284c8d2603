package credentials

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/parcours/parcours/domain"
)

// TokenPrefix starts every API token, so that leaked ones are easy to
// find (secret scanners) and to tell from session secrets.
const TokenPrefix = "prc_"

// touchEvery is how stale a last-used or last-seen time may get: writing
// it on every request would turn reads into writes.
const touchEvery = time.Minute

// NewToken is an API token to create.
type NewToken struct {
	Tenant   string
	Name     string
	PersonID string // the app person the token acts as
	Role     domain.Role
}

// CreateToken creates an API token for an app person enrolled in the
// structure in the role, on behalf of by (the platform operator, or an
// active admin of that structure). It returns the token and its secret,
// shown once: only its hash is kept.
func (s *Service) CreateToken(ctx context.Context, by domain.Actor, nt NewToken) (Token, string, error) {
	if err := s.mayAdminister(ctx, by, nt.Tenant); err != nil {
		return Token{}, "", err
	}
	name := strings.TrimSpace(nt.Name)
	switch {
	case name == "" || utf8.RuneCountInString(name) > 100 || strings.IndexFunc(name, unicode.IsControl) >= 0:
		return Token{}, "", invalid("name", "must be 1 to 100 characters, none of them control characters")
	case !nt.Role.Valid():
		return Token{}, "", invalid("role", "must be one of beneficiary, counsellor, tutor, structure_admin, auditor")
	case !domain.ValidID(nt.PersonID):
		return Token{}, "", invalid("person_id", "must be 1 to 64 letters, digits, '-' or '_'")
	}
	if ok, err := s.member(ctx, nt.Tenant, nt.PersonID, nt.Role); err != nil {
		return Token{}, "", err
	} else if !ok {
		return Token{}, "", invalid("person_id", fmt.Sprintf("no active %s %s in this structure: enrol the app person first", nt.Role, nt.PersonID))
	}
	secret := TokenPrefix + randomSecret()
	t := Token{ID: "tok-" + randomHex(8), Tenant: nt.Tenant, PersonID: nt.PersonID, Role: nt.Role, Name: name,
		Hash: digest(secret), CreatedAt: s.now(), CreatedBy: by.PersonID}
	if err := s.store.CreateToken(ctx, t); err != nil {
		return Token{}, "", err
	}
	return t, secret, nil
}

// Tokens lists a structure's tokens, revoked ones included, for by.
func (s *Service) Tokens(ctx context.Context, by domain.Actor, tenant string) ([]Token, error) {
	if err := s.mayAdminister(ctx, by, tenant); err != nil {
		return nil, err
	}
	return s.store.Tokens(ctx, tenant)
}

// RevokeToken revokes a structure's token for by; revoking twice is no
// error, and a token of another structure is not found.
func (s *Service) RevokeToken(ctx context.Context, by domain.Actor, tenant, id string) error {
	if err := s.mayAdminister(ctx, by, tenant); err != nil {
		return err
	}
	err := s.store.RevokeToken(ctx, tenant, id, s.now())
	if errors.Is(err, ErrNotFound) {
		return &domain.Error{Kind: domain.KindNotFound, Field: "token", Reason: "no token " + id}
	}
	return err
}

// mayAdminister decides who manages a structure's tokens, as the command
// handlers decide who manages the structure: the operator, or an active
// admin of it. Another structure's is not found, so a denial never tells
// that it exists.
func (s *Service) mayAdminister(ctx context.Context, by domain.Actor, tenant string) error {
	switch {
	case by.Role == domain.RoleOperator && domain.ValidID(by.PersonID):
		return nil
	case by.Tenant != tenant || !domain.ValidID(tenant):
		return &domain.Error{Kind: domain.KindNotFound, Field: "structure", Reason: "no structure " + tenant}
	case by.Role != domain.RoleStructureAdmin:
		return &domain.Error{Kind: domain.KindForbidden, Reason: "only the structure's admins manage API tokens"}
	}
	ok, err := s.member(ctx, tenant, by.PersonID, by.Role)
	if err != nil {
		return err
	}
	if !ok {
		return &domain.Error{Kind: domain.KindForbidden, Reason: "you are no longer an active admin of this structure"}
	}
	return nil
}

// token authenticates an API token at now.
func (s *Service) token(ctx context.Context, secret string, now time.Time) (domain.Actor, error) {
	rest, ok := strings.CutPrefix(secret, TokenPrefix)
	if !ok || !wellFormed(rest) {
		return domain.Actor{}, fmt.Errorf("malformed API token: %w", ErrUnauthenticated)
	}
	t, err := s.store.TokenByHash(ctx, digest(secret))
	if errors.Is(err, ErrNotFound) {
		return domain.Actor{}, fmt.Errorf("unknown API token: %w", ErrUnauthenticated)
	}
	if err != nil {
		return domain.Actor{}, err
	}
	if t.Revoked() {
		return domain.Actor{}, fmt.Errorf("API token %s was revoked: %w", t.ID, ErrUnauthenticated)
	}
	if now.Sub(t.LastUsedAt) >= touchEvery {
		// Best effort: a failed touch only leaves the last-used time older.
		_ = s.store.TouchToken(ctx, t.ID, now)
	}
	return t.Actor(), nil
}
