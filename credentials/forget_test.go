package credentials_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parcours/parcours/credentials"
	"github.com/parcours/parcours/domain"
)

// TestForgetPersonStore: on every store, forgetting a person deletes their
// accounts in every structure and their sessions, revokes the tokens
// acting as them (keeping the rows and an earlier revocation time), and
// touches nobody else; forgetting again does nothing and is no error.
func TestForgetPersonStore(t *testing.T) {
	for name, open := range stores {
		t.Run(name, func(t *testing.T) { forgetCases(t, open(t)) })
	}
}

func forgetCases(t *testing.T, s credentials.Store) {
	ctx := context.Background()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	t1 := t0.Add(time.Hour)
	users := []credentials.User{
		{ID: "u-z1", Email: "zoe@example.org", PersonID: "p-zoe", Tenant: "s-ml", Role: domain.RoleBeneficiary},
		{ID: "u-z2", Email: "zoe.tutor@example.org", PersonID: "p-zoe", Tenant: "s-other", Role: domain.RoleTutor},
		{ID: "u-l", Email: "luc@example.org", PersonID: "p-luc", Tenant: "s-ml", Role: domain.RoleBeneficiary},
	}
	for _, u := range users {
		u.PasswordHash, u.CreatedAt = "$argon2id$"+u.ID, t0
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	sessions := map[string]string{"z1a": "u-z1", "z1b": "u-z1", "z2": "u-z2", "l": "u-l"}
	for h, user := range sessions {
		if err := s.CreateSession(ctx, credentials.Session{Hash: []byte("session-" + h), UserID: user, CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(24 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	tokens := []credentials.Token{
		{ID: "tok-z1", Tenant: "s-ml", PersonID: "p-zoe", Role: domain.RoleBeneficiary},
		{ID: "tok-z2", Tenant: "s-other", PersonID: "p-zoe", Role: domain.RoleTutor},
		{ID: "tok-zr", Tenant: "s-ml", PersonID: "p-zoe", Role: domain.RoleBeneficiary, RevokedAt: t0},
		{ID: "tok-by", Tenant: "s-ml", PersonID: "p-app", Role: domain.RoleCounsellor, CreatedBy: "p-zoe"}, // made by her, acts as the app
		{ID: "tok-l", Tenant: "s-ml", PersonID: "p-luc", Role: domain.RoleBeneficiary},
	}
	for _, tk := range tokens {
		tk.Name, tk.Hash, tk.CreatedAt = "app "+tk.ID, []byte("hash-of-"+tk.ID), t0
		if tk.CreatedBy == "" {
			tk.CreatedBy = "p-admin"
		}
		if err := s.CreateToken(ctx, tk); err != nil {
			t.Fatal(err)
		}
	}

	got, err := s.ForgetPerson(ctx, "p-zoe", t1)
	if err != nil || got != (credentials.Forgotten{Accounts: 2, Sessions: 3, Tokens: 2}) {
		t.Fatalf("forget: %+v %v", got, err)
	}
	for _, email := range []string{"zoe@example.org", "zoe.tutor@example.org"} {
		if _, err := s.UserByEmail(ctx, email); !errors.Is(err, credentials.ErrNotFound) {
			t.Errorf("account %s after forgetting: %v", email, err)
		}
	}
	for _, h := range []string{"z1a", "z1b", "z2"} {
		if _, _, err := s.SessionByHash(ctx, []byte("session-"+h)); !errors.Is(err, credentials.ErrNotFound) {
			t.Errorf("session %s after forgetting: %v", h, err)
		}
	}
	revokedAt := func(id string) time.Time {
		t.Helper()
		tk, err := s.TokenByHash(ctx, []byte("hash-of-"+id))
		if err != nil {
			t.Fatalf("token %s: %v (revoked tokens keep their row)", id, err)
		}
		return tk.RevokedAt
	}
	for id, want := range map[string]time.Time{"tok-z1": t1, "tok-z2": t1, "tok-zr": t0, "tok-by": {}, "tok-l": {}} {
		if got := revokedAt(id); !got.Equal(want) {
			t.Errorf("token %s revoked at %v, want %v", id, got, want)
		}
	}
	// Luc is untouched.
	if u, err := s.UserByEmail(ctx, "luc@example.org"); err != nil || u.ID != "u-l" {
		t.Fatalf("another person's account: %+v %v", u, err)
	}
	if _, u, err := s.SessionByHash(ctx, []byte("session-l")); err != nil || u.ID != "u-l" {
		t.Fatalf("another person's session: %v", err)
	}
	if list, err := s.Tokens(ctx, "s-ml"); err != nil || len(list) != 4 {
		t.Fatalf("s-ml still lists its tokens, revoked ones too: %d %v", len(list), err)
	}

	// Again (a retry), and for someone who never had a credential.
	for _, p := range []string{"p-zoe", "p-nobody"} {
		if got, err := s.ForgetPerson(ctx, p, t1.Add(time.Hour)); err != nil || got != (credentials.Forgotten{}) {
			t.Fatalf("forget %s again: %+v %v", p, got, err)
		}
	}
	if got := revokedAt("tok-z1"); !got.Equal(t1) {
		t.Fatalf("a second forgetting moved the revocation time to %v", got)
	}
}

// TestForgetPersonService: through the service, on every store: after
// ForgetPerson the person's password, session and token are refused, and
// other people's still work.
func TestForgetPersonService(t *testing.T) {
	for name, open := range stores {
		t.Run(name, func(t *testing.T) { forgetServiceCases(t, newFixture(t, open(t))) })
	}
}

func forgetServiceCases(t *testing.T, f *fixture) {
	ctx := context.Background()
	f.zoe(t)
	if _, err := f.svc.CreateUser(ctx, credentials.NewUser{Email: "admin@example.org", Password: "correct horse battery", PersonID: "p-admin", Tenant: "s-ml", Role: domain.RoleStructureAdmin}); err != nil {
		t.Fatal(err)
	}
	login := func(email string) (credentials.LoginResult, error) {
		return f.svc.Login(ctx, email, "correct horse battery", "192.0.2.1")
	}
	byCookie := func(secret string) (domain.Actor, error) {
		r := httptest.NewRequest("GET", "/v1/me", nil)
		r.AddCookie(f.svc.Cookie(r, credentials.LoginResult{Token: secret}))
		a, _, err := f.svc.Authenticate(r)
		return a, err
	}
	byBearer := func(secret string) (domain.Actor, error) {
		r := httptest.NewRequest("GET", "/v1/me", nil)
		r.Header.Set("Authorization", "Bearer "+secret)
		a, _, err := f.svc.Authenticate(r)
		return a, err
	}
	zoeSession, err := login("zoe@example.org")
	if err != nil {
		t.Fatal(err)
	}
	adminSession, err := login("admin@example.org")
	if err != nil {
		t.Fatal(err)
	}
	_, zoeToken, err := f.svc.CreateToken(ctx, admin, credentials.NewToken{Tenant: "s-ml", Name: "appli de Zoé", PersonID: "p-zoe", Role: domain.RoleBeneficiary})
	if err != nil {
		t.Fatal(err)
	}
	_, appToken, err := f.svc.CreateToken(ctx, admin, credentials.NewToken{Tenant: "s-ml", Name: "CRM", PersonID: "p-app", Role: domain.RoleCounsellor})
	if err != nil {
		t.Fatal(err)
	}
	if a, err := byCookie(zoeSession.Token); err != nil || a.PersonID != "p-zoe" {
		t.Fatalf("her session before: %+v %v", a, err)
	}
	if a, err := byBearer(zoeToken); err != nil || a.PersonID != "p-zoe" {
		t.Fatalf("her token before: %+v %v", a, err)
	}

	got, err := f.svc.ForgetPerson(ctx, "p-zoe")
	if err != nil || got != (credentials.Forgotten{Accounts: 1, Sessions: 1, Tokens: 1}) {
		t.Fatalf("forget: %+v %v", got, err)
	}
	if _, err := login("zoe@example.org"); !errors.Is(err, credentials.ErrInvalidCredentials) {
		t.Fatalf("login after forgetting: %v", err)
	}
	if _, err := byCookie(zoeSession.Token); !errors.Is(err, credentials.ErrUnauthenticated) {
		t.Fatalf("her session after forgetting: %v", err)
	}
	if _, err := byBearer(zoeToken); !errors.Is(err, credentials.ErrUnauthenticated) {
		t.Fatalf("her token after forgetting: %v", err)
	}
	if ok, err := f.svc.AccountExists(ctx, "zoe@example.org"); ok || err != nil {
		t.Fatalf("her account still exists: %v %v", ok, err)
	}
	// The others still work.
	if a, err := byCookie(adminSession.Token); err != nil || a.PersonID != "p-admin" {
		t.Fatalf("another person's session: %+v %v", a, err)
	}
	if a, err := byBearer(appToken); err != nil || a.PersonID != "p-app" {
		t.Fatalf("another person's token: %+v %v", a, err)
	}
	if _, err := login("admin@example.org"); err != nil {
		t.Fatalf("another person's login: %v", err)
	}
	if got, err := f.svc.ForgetPerson(ctx, "p-zoe"); err != nil || got != (credentials.Forgotten{}) {
		t.Fatalf("forget again: %+v %v", got, err)
	}
	var de *domain.Error
	if _, err := f.svc.ForgetPerson(ctx, "p zoe"); !errors.As(err, &de) || de.Kind != domain.KindInvalid {
		t.Fatalf("a malformed person ID: %v", err)
	}
}

// TestForgetPersonScrubsSQLiteFile: after ForgetPerson, neither the
// credentials file nor its WAL holds the person's email or password hash,
// among enough other accounts for the table and its email index to span
// many pages; the others' emails are still found (the search works).
func TestForgetPersonScrubsSQLiteFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "credentials.db")
	if err := credentials.MigrateSQLite(ctx, path); err != nil {
		t.Fatal(err)
	}
	store, err := credentials.OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	svc := credentials.New(store, credentials.Options{Params: cheap})
	defer svc.Close()
	const email = "zoe.kowalczyk-ferrand@example.org"
	var zoeHash string
	for i := range 400 {
		nu := credentials.NewUser{Email: fmt.Sprintf("person-%03d@example.org", i), Password: "correct horse battery", PersonID: fmt.Sprintf("p-%03d", i), Tenant: "s-ml", Role: domain.RoleBeneficiary}
		if i == 200 {
			nu.Email, nu.PersonID = email, "p-zoe"
		}
		u, err := svc.CreateUser(ctx, nu)
		if err != nil {
			t.Fatal(err)
		}
		if i == 200 {
			zoeHash = u.PasswordHash
		}
		if i%50 == 0 {
			if _, err := svc.Login(ctx, nu.Email, nu.Password, fmt.Sprintf("192.0.2.%d", i/50)); err != nil {
				t.Fatal(err)
			}
		}
	}
	onDisk := func(needle string) []string {
		var in []string
		for _, p := range []string{path, path + "-wal"} {
			b, err := os.ReadFile(p)
			if err != nil && !errors.Is(err, os.ErrNotExist) {
				t.Fatal(err)
			}
			if bytes.Contains(b, []byte(needle)) {
				in = append(in, filepath.Base(p))
			}
		}
		return in
	}
	for _, needle := range []string{email, zoeHash} {
		if len(onDisk(needle)) == 0 {
			t.Fatalf("search control: %q is not on disk before forgetting", needle)
		}
	}
	if got, err := svc.ForgetPerson(ctx, "p-zoe"); err != nil || got.Accounts != 1 || got.Sessions != 1 {
		t.Fatalf("forget: %+v %v", got, err)
	}
	for what, needle := range map[string]string{"email": email, "password hash": zoeHash} {
		if in := onDisk(needle); len(in) > 0 {
			t.Errorf("the forgotten %s is still in %v", what, in)
		}
	}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() != 0 {
		t.Errorf("WAL not truncated: %d bytes", fi.Size())
	}
	if len(onDisk("person-199@example.org")) == 0 || len(onDisk("person-201@example.org")) == 0 {
		t.Fatal("other accounts vanished from the file")
	}
}

// TestForgetPersonRewritesPostgresTable: on PostgreSQL the account table
// is rewritten (VACUUM FULL gives it a new file), so the deleted row's
// bytes do not stay in the live table's pages.
func TestForgetPersonRewritesPostgresTable(t *testing.T) {
	ctx := context.Background()
	pool := postgresPool(t)
	if err := credentials.MigratePostgres(ctx, pool); err != nil {
		t.Fatal(err)
	}
	s, err := credentials.NewPostgres(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range []string{"p-zoe", "p-luc"} {
		if err := s.CreateUser(ctx, credentials.User{ID: fmt.Sprintf("u-%d", i), Email: p + "@example.org", PasswordHash: "h", PersonID: p, Tenant: "s-ml", Role: domain.RoleBeneficiary, CreatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	filenode := func() (node uint32) {
		t.Helper()
		if err := pool.QueryRow(ctx, `SELECT pg_relation_filenode('credentials_users')`).Scan(&node); err != nil {
			t.Fatal(err)
		}
		return node
	}
	before := filenode()
	if _, err := s.ForgetPerson(ctx, "p-zoe", time.Now()); err != nil {
		t.Fatal(err)
	}
	if after := filenode(); after == before {
		t.Fatalf("credentials_users was not rewritten (file node %d before and after)", before)
	}
	if _, err := s.UserByEmail(ctx, "p-luc@example.org"); err != nil {
		t.Fatalf("the other account after the rewrite: %v", err)
	}
}
