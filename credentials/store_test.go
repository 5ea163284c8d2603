package credentials_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/parcours/parcours/credentials"
	"github.com/parcours/parcours/domain"
)

// stores opens each Store implementation, migrated (twice, to show that
// migrating is idempotent).
var stores = map[string]func(t *testing.T) credentials.Store{
	"sqlite": func(t *testing.T) credentials.Store {
		ctx := context.Background()
		path := filepath.Join(t.TempDir(), "credentials.db")
		for range 2 {
			if err := credentials.MigrateSQLite(ctx, path); err != nil {
				t.Fatal(err)
			}
		}
		s, err := credentials.OpenSQLite(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	},
	"postgres": func(t *testing.T) credentials.Store {
		ctx := context.Background()
		pool := postgresPool(t)
		if _, err := credentials.NewPostgres(ctx, pool); err == nil {
			t.Fatal("an unmigrated schema was accepted")
		}
		for range 2 {
			if err := credentials.MigratePostgres(ctx, pool); err != nil {
				t.Fatal(err)
			}
		}
		s, err := credentials.NewPostgres(ctx, pool)
		if err != nil {
			t.Fatal(err)
		}
		return s
	},
}

// postgresPool returns a pool on a fresh schema of the test server, or
// skips (fails under CI=true) when PostgreSQL is unreachable.
func postgresPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	url := os.Getenv("PARCOURS_TEST_POSTGRES_URL")
	if url == "" {
		url = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	admin, err := pgxpool.New(ctx, url)
	if err == nil {
		err = admin.Ping(ctx)
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL unreachable at %s (CI=true, so this fails instead of skipping): %v", url, err)
		}
		t.Skipf("PostgreSQL unreachable at %s, skipping (set PARCOURS_TEST_POSTGRES_URL): %v", url, err)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "credentials_test_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		pool.Close()
		_, _ = admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	return pool
}

// TestStores runs the same cases against every Store.
func TestStores(t *testing.T) {
	for name, open := range stores {
		t.Run(name, func(t *testing.T) { storeCases(t, open(t)) })
	}
}

func storeCases(t *testing.T, s credentials.Store) {
	ctx := context.Background()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 123456000, time.UTC)
	u := credentials.User{ID: "u-1", Email: "zoe@example.org", PasswordHash: "$argon2id$x", PersonID: "p-zoe", Tenant: "s-ml", Role: domain.RoleBeneficiary, CreatedAt: t0}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateUser(ctx, credentials.User{ID: "u-2", Email: u.Email, PasswordHash: "h", PersonID: "p-2", Tenant: "s-ml", Role: domain.RoleTutor, CreatedAt: t0}); !errors.Is(err, credentials.ErrExists) {
		t.Fatalf("a second account with the same email: %v", err)
	}
	if got, err := s.UserByEmail(ctx, u.Email); err != nil || got != u {
		t.Fatalf("user by email: %+v %v", got, err)
	}
	if _, err := s.UserByEmail(ctx, "nobody@example.org"); !errors.Is(err, credentials.ErrNotFound) {
		t.Fatalf("unknown email: %v", err)
	}
	if err := s.SetPasswordHash(ctx, u.ID, "$argon2id$y"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.UserByEmail(ctx, u.Email); got.PasswordHash != "$argon2id$y" {
		t.Fatalf("password hash not replaced: %q", got.PasswordHash)
	}
	if err := s.SetPasswordHash(ctx, "u-none", "h"); !errors.Is(err, credentials.ErrNotFound) {
		t.Fatalf("password of an unknown account: %v", err)
	}
	sessionCases(t, s, u, t0)
	tokenCases(t, s, t0)
}

func sessionCases(t *testing.T, s credentials.Store, u credentials.User, t0 time.Time) {
	ctx := context.Background()
	h1, h2 := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	s1 := credentials.Session{Hash: h1, UserID: u.ID, CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(7 * 24 * time.Hour)}
	s2 := credentials.Session{Hash: h2, UserID: u.ID, CreatedAt: t0, LastSeenAt: t0.Add(time.Hour), ExpiresAt: t0.Add(time.Hour)}
	for _, ss := range []credentials.Session{s1, s2} {
		if err := s.CreateSession(ctx, ss); err != nil {
			t.Fatal(err)
		}
	}
	got, gu, err := s.SessionByHash(ctx, h1)
	if err != nil || !bytes.Equal(got.Hash, h1) || got.UserID != u.ID || !got.CreatedAt.Equal(t0) || !got.ExpiresAt.Equal(s1.ExpiresAt) || gu.PersonID != u.PersonID || gu.Tenant != u.Tenant {
		t.Fatalf("session: %+v %+v %v", got, gu, err)
	}
	if got.CreatedAt != t0 {
		t.Fatalf("times lose precision or zone: %v, want %v", got.CreatedAt, t0)
	}
	if _, _, err := s.SessionByHash(ctx, bytes.Repeat([]byte{9}, 32)); !errors.Is(err, credentials.ErrNotFound) {
		t.Fatalf("unknown session: %v", err)
	}
	seen := t0.Add(30 * time.Minute)
	if err := s.TouchSession(ctx, h1, seen); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := s.SessionByHash(ctx, h1); !got.LastSeenAt.Equal(seen) {
		t.Fatalf("last seen %v, want %v", got.LastSeenAt, seen)
	}
	// s2 reached its absolute end; s1 was seen recently.
	n, err := s.DeleteExpiredSessions(ctx, t0.Add(2*time.Hour), t0.Add(2*time.Hour-12*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("purge by absolute end: %d %v", n, err)
	}
	// s1 has been idle since seen.
	if n, err := s.DeleteExpiredSessions(ctx, t0.Add(13*time.Hour), seen); err != nil || n != 1 {
		t.Fatalf("purge by idleness: %d %v", n, err)
	}
	if err := s.CreateSession(ctx, s1); err != nil {
		t.Fatal(err)
	}
	for range 2 { // deleting twice is no error
		if err := s.DeleteSession(ctx, h1); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := s.SessionByHash(ctx, h1); !errors.Is(err, credentials.ErrNotFound) {
		t.Fatalf("deleted session: %v", err)
	}
}

func tokenCases(t *testing.T, s credentials.Store, t0 time.Time) {
	ctx := context.Background()
	mk := func(id, tenant string, at time.Time) credentials.Token {
		return credentials.Token{ID: id, Tenant: tenant, PersonID: "p-app", Role: domain.RoleCounsellor, Name: "sync " + id,
			Hash: []byte("hash-of-" + id), CreatedAt: at, CreatedBy: "p-admin"}
	}
	a, b, c := mk("tok-a", "s-ml", t0), mk("tok-b", "s-ml", t0.Add(time.Second)), mk("tok-c", "s-other", t0)
	for _, tk := range []credentials.Token{b, a, c} {
		if err := s.CreateToken(ctx, tk); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateToken(ctx, mk("tok-a", "s-ml", t0)); !errors.Is(err, credentials.ErrExists) {
		t.Fatalf("a second token with the same ID: %v", err)
	}
	got, err := s.TokenByHash(ctx, []byte("hash-of-tok-a"))
	if err != nil || got.ID != "tok-a" || got.Revoked() || !got.LastUsedAt.IsZero() || !got.CreatedAt.Equal(t0) || got.Actor() != (domain.Actor{PersonID: "p-app", Tenant: "s-ml", Role: domain.RoleCounsellor}) {
		t.Fatalf("token by hash: %+v %v", got, err)
	}
	if _, err := s.TokenByHash(ctx, []byte("nope")); !errors.Is(err, credentials.ErrNotFound) {
		t.Fatalf("unknown token: %v", err)
	}
	list, err := s.Tokens(ctx, "s-ml")
	if err != nil || len(list) != 2 || list[0].ID != "tok-a" || list[1].ID != "tok-b" {
		t.Fatalf("list of s-ml, oldest first: %+v %v", list, err)
	}
	if list, err := s.Tokens(ctx, "s-none"); err != nil || len(list) != 0 {
		t.Fatalf("list of a structure without tokens: %+v %v", list, err)
	}
	used := t0.Add(time.Minute)
	if err := s.TouchToken(ctx, "tok-a", used); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeToken(ctx, "s-other", "tok-a", used); !errors.Is(err, credentials.ErrNotFound) {
		t.Fatalf("revoking another structure's token: %v", err)
	}
	if err := s.RevokeToken(ctx, "s-ml", "tok-a", used); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeToken(ctx, "s-ml", "tok-a", used.Add(time.Hour)); err != nil {
		t.Fatalf("revoking twice: %v", err)
	}
	got, _ = s.TokenByHash(ctx, []byte("hash-of-tok-a"))
	if !got.Revoked() || !got.RevokedAt.Equal(used) || !got.LastUsedAt.Equal(used) {
		t.Fatalf("revoked token: revoked %v, last used %v", got.RevokedAt, got.LastUsedAt)
	}
	if got, _ := s.TokenByHash(ctx, []byte("hash-of-tok-c")); got.Revoked() {
		t.Fatal("revoking one token revoked another")
	}
}
