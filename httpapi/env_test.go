package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventcodec"
	"github.com/parcours/parcours/eventstore/sqlite"
	"github.com/parcours/parcours/httpapi"
	"github.com/parcours/parcours/personaldata"
	"github.com/parcours/parcours/projections"
)

// api is a real service on a loopback port over a real data directory.
type api struct {
	t      *testing.T
	url    string
	server *httpapi.Server
	h      *commands.Handler
	store  *sqlite.Store
	files  *personaldata.Files
	now    time.Time
}

// tokenAuth maps bearer tokens to actors. It stands in for the credentials
// service in tests of the routes; the credentials package has its own.
type tokenAuth map[string]domain.Actor

func (m tokenAuth) Authenticate(r *http.Request) (domain.Actor, bool, error) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return domain.Actor{}, false, nil
	}
	a, ok := m[tok]
	if !ok {
		return domain.Actor{}, false, errBadToken
	}
	return a, true, nil
}

type badToken struct{}

func (badToken) Error() string { return "bad token" }

var errBadToken = badToken{}

func newAPI(t *testing.T) *api {
	t.Helper()
	a := newEnv(t)
	a.t = t
	return a
}

// newEnv is newAPI for any test (fuzz targets too).
func newEnv(t testing.TB) *api {
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
	codec := eventcodec.New(ring)
	a := &api{store: store, files: files, now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	a.h = commands.New(store, ring, commands.Options{Now: func() time.Time { return a.now }})
	runner, err := projections.NewRunner(store, codec, rm, nil, projections.All()...)
	if err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { runner.Run(rctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	a.server = httpapi.New(httpapi.Deps{Commands: a.h, Queries: projections.NewQueries(rm, codec), Waiter: runner, Files: files, Auth: tokens,
		Keyring: ring, Store: store, Status: runner.Status, Poisoned: runner.Poisoned, MaxUploadBytes: 1 << 20, FeedHeartbeat: 100 * time.Millisecond,
		// The audit log has its own tests (auditlog, cmd/parcours); here a
		// dossier is never anchored yet.
		Bundles: func(context.Context, string, string, io.Writer) error { return httpapi.ErrBundlePending }})
	srv := httptest.NewServer(a.server.Handler())
	t.Cleanup(srv.Close)
	t.Cleanup(a.server.EndStreams) // before srv.Close, which waits for feeds
	a.url = srv.URL
	return a
}

var tokens = tokenAuth{
	"operator": {PersonID: "operator", Role: domain.RoleOperator},
	"admin":    {PersonID: "p-admin", Tenant: "s-ml", Role: domain.RoleStructureAdmin},
	"cons":     {PersonID: "p-cons", Tenant: "s-ml", Role: domain.RoleCounsellor},
	"tutor":    {PersonID: "p-tutor", Tenant: "s-ml", Role: domain.RoleTutor},
	"auditor":  {PersonID: "p-audit", Tenant: "s-ml", Role: domain.RoleAuditor},
	"zoe":      {PersonID: "p-zoe", Tenant: "s-ml", Role: domain.RoleBeneficiary},
	"luc":      {PersonID: "p-luc", Tenant: "s-ml", Role: domain.RoleBeneficiary},
	"other":    {PersonID: "p-admin", Tenant: "s-other", Role: domain.RoleStructureAdmin},
	// For the authorization matrix.
	"cons2":    {PersonID: "p-cons2", Tenant: "s-ml", Role: domain.RoleCounsellor},
	"tutorout": {PersonID: "p-tutor2", Tenant: "s-ml", Role: domain.RoleTutor},
	"tutorexp": {PersonID: "p-tutor3", Tenant: "s-ml", Role: domain.RoleTutor},
	"auditexp": {PersonID: "p-audit2", Tenant: "s-ml", Role: domain.RoleAuditor},
	"oadmin":   {PersonID: "p-oadmin", Tenant: "s-other", Role: domain.RoleStructureAdmin},
	"obene":    {PersonID: "p-obene", Tenant: "s-other", Role: domain.RoleBeneficiary},
}
