package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
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

// benEnv is the whole service over a real data directory: the SQLite
// event store, the personal-data keys and files, the read models kept by
// a running projections runner, the credentials service, the command
// handler, and the pages on a loopback port.
type benEnv struct {
	t      *testing.T
	ctx    context.Context
	url    string
	h      *commands.Handler
	store  *sqlite.Store
	files  *personaldata.Files
	runner *projections.Runner
	q      *projections.Queries
	creds  *credentials.Service
	mu     sync.Mutex
	now    time.Time
}

const benPassword = "correct horse battery"

func (e *benEnv) clock() time.Time { e.mu.Lock(); defer e.mu.Unlock(); return e.now }

func (e *benEnv) advance(d time.Duration) { e.mu.Lock(); e.now = e.now.Add(d); e.mu.Unlock() }

func newBenEnv(t *testing.T) *benEnv {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	e := &benEnv{t: t, ctx: ctx, now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	path := filepath.Join(dir, "events.db")
	_, err := sqlite.Migrate(ctx, path)
	must(err)
	e.store, err = sqlite.Open(ctx, path, sqlite.Options{})
	must(err)
	t.Cleanup(func() { e.store.Close() })
	kpath := filepath.Join(dir, "keys.db")
	must(personaldata.MigrateSQLiteKeys(ctx, kpath))
	keys, err := personaldata.OpenSQLiteKeys(ctx, kpath)
	must(err)
	t.Cleanup(func() { keys.Close() })
	master, err := personaldata.LoadMasterKey("", dir)
	must(err)
	ring, err := personaldata.NewKeyring(keys, master)
	must(err)
	e.files, err = personaldata.NewFiles(filepath.Join(dir, "files"), ring)
	must(err)
	rmPath := filepath.Join(dir, "readmodels.db")
	must(projections.MigrateSQLite(ctx, rmPath))
	rm, err := projections.OpenSQLite(ctx, rmPath)
	must(err)
	t.Cleanup(func() { rm.Close() })
	codec := eventcodec.New(ring)
	e.h = commands.New(e.store, ring, commands.Options{Now: e.clock})
	e.runner, err = projections.NewRunner(e.store, codec, rm, nil, projections.All()...)
	must(err)
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { e.runner.Run(rctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	e.q = projections.NewQueries(rm, codec)
	cpath := filepath.Join(dir, "credentials.db")
	must(credentials.MigrateSQLite(ctx, cpath))
	cstore, err := credentials.OpenSQLite(ctx, cpath)
	must(err)
	e.creds = credentials.New(cstore, credentials.Options{Params: credentials.Params{Time: 1, Memory: 64, Threads: 1},
		Member: e.h.IsMember, Now: e.clock})
	t.Cleanup(func() { e.creds.Close() })
	pages, err := web.New(web.Deps{Commands: e.h, Queries: e.q, Auth: e.creds, Creds: e.creds, Waiter: e.runner, Files: e.files,
		Now: e.clock, Keyring: ring, Store: e.store, MaxUploadBytes: 1 << 20})
	must(err)
	srv := httptest.NewServer(pages)
	t.Cleanup(srv.Close)
	e.url = srv.URL
	e.seed()
	return e
}

// The structure s-ml: Zoé and Luc (beneficiaries), Karim (counsellor of
// Zoé), Marc (tutor). Each logs in with person ID @example.org.
func (e *benEnv) seed() {
	op := commands.Call{Actor: domain.Actor{PersonID: "operator", Role: domain.RoleOperator}}
	e.must(e.h.RegisterStructure(e.ctx, op, commands.RegisterStructure{StructureID: "s-ml", Name: "Mission Locale", Seats: 10}))
	for _, p := range []struct {
		id, name string
		role     domain.Role
	}{{"p-admin", "Awa Diallo", domain.RoleStructureAdmin}, {"p-zoe", "Zoé Martin", domain.RoleBeneficiary}, {"p-luc", "Luc Bernard", domain.RoleBeneficiary},
		{"p-cons", "Karim Haddad", domain.RoleCounsellor}, {"p-tutor", "Marc Petit", domain.RoleTutor}} {
		e.must(e.h.EnrolPerson(e.ctx, op, commands.EnrolPerson{StructureID: "s-ml", PersonID: p.id, Role: p.role, Name: p.name}))
		if _, err := e.creds.CreateUser(e.ctx, credentials.NewUser{Email: p.id + "@example.org", Password: benPassword, PersonID: p.id, Tenant: "s-ml", Role: p.role}); err != nil {
			e.t.Fatal(err)
		}
	}
	e.must(e.h.AssignCounsellor(e.ctx, e.as("p-admin", domain.RoleStructureAdmin), commands.AssignCounsellor{PortfolioID: "p-zoe", CounsellorID: "p-cons"}))
}

func (e *benEnv) as(person string, role domain.Role) commands.Call {
	return commands.Call{Actor: domain.Actor{PersonID: person, Tenant: "s-ml", Role: role}}
}

var benZoe = commands.Call{Actor: domain.Actor{PersonID: "p-zoe", Tenant: "s-ml", Role: domain.RoleBeneficiary}}

func (e *benEnv) must(res commands.Result, err error) commands.Result {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
	return res
}

// settle waits until the read models have applied every event.
func (e *benEnv) settle() {
	e.t.Helper()
	head, err := e.store.Head(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
	defer cancel()
	if err := e.runner.WaitFor(ctx, head); err != nil {
		e.t.Fatal(err)
	}
}

func (e *benEnv) head() eventstore.Position {
	e.t.Helper()
	h, err := e.store.Head(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	return h
}

// benBrowser is a person's benBrowser: it keeps cookies, follows no redirect
// (tests look at them), and sends this site's Origin with its forms.
type benBrowser struct {
	e      *benEnv
	c      *http.Client
	origin string
	lang   string
}

type benPage struct {
	status int
	header http.Header
	body   string
}

func (e *benEnv) benBrowser() *benBrowser {
	return &benBrowser{e: e, origin: e.url, c: &http.Client{Jar: &benJar{}, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// benMissingWord finds a catalog key shown as itself.
var benMissingWord = regexp.MustCompile(`\b(me|pv|rec|auth|form|error|nav)\.[a-z_]+(\.[a-z_]+)*\b`)

// benJar keeps one site's cookies whatever their expiry: the service's
// clock is fixed in the tests, the jar's would be today.
type benJar struct {
	mu      sync.Mutex
	cookies map[string]*http.Cookie
}

func (j *benJar) SetCookies(_ *url.URL, cs []*http.Cookie) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.cookies == nil {
		j.cookies = map[string]*http.Cookie{}
	}
	for _, c := range cs {
		if c.MaxAge < 0 || c.Value == "" {
			delete(j.cookies, c.Name)
			continue
		}
		j.cookies[c.Name] = &http.Cookie{Name: c.Name, Value: c.Value}
	}
}

func (j *benJar) Cookies(*url.URL) []*http.Cookie {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []*http.Cookie
	for _, c := range j.cookies {
		out = append(out, c)
	}
	return out
}

func (b *benBrowser) do(req *http.Request) benPage {
	b.e.t.Helper()
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		if k := benMissingWord.FindString(string(body)); k != "" {
			b.e.t.Errorf("%s %s shows the key %q: a word is missing from the catalogs", req.Method, req.URL.Path, k)
		}
	}
	return benPage{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

func (b *benBrowser) get(path string) benPage {
	req, _ := http.NewRequest("GET", b.e.url+path, nil)
	return b.do(req)
}

func (b *benBrowser) post(path string, form url.Values) benPage {
	req, _ := http.NewRequest("POST", b.e.url+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if b.origin != "" {
		req.Header.Set("Origin", b.origin)
	}
	return b.do(req)
}

// postFile posts a multipart form: the fields, then the file.
func (b *benBrowser) postFile(path string, form url.Values, name string, content []byte) benPage {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", b.e.url+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", b.origin)
	return b.do(req)
}

// login logs person in through the form and checks where it lands.
func (b *benBrowser) login(person, home string) {
	b.e.t.Helper()
	p := b.post("/login", url.Values{"email": {person + "@example.org"}, "password": {benPassword}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != home {
		b.e.t.Fatalf("login %s: %d %s\n%s", person, p.status, p.header.Get("Location"), p.body)
	}
}

// form returns the value of the hidden idempotency key of a form page.
func (p benPage) key(t *testing.T) string {
	t.Helper()
	_, rest, ok := strings.Cut(p.body, `name="idem" value="`)
	if !ok {
		t.Fatalf("no idempotency key in\n%s", p.body)
	}
	return rest[:32]
}

func benWant(t *testing.T, p benPage, status int, wants ...string) {
	t.Helper()
	if p.status != status {
		t.Fatalf("status %d, want %d\n%s", p.status, status, p.body)
	}
	for _, w := range wants {
		if !strings.Contains(p.body, w) {
			t.Fatalf("page lacks %q:\n%s", w, p.body)
		}
	}
}

func benWantRedirect(t *testing.T, p benPage, to string) {
	t.Helper()
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), to) {
		t.Fatalf("status %d to %q, want 303 to %s\n%s", p.status, p.header.Get("Location"), to, p.body)
	}
}
