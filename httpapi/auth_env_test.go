package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/credentials"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventcodec"
	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/eventstore/sqlite"
	"github.com/parcours/parcours/httpapi"
	"github.com/parcours/parcours/personaldata"
)

// authAPI is a real service on a loopback port whose credentials are the
// real credentials service (SQLite), with membership read from the real
// event log.
type authAPI struct {
	*api
	creds  *credentials.Service
	clock  *testClock
	hashes atomic.Int64
}

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// The people of structure s-ml and of s-other, with their passwords.
const password = "correct horse battery"

func newAuthAPI(t *testing.T) *authAPI {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "events.db")
	if _, err := sqlite.Migrate(ctx, path); err != nil {
		t.Fatal(err)
	}
	store, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	kpath := filepath.Join(dir, "keys.db")
	if err := personaldata.MigrateSQLiteKeys(ctx, kpath); err != nil {
		t.Fatal(err)
	}
	keys, err := personaldata.OpenSQLiteKeys(ctx, kpath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { keys.Close() })
	master, _ := personaldata.LoadMasterKey("", dir)
	ring, _ := personaldata.NewKeyring(keys, master)
	cpath := filepath.Join(dir, "credentials.db")
	if err := credentials.MigrateSQLite(ctx, cpath); err != nil {
		t.Fatal(err)
	}
	cstore, err := credentials.OpenSQLite(ctx, cpath)
	if err != nil {
		t.Fatal(err)
	}
	a := &authAPI{api: &api{t: t, store: store, now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)},
		clock: &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}}
	a.h = commands.New(store, ring, commands.Options{Now: func() time.Time { return a.api.now }})
	a.creds = credentials.New(cstore, credentials.Options{Params: credentials.Params{Time: 1, Memory: 64, Threads: 1},
		Now: a.clock.now, Member: memberOf(store, eventcodec.New(ring)), OnHash: func() { a.hashes.Add(1) }})
	t.Cleanup(func() { a.creds.Close() })
	a.server = httpapi.New(httpapi.Deps{Commands: a.h, Auth: httpapi.CredentialsAuth(a.creds, nil), Creds: a.creds})
	srv := httptest.NewServer(a.server.Handler())
	t.Cleanup(srv.Close)
	a.url = srv.URL
	a.seed(t)
	return a
}

// seed registers s-ml and s-other, enrols their people and gives each a
// login (email: person ID at example.org).
func (a *authAPI) seed(t *testing.T) {
	ctx := context.Background()
	op := commands.Call{Actor: domain.Actor{PersonID: "operator", Role: domain.RoleOperator}}
	for _, s := range []string{"s-ml", "s-other"} {
		if _, err := a.h.RegisterStructure(ctx, op, commands.RegisterStructure{StructureID: s, Name: "Structure " + s, Seats: 5}); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []struct {
		s, id string
		role  domain.Role
		login bool
	}{
		{"s-ml", "p-admin", domain.RoleStructureAdmin, true}, {"s-ml", "p-zoe", domain.RoleBeneficiary, true},
		{"s-ml", "p-cons", domain.RoleCounsellor, true}, {"s-ml", "p-app", domain.RoleCounsellor, false},
		{"s-other", "p-other", domain.RoleStructureAdmin, true},
	} {
		if _, err := a.h.EnrolPerson(ctx, op, commands.EnrolPerson{StructureID: p.s, PersonID: p.id, Role: p.role, Name: "Person " + p.id}); err != nil {
			t.Fatal(err)
		}
		if !p.login {
			continue
		}
		if _, err := a.creds.CreateUser(ctx, credentials.NewUser{Email: p.id + "@example.org", Password: password, PersonID: p.id, Tenant: p.s, Role: p.role}); err != nil {
			t.Fatal(err)
		}
	}
}

// memberOf reads membership from the structure's stream, as the service
// wiring does.
func memberOf(store eventstore.Store, codec *eventcodec.Codec) credentials.MemberFunc {
	return func(ctx context.Context, tenant, person string, role domain.Role) (bool, error) {
		st := domain.NewStructure(tenant)
		events, err := store.ReadStream(ctx, domain.StructureStream(tenant), eventstore.ReadOptions{Limit: 100000})
		if errors.Is(err, eventstore.ErrStreamNotFound) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		for _, e := range events {
			d, err := codec.DecodeClear(e)
			if err != nil {
				return false, err
			}
			st.Apply(d.Event)
		}
		return st.HasActive(person, role), nil
	}
}

// login logs person in and returns the session cookie's "name=value".
func (a *authAPI) login(person string) string {
	a.t.Helper()
	r := a.ok(a.do("POST", "/v1/session", "", map[string]string{"email": person + "@example.org", "password": password}))
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == credentials.CookieName {
			return c.Name + "=" + c.Value
		}
	}
	a.t.Fatalf("no session cookie in %v", r.header)
	return ""
}
