package credentials_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parcours/parcours/credentials"
	"github.com/parcours/parcours/domain"
)

// cheap keeps tests fast; DefaultParams are measured by BenchmarkHash.
var cheap = credentials.Params{Time: 1, Memory: 64, Threads: 1}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// members is an enrolment table standing in for the event log (the
// httpapi tests use the real one).
type members struct {
	mu sync.Mutex
	m  map[string]domain.Role // tenant/person → role
}

func (m *members) set(tenant, person string, role domain.Role) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if role == "" {
		delete(m.m, tenant+"/"+person)
		return
	}
	m.m[tenant+"/"+person] = role
}

func (m *members) check(_ context.Context, tenant, person string, role domain.Role) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.m[tenant+"/"+person] == role, nil
}

type fixture struct {
	svc    *credentials.Service
	store  credentials.Store
	clock  *clock
	member *members
	hashes atomic.Int64
}

func newFixture(t *testing.T, store credentials.Store) *fixture {
	f := &fixture{store: store, clock: &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}, member: &members{m: map[string]domain.Role{}}}
	f.member.set("s-ml", "p-zoe", domain.RoleBeneficiary)
	f.member.set("s-ml", "p-admin", domain.RoleStructureAdmin)
	f.member.set("s-ml", "p-app", domain.RoleCounsellor)
	f.svc = credentials.New(store, credentials.Options{Params: cheap, Now: f.clock.now, Member: f.member.check,
		OnHash: func() { f.hashes.Add(1) }})
	return f
}

func (f *fixture) zoe(t *testing.T) {
	t.Helper()
	_, err := f.svc.CreateUser(context.Background(), credentials.NewUser{Email: " Zoe@Example.org ", Password: "correct horse battery", PersonID: "p-zoe", Tenant: "s-ml", Role: domain.RoleBeneficiary})
	if err != nil {
		t.Fatal(err)
	}
}

// TestService runs the service's cases over every store.
func TestService(t *testing.T) {
	cases := map[string]func(*testing.T, *fixture){
		"create user": testCreateUser, "login": testLogin, "rate limits": testRateLimits,
		"sessions": testSessions, "tokens": testTokens, "rehash": testRehash,
	}
	for store, open := range stores {
		for name, run := range cases {
			t.Run(store+"/"+name, func(t *testing.T) { run(t, newFixture(t, open(t))) })
		}
	}
}

func testCreateUser(t *testing.T, f *fixture) {
	ctx := context.Background()
	good := credentials.NewUser{Email: "zoe@example.org", Password: "correct horse battery", PersonID: "p-zoe", Tenant: "s-ml", Role: domain.RoleBeneficiary}
	for _, tc := range []struct {
		field string
		edit  func(*credentials.NewUser)
	}{
		{"email", func(u *credentials.NewUser) { u.Email = "Zoé <zoe@example.org>" }},
		{"email", func(u *credentials.NewUser) { u.Email = "no-at-sign" }},
		{"password", func(u *credentials.NewUser) { u.Password = "short" }},
		{"password", func(u *credentials.NewUser) { u.Password = strings.Repeat("x", credentials.MaxPasswordLen+1) }},
		{"role", func(u *credentials.NewUser) { u.Role = domain.RoleOperator }},
		{"structure_id", func(u *credentials.NewUser) { u.Tenant = "s ml" }},
		{"person_id", func(u *credentials.NewUser) { u.PersonID = "" }},
		{"person_id", func(u *credentials.NewUser) { u.Role = domain.RoleCounsellor }}, // not her enrolment
		{"person_id", func(u *credentials.NewUser) { u.Tenant = "s-other" }},
	} {
		nu := good
		tc.edit(&nu)
		_, err := f.svc.CreateUser(ctx, nu)
		var de *domain.Error
		if !errors.As(err, &de) || de.Kind != domain.KindInvalid || de.Field != tc.field {
			t.Errorf("%+v: got %v, want invalid %s", nu, err, tc.field)
		}
	}
	u, err := f.svc.CreateUser(ctx, good)
	if err != nil || u.Actor() != (domain.Actor{PersonID: "p-zoe", Tenant: "s-ml", Role: domain.RoleBeneficiary}) || !strings.HasPrefix(u.PasswordHash, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("create: %+v %v", u, err)
	}
	good.Email = "ZOE@example.org"
	if _, err := f.svc.CreateUser(ctx, good); !errors.Is(err, domain.ErrConflict) {
		t.Fatalf("the same email in other case: %v", err)
	}
}

func testLogin(t *testing.T, f *fixture) {
	ctx := context.Background()
	f.zoe(t)
	for _, tc := range []struct{ email, password string }{
		{"zoe@example.org", "wrong password!"},
		{"nobody@example.org", "correct horse battery"},
		{"zoe@example.org", strings.Repeat("y", 5000)},
	} {
		before := f.hashes.Load()
		if _, err := f.svc.Login(ctx, tc.email, tc.password, "192.0.2.1"); !errors.Is(err, credentials.ErrInvalidCredentials) {
			t.Fatalf("%s: %v", tc.email, err)
		}
		if n := f.hashes.Load() - before; n != 1 {
			t.Fatalf("%s: %d argon2id computations, want 1 whether or not the account exists", tc.email, n)
		}
	}
	res, err := f.svc.Login(ctx, "ZOE@example.org ", "correct horse battery", "192.0.2.1")
	if err != nil || len(res.Token) != 43 || res.Actor.Tenant != "s-ml" || !res.ExpiresAt.Equal(f.clock.now().Add(7*24*time.Hour)) {
		t.Fatalf("login: %+v %v", res, err)
	}
	// Once she has left the structure, her password opens nothing.
	f.member.set("s-ml", "p-zoe", "")
	if _, err := f.svc.Login(ctx, "zoe@example.org", "correct horse battery", "192.0.2.1"); !errors.Is(err, credentials.ErrInvalidCredentials) {
		t.Fatalf("login after leaving: %v", err)
	}
}

func testRateLimits(t *testing.T, f *fixture) {
	ctx := context.Background()
	f.zoe(t)
	for i := range 5 {
		if _, err := f.svc.Login(ctx, "zoe@example.org", "wrong password!", "192.0.2.1"); !errors.Is(err, credentials.ErrInvalidCredentials) {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	before := f.hashes.Load()
	_, err := f.svc.Login(ctx, "zoe@example.org", "correct horse battery", "198.51.100.7")
	var rl *credentials.RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter <= 0 || rl.RetryAfter > 12*time.Second {
		t.Fatalf("6th attempt on the account, from another address: %v", err)
	}
	if f.hashes.Load() != before {
		t.Fatal("a refused attempt still computed a hash")
	}
	f.clock.add(rl.RetryAfter)
	if _, err := f.svc.Login(ctx, "zoe@example.org", "correct horse battery", "198.51.100.7"); err != nil {
		t.Fatalf("after Retry-After: %v", err)
	}
	// Per address: 20, whatever the accounts.
	for i := range 20 {
		if _, err := f.svc.Login(ctx, "guess"+string(rune('a'+i))+"@example.org", "x", "203.0.113.9"); !errors.Is(err, credentials.ErrInvalidCredentials) {
			t.Fatalf("address attempt %d: %v", i+1, err)
		}
	}
	if _, err := f.svc.Login(ctx, "other@example.org", "x", "203.0.113.9"); !errors.As(err, &rl) {
		t.Fatalf("21st attempt from one address: %v", err)
	}
}

func testSessions(t *testing.T, f *fixture) {
	ctx := context.Background()
	f.zoe(t)
	login := func() string {
		res, err := f.svc.Login(ctx, "zoe@example.org", "correct horse battery", "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		return res.Token
	}
	auth := func(secret string) (domain.Actor, bool, error) {
		r := httptest.NewRequest("GET", "/v1/me", nil)
		r.AddCookie(f.svc.Cookie(r, credentials.LoginResult{Token: secret}))
		return f.svc.Authenticate(r)
	}
	tok := login()
	if a, ok, err := auth(tok); err != nil || !ok || a != (domain.Actor{PersonID: "p-zoe", Tenant: "s-ml", Role: domain.RoleBeneficiary}) {
		t.Fatalf("authenticate: %+v %v %v", a, ok, err)
	}
	// Used every 11 hours, it outlives 12 idle hours, but not 7 days.
	for range 15 {
		f.clock.add(11 * time.Hour)
		if _, ok, err := auth(tok); !ok || err != nil {
			t.Fatalf("a session in use ended: %v", err)
		}
	}
	f.clock.add(11 * time.Hour)
	if _, _, err := auth(tok); !errors.Is(err, credentials.ErrUnauthenticated) {
		t.Fatalf("after 7 days: %v", err)
	}
	tok = login()
	f.clock.add(12 * time.Hour)
	if _, _, err := auth(tok); !errors.Is(err, credentials.ErrUnauthenticated) {
		t.Fatalf("after 12 idle hours: %v", err)
	}
	tok = login()
	if err := f.svc.Logout(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if _, _, err := auth(tok); !errors.Is(err, credentials.ErrUnauthenticated) {
		t.Fatalf("after logout: %v", err)
	}
	for _, bad := range []string{"", "short", strings.Repeat("A", 42) + "!"} {
		if _, ok, err := auth(bad); ok || !errors.Is(err, credentials.ErrUnauthenticated) {
			t.Fatalf("cookie %q: %v %v", bad, ok, err)
		}
	}
	if err := f.svc.Logout(ctx, "garbage"); err != nil {
		t.Fatalf("logout of garbage: %v", err)
	}
}

func testRehash(t *testing.T, f *fixture) {
	ctx := context.Background()
	f.zoe(t)
	raised := credentials.Params{Time: 2, Memory: 128, Threads: 1}
	svc := credentials.New(f.store, credentials.Options{Params: raised, Member: f.member.check})
	if _, err := svc.Login(ctx, "zoe@example.org", "correct horse battery", "192.0.2.1"); err != nil {
		t.Fatalf("a hash with older parameters no longer verifies: %v", err)
	}
	u, err := f.store.UserByEmail(ctx, "zoe@example.org")
	if err != nil || !strings.HasPrefix(u.PasswordHash, "$argon2id$v=19$m=128,t=2,p=1$") {
		t.Fatalf("not rehashed with the raised parameters: %q %v", u.PasswordHash, err)
	}
	if _, err := svc.Login(ctx, "zoe@example.org", "correct horse battery", "192.0.2.1"); err != nil {
		t.Fatalf("login after rehash: %v", err)
	}
}
