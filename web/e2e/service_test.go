package e2e_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/credentials"
	"github.com/parcours/parcours/demo"
	"github.com/parcours/parcours/eventcodec"
	"github.com/parcours/parcours/eventstore/sqlite"
	"github.com/parcours/parcours/httpapi"
	"github.com/parcours/parcours/personaldata"
	"github.com/parcours/parcours/projections"
	"github.com/parcours/parcours/web"
)

// service is the whole of Parcours as `parcours serve --demo` wires it (the
// embedded store, keys and files, read models kept by a running runner,
// credentials, the API with the pages), on a loopback port, over a data
// directory seeded with the demo.
type service struct {
	url     string
	seeded  demo.Seeded
	pages   *web.Server // the pages, for the list of their routes
	stop    []func()    // in reverse order of start
	queries *projections.Queries
	h       *commands.Handler
	waitFor func(context.Context) error // until the read models show the whole log
}

// startService starts the service in dir; close stops it.
func startService(ctx context.Context, dir string) (s *service, err error) {
	s = &service{}
	defer func() {
		if err != nil {
			s.close()
		}
	}()
	path := filepath.Join(dir, "events.db")
	if _, err := sqlite.Migrate(ctx, path); err != nil {
		return s, err
	}
	store, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		return s, err
	}
	s.stop = append(s.stop, func() { store.Close() })
	ring, files, err := openVault(ctx, s, dir)
	if err != nil {
		return s, err
	}
	rmPath := filepath.Join(dir, "readmodels.db")
	if err := projections.MigrateSQLite(ctx, rmPath); err != nil {
		return s, err
	}
	rm, err := projections.OpenSQLite(ctx, rmPath)
	if err != nil {
		return s, err
	}
	s.stop = append(s.stop, func() { rm.Close() })
	h := commands.New(store, ring, commands.Options{})
	creds, err := openCredentials(ctx, s, dir, h)
	if err != nil {
		return s, err
	}
	codec := eventcodec.New(ring)
	runner, err := projections.NewRunnerWithOptions(store, codec, rm, nil, projections.RunnerOptions{OnErased: h.PersonErased}, projections.All()...)
	if err != nil {
		return s, err
	}
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() { runner.Run(rctx); close(done) }()
	s.stop = append(s.stop, func() { cancel(); <-done })

	// The demo, as serve --demo seeds it; the pages open once the read
	// models show all of it.
	if s.seeded, err = demo.Seed(ctx, demo.Deps{Commands: h, Creds: creds, Files: files}, dir); err != nil {
		return s, err
	}
	if err := importFrameworks(ctx, h); err != nil {
		return s, fmt.Errorf("import the frameworks: %w", err)
	}
	head, err := store.Head(ctx)
	if err != nil {
		return s, err
	}
	if err := runner.WaitFor(ctx, head); err != nil {
		return s, fmt.Errorf("wait for the read models: %w", err)
	}
	queries := projections.NewQueries(rm, codec)
	s.queries, s.h = queries, h
	s.waitFor = func(ctx context.Context) error {
		head, err := store.Head(ctx)
		if err == nil {
			err = runner.WaitFor(ctx, head)
		}
		return err
	}
	pages, err := web.New(web.Deps{Commands: h, Queries: queries, Files: files, Auth: creds, Creds: creds, Waiter: runner,
		DemoPage: s.seeded.PagePath, Keyring: ring, Store: store, MaxUploadBytes: 8 << 20})
	if err != nil {
		return s, err
	}
	s.pages = pages
	log := slog.New(slog.DiscardHandler)
	api := httpapi.New(httpapi.Deps{Log: log, Commands: h, Queries: queries, Waiter: runner, Files: files, Pages: pages,
		Auth: httpapi.CredentialsAuth(creds, log), Creds: creds, Keyring: ring, Store: store, MaxUploadBytes: 8 << 20,
		Status: runner.Status, Poisoned: runner.Poisoned})
	srv := httptest.NewServer(api.Handler())
	s.stop = append(s.stop, func() { api.EndStreams(); srv.Close() })
	s.url = srv.URL
	return s, nil
}

func openVault(ctx context.Context, s *service, dir string) (*personaldata.Keyring, *personaldata.Files, error) {
	kpath := filepath.Join(dir, "keys.db")
	if err := personaldata.MigrateSQLiteKeys(ctx, kpath); err != nil {
		return nil, nil, err
	}
	keys, err := personaldata.OpenSQLiteKeys(ctx, kpath)
	if err != nil {
		return nil, nil, err
	}
	s.stop = append(s.stop, func() { keys.Close() })
	master, err := personaldata.LoadMasterKey("", dir)
	if err != nil {
		return nil, nil, err
	}
	ring, err := personaldata.NewKeyring(keys, master)
	if err != nil {
		return nil, nil, err
	}
	files, err := personaldata.NewFiles(filepath.Join(dir, "files"), ring)
	return ring, files, err
}

// openCredentials opens the logins with cheap password hashes: the demo
// creates seven accounts and the tests log in often, under the race
// detector.
func openCredentials(ctx context.Context, s *service, dir string, h *commands.Handler) (*credentials.Service, error) {
	cpath := filepath.Join(dir, "credentials.db")
	if err := credentials.MigrateSQLite(ctx, cpath); err != nil {
		return nil, err
	}
	cstore, err := credentials.OpenSQLite(ctx, cpath)
	if err != nil {
		return nil, err
	}
	creds := credentials.New(cstore, credentials.Options{Params: credentials.Params{Time: 1, Memory: 64, Threads: 1},
		Member: h.IsMember, AccountRate: credentials.Rate{PerMinute: 600, Burst: 100}, AddressRate: credentials.Rate{PerMinute: 600, Burst: 100}})
	s.stop = append(s.stop, func() { creds.Close() })
	return creds, nil
}

func (s *service) close() {
	for i := len(s.stop) - 1; i >= 0; i-- {
		s.stop[i]()
	}
}

// artifacts is where screenshots go: $PARCOURS_ARTIFACTS (.ci/run sets
// ./artifacts), else a directory of the test run's.
func artifacts(fallback string) (string, error) {
	dir := os.Getenv("PARCOURS_ARTIFACTS")
	if dir == "" {
		dir = fallback
	}
	return dir, os.MkdirAll(dir, 0o755)
}
