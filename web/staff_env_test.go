package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/credentials"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventcodec"
	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/eventstore/sqlite"
	"github.com/parcours/parcours/personaldata"
	"github.com/parcours/parcours/projections"
	"github.com/parcours/parcours/web"
)

// staffEnv is the pages served over a real data directory: the SQLite
// event store, keys, read models kept by a running projections runner,
// SQLite credentials, the command handler; people log in through the
// credentials service and send its session cookie.
type staffEnv struct {
	t      *testing.T
	url    string
	h      *commands.Handler
	q      *projections.Queries
	creds  *credentials.Service
	runner *projections.Runner
	store  *sqlite.Store
	clock  *staffClock
	last   eventstore.Position
	// cookies by person ID
	cookies map[string]*http.Cookie
}

type staffClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *staffClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *staffClock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// staffNow is the day the tests look at the pages.
var staffNow = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

const staffPassword = "correct horse battery staple"

func newStaffEnv(t *testing.T) *staffEnv {
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
	rmPath := filepath.Join(dir, "readmodels.db")
	if err := projections.MigrateSQLite(ctx, rmPath); err != nil {
		t.Fatal(err)
	}
	rm, err := projections.OpenSQLite(ctx, rmPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rm.Close() })
	e := &staffEnv{t: t, store: store, clock: &staffClock{t: staffNow}, cookies: map[string]*http.Cookie{}}
	e.h = commands.New(store, ring, commands.Options{Now: e.clock.now})
	codec := eventcodec.New(ring)
	e.q = projections.NewQueries(rm, codec)
	if e.runner, err = projections.NewRunner(store, codec, rm, nil, projections.All()...); err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { e.runner.Run(rctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	cpath := filepath.Join(dir, "credentials.db")
	if err := credentials.MigrateSQLite(ctx, cpath); err != nil {
		t.Fatal(err)
	}
	cstore, err := credentials.OpenSQLite(ctx, cpath)
	if err != nil {
		t.Fatal(err)
	}
	e.creds = credentials.New(cstore, credentials.Options{Params: credentials.Params{Time: 1, Memory: 64, Threads: 1},
		Now: e.clock.now, Member: e.h.IsMember})
	t.Cleanup(func() { e.creds.Close() })
	pages, err := web.New(web.Deps{Commands: e.h, Queries: e.q, Auth: e.creds, Creds: e.creds, Waiter: e.runner, Files: files, Now: e.clock.now})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(pages)
	t.Cleanup(srv.Close)
	e.url = srv.URL
	return e
}

// must runs a command of the seed.
func (e *staffEnv) must(res commands.Result, err error) commands.Result {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
	if e.last.Less(res.Position) {
		e.last = res.Position
	}
	return res
}

// sync waits until the read models have applied every command so far.
func (e *staffEnv) sync() {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.runner.WaitFor(ctx, e.last); err != nil {
		e.t.Fatal(err)
	}
}

// login opens a session for person (who has an account) and keeps its
// cookie.
func (e *staffEnv) login(person string) {
	e.t.Helper()
	res, err := e.creds.Login(context.Background(), person+"@example.org", staffPassword, "192.0.2.1")
	if err != nil {
		e.t.Fatal(err)
	}
	e.cookies[person] = &http.Cookie{Name: credentials.CookieName, Value: res.Token}
}

// staffPage is an answer: its status, where it redirects, its HTML.
type staffPage struct {
	status   int
	location string
	html     string
}

func (e *staffEnv) do(req *http.Request, who string) staffPage {
	e.t.Helper()
	if c := e.cookies[who]; c != nil {
		req.AddCookie(c)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return staffPage{status: resp.StatusCode, location: resp.Header.Get("Location"), html: string(body)}
}

// get reads a page as who ("" for nobody).
func (e *staffEnv) get(path, who string) staffPage {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.url+path, nil)
	return e.do(req, who)
}

// post sends a form as who, from this site (as a browser does), or from
// origin when given.
func (e *staffEnv) post(path, who string, form url.Values, origin ...string) staffPage {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.url+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if len(origin) > 0 {
		req.Header.Set("Origin", origin[0])
		req.Header.Set("Sec-Fetch-Site", "cross-site")
	} else {
		req.Header.Set("Origin", e.url)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	return e.do(req, who)
}

// events counts the events of the store (to prove a refusal wrote none).
func (e *staffEnv) events() int {
	e.t.Helper()
	n := 0
	for from := eventstore.Start; ; {
		page, err := e.store.ReadAll(context.Background(), from, 1000)
		if err != nil {
			e.t.Fatal(err)
		}
		n += len(page)
		if len(page) < 1000 {
			return n
		}
		from = page[len(page)-1].Position
	}
}

// contains fails unless the page holds every one of wants.
func (p staffPage) contains(t *testing.T, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(p.html, w) {
			t.Fatalf("page (%d) lacks %q:\n%s", p.status, w, p.html)
		}
	}
}

// lacks fails if the page holds one of unwanted.
func (p staffPage) lacks(t *testing.T, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(p.html, u) {
			t.Fatalf("page (%d) holds %q:\n%s", p.status, u, p.html)
		}
	}
}

// staffCallOf is the command call of a person of s-ml.
func staffCallOf(person string, role domain.Role) commands.Call {
	return commands.Call{Actor: domain.Actor{PersonID: person, Tenant: "s-ml", Role: role}}
}
