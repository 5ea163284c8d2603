package httpapi_test

import (
	"bytes"
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/credentials"
	"github.com/parcours/parcours/eventcodec"
	"github.com/parcours/parcours/eventstore/sqlite"
	"github.com/parcours/parcours/httpapi"
	"github.com/parcours/parcours/personaldata"
)

// failingForget is the real credential store whose ForgetPerson fails
// while fail is set: a crash between the erasure and the credentials.
type failingForget struct {
	credentials.Store
	fail atomic.Bool
}

func (f *failingForget) ForgetPerson(ctx context.Context, personID string, t time.Time) (credentials.Forgotten, error) {
	if f.fail.Load() {
		return credentials.Forgotten{}, errors.New("disk on fire")
	}
	return f.Store.ForgetPerson(ctx, personID, t)
}

// newEraseAPI is newAuthAPI with the personal-data vault wired, so that
// people can be erased; it returns the data directory too.
func newEraseAPI(t *testing.T) (*authAPI, *failingForget, string) {
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
	files, _ := personaldata.NewFiles(filepath.Join(dir, "files"), ring)
	cpath := filepath.Join(dir, "credentials.db")
	if err := credentials.MigrateSQLite(ctx, cpath); err != nil {
		t.Fatal(err)
	}
	cstore, err := credentials.OpenSQLite(ctx, cpath)
	if err != nil {
		t.Fatal(err)
	}
	flaky := &failingForget{Store: cstore}
	a := &authAPI{api: &api{t: t, store: store, files: files, now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)},
		clock: &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}}
	a.h = commands.New(store, ring, commands.Options{Now: func() time.Time { return a.api.now }})
	a.creds = credentials.New(flaky, credentials.Options{Params: credentials.Params{Time: 1, Memory: 64, Threads: 1},
		Now: a.clock.now, Member: memberOf(store, eventcodec.New(ring))})
	t.Cleanup(func() { a.creds.Close() })
	a.server = httpapi.New(httpapi.Deps{Commands: a.h, Auth: httpapi.CredentialsAuth(a.creds, nil), Creds: a.creds,
		Keyring: ring, Files: files, Store: store})
	srv := httptest.NewServer(a.server.Handler())
	t.Cleanup(srv.Close)
	a.url = srv.URL
	a.seed(t)
	return a, flaky, dir
}

// TestEraseForgetsCredentials: Zoé has a password login, a session and an
// API token. Erasing her deletes the login and the session and revokes
// the token (each then answers 401), and leaves no byte of her email in
// the data directory; a failure of that step after the keys went answers
// erasure-incomplete, and the same DELETE, by Zoé herself, finishes it.
func TestEraseForgetsCredentials(t *testing.T) {
	a, flaky, dir := newEraseAPI(t)
	email := []byte("p-zoe@example.org")
	zoe := a.login("p-zoe")
	admin := a.login("p-admin")
	var tok httpapi.NewAPIToken
	a.ok(a.do("POST", "/v1/structures/s-ml/tokens", "", map[string]string{"name": "appli de Zoé", "role": "beneficiary", "person_id": "p-zoe"},
		"Cookie", admin, "Origin", a.url)).json(t, &tok)
	me := func(token string, headers ...string) int {
		t.Helper()
		return a.do("GET", "/v1/me", token, nil, headers...).status
	}
	loginStatus := func(person string) int {
		t.Helper()
		return a.do("POST", "/v1/session", "", map[string]string{"email": person + "@example.org", "password": password}).status
	}
	if me("", "Cookie", zoe) != 200 || me(tok.Token) != 200 {
		t.Fatal("her session or token does not work before the erasure")
	}
	if len(findInDir(t, dir, email)) == 0 {
		t.Fatal("search control: her email is not on disk before the erasure")
	}

	// An erasure refused touches no credential.
	wantStatus(t, a.do("DELETE", "/v1/people/p-zoe", "", nil, "Cookie", a.login("p-cons"), "Origin", a.url), 404)
	if me("", "Cookie", zoe) != 200 || me(tok.Token) != 200 {
		t.Fatal("a refused erasure touched her credentials")
	}

	// The credentials step fails after the keys were destroyed: the
	// answer says so, and her credentials still work, so that she (or an
	// admin) can send the erasure again.
	flaky.fail.Store(true)
	r := a.do("DELETE", "/v1/people/p-zoe", "", nil, "Cookie", admin, "Origin", a.url)
	if r.status != 500 || !bytes.Contains(r.body, []byte("erasure-incomplete")) || !bytes.Contains(r.body, []byte("send the same request again")) {
		t.Fatalf("a failed credentials step: %d %s", r.status, r.body)
	}
	if me("", "Cookie", zoe) != 200 {
		t.Fatal("her session ended although the credentials step failed")
	}
	flaky.fail.Store(false)
	r = a.do("DELETE", "/v1/people/p-zoe", "", nil, "Cookie", zoe, "Origin", a.url)
	if r.status != 204 || !strings.Contains(r.header.Get("Set-Cookie"), "Max-Age=0") {
		t.Fatalf("erasing herself again: %d %v %s", r.status, r.header, r.body)
	}

	if s := loginStatus("p-zoe"); s != 401 {
		t.Fatalf("her login after erasure: %d", s)
	}
	if s := me("", "Cookie", zoe); s != 401 {
		t.Fatalf("her session after erasure: %d", s)
	}
	if s := me(tok.Token); s != 401 {
		t.Fatalf("her token after erasure: %d", s)
	}
	if f := findInDir(t, dir, email); len(f) > 0 {
		t.Fatalf("her email is still on disk in %v", f)
	}
	var list httpapi.TokenList
	a.ok(a.do("GET", "/v1/structures/s-ml/tokens", "", nil, "Cookie", admin)).json(t, &list)
	var listed bool
	for _, lt := range list.Tokens {
		if lt.ID == tok.ID {
			listed = lt.Revoked && lt.RevokedAt != nil
		}
	}
	if !listed {
		t.Fatalf("her token is not listed as revoked (revoked tokens stay, for the audit of their use): %+v", list)
	}
	// Others are untouched; erasing again is harmless.
	if me("", "Cookie", admin) != 200 || loginStatus("p-cons") != 200 {
		t.Fatal("another person's credentials were touched")
	}
	wantStatus(t, a.do("DELETE", "/v1/people/p-zoe", "", nil, "Cookie", admin, "Origin", a.url), 204)
}

// findInDir returns the files under dir that contain needle.
func findInDir(t *testing.T, dir string, needle []byte) []string {
	t.Helper()
	var found []string
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.Contains(b, needle) {
			found = append(found, filepath.Base(p))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}
