package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/parcours/parcours/auditlog"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/httpapi"
	"github.com/parcours/parcours/web"
)

func serve(ctx context.Context, args []string, stdout, stderr io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", env("PARCOURS_ADDR", "127.0.0.1:8080"), "listen address (env PARCOURS_ADDR)")
	metrics := fs.String("metrics", env("PARCOURS_METRICS", "auto"), "who reads /metrics: public, operator, or auto (public on a loopback address, else operator) (env PARCOURS_METRICS)")
	maxUpload := fs.Int64("max-upload", int64(envInt("PARCOURS_MAX_UPLOAD", httpapi.DefaultMaxUpload)), "largest evidence file in bytes (env PARCOURS_MAX_UPLOAD)")
	demoMode := fs.Bool("demo", false, "start with demo data (people in every role, a rich portfolio) in a data directory of its own, "+demoDataDir+" unless --data is given (demo.go)")
	projectHere := fs.Bool("projections", envBool("PARCOURS_PROJECTIONS", true), "run the projections in this process; false with the PostgreSQL store when `parcours project` workers run them (env PARCOURS_PROJECTIONS)")
	migrate := fs.Bool("migrate", false, "create or upgrade the schemas of a server store (PostgreSQL) before serving; the embedded default always does")
	sc := addStoreFlags(fs)
	ac := addAuditFlags(fs)  // the signed Merkle log (audit.go)
	nc := addNotifyFlags(fs) // e-mail digests and inactivity notices (notify.go)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *demoMode {
		if err := demoConfig(fs, sc); err != nil {
			return err
		}
	}
	kind, err := sc.kind()
	if err != nil {
		return err
	}
	nc.PublicURL = sc.PublicURL // as given: the e-mails' links default to the listener's address
	if sc.PublicURL == "" {
		sc.PublicURL = "http://" + *addr
	}
	if !*projectHere && kind != "postgres" {
		return usageError("serve --projections=false: only with the PostgreSQL store, whose read models `parcours project` can keep up to date from another process")
	}
	if *metrics != "auto" && *metrics != "public" && *metrics != "operator" {
		return usageError("--metrics %q: want auto, public or operator", *metrics)
	}
	// The embedded default migrates itself so that a newcomer has nothing
	// to set up; server stores are migrated by `parcours migrate`, or here
	// with --migrate.
	sys, err := openSystem(ctx, sc, kind == "sqlite" || *migrate, log)
	if err != nil {
		return err
	}
	defer sys.close()
	runCtx, stopRunner := context.WithCancel(ctx)
	runnerDone := make(chan error, 1)
	if *projectHere {
		go func() { runnerDone <- sys.runner.Run(runCtx) }()
	} else {
		runnerDone <- nil
		log.Info("projections run elsewhere (parcours project): this process serves the read models only")
	}
	defer func() {
		stopRunner()
		if err := <-runnerDone; err != nil && !errors.Is(err, context.Canceled) {
			log.Error("projections stopped", slog.Any("err", err))
		}
	}()
	alog, stopAudit, err := startAuditLog(ctx, sc, ac, sys.store, log) // follows the global log next to the runner (audit.go)
	if err != nil {
		return err
	}
	defer stopAudit()
	var shown shownDemo
	if *demoMode {
		if shown, err = startDemo(ctx, sys, sc.Data); err != nil {
			return err
		}
	}

	pages, err := web.New(web.Deps{Log: log, Commands: sys.h, Queries: sys.queries, Files: sys.vault.files,
		Auth: sys.creds, Creds: sys.creds, Waiter: sys.runner, DemoPage: shown.PagePath,
		Keyring: sys.vault.ring, Store: sys.store, MaxUploadBytes: *maxUpload})
	if err != nil {
		return fmt.Errorf("pages: %w", err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	api := httpapi.New(httpapi.Deps{
		Log: log, Commands: sys.h, Queries: sys.queries, Waiter: sys.runner, Files: sys.vault.files, Pages: pages,
		Auth: httpapi.CredentialsAuth(sys.creds, log), Creds: sys.creds,
		Keyring: sys.vault.ring, Store: sys.store, MaxUploadBytes: *maxUpload,
		Status: sys.runner.Status, Poisoned: sys.runner.Poisoned,
		MetricsPublic: *metrics == "public" || *metrics == "auto" && isLoopback(ln.Addr()),
		Ready:         func(ctx context.Context) error { return ready(ctx, sys) },
		Extra:         map[string]http.Handler{"/v1/audit": alog.Handler()}, // public read: GET public-key, checkpoint, inclusion, consistency
		Bundles:       bundles(alog, sys),
	})
	if *projectHere { // where the read models are kept: the outbox is filled here
		stopNotify, err := startNotify(ctx, nc, sys, ln.Addr().String(), log)
		if err != nil {
			return err
		}
		defer stopNotify()
	}
	log.Info("parcours serving", slog.String("addr", "http://"+ln.Addr().String()), slog.String("store", kind), slog.String("data", sc.Data))
	fmt.Fprintf(stdout, "Parcours is running: open http://%s/\n", ln.Addr())
	shown.print(stdout, "http://"+ln.Addr().String())
	return serveHTTP(ctx, ln, api, log)
}

// Timeouts of every phase of a request: reading the headers, reading the
// body, writing the answer, waiting on an idle connection, finishing the
// requests in flight at shutdown. Long transfers (uploads, downloads, the
// event feed) extend their own deadlines; handlers time out after 60 s.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 60 * time.Second
	writeTimeout      = 75 * time.Second
	idleTimeout       = 120 * time.Second
	shutdownTimeout   = 30 * time.Second
)

// serveHTTP serves api on ln until ctx ends, then shuts down gracefully:
// the listener closes, event feeds end (their clients resume elsewhere
// with Last-Event-ID), the requests in flight finish (each write they
// acknowledge is durable in the store), and idle connections close.
func serveHTTP(ctx context.Context, ln net.Listener, api *httpapi.Server, log *slog.Logger) error {
	srv := &http.Server{
		Handler:           api.Handler(),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	srv.RegisterOnShutdown(api.EndStreams)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// isLoopback reports whether addr is on the loopback interface.
func isLoopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// readyLag is how far behind the read models may be for /readyz to pass.
const readyLag = 30 * time.Second

// ready reports whether the service can serve: the store answers and no
// read model is stopped or more than readyLag behind.
func ready(ctx context.Context, sys *system) error {
	if _, err := sys.store.Head(ctx); err != nil {
		return fmt.Errorf("event store: %w", err)
	}
	status, err := sys.runner.Status(ctx)
	if err != nil {
		return fmt.Errorf("read models: %w", err)
	}
	for _, s := range status {
		if s.State == "stopped" {
			return fmt.Errorf("read model %s is stopped: %s", s.Name, s.Error)
		}
		if s.LagSeconds > readyLag.Seconds() {
			return fmt.Errorf("read model %s is %.0fs behind", s.Name, s.LagSeconds)
		}
	}
	return nil
}

// bundles builds a VAE dossier's evidence bundle from the audit log.
func bundles(alog *auditlog.Log, sys *system) httpapi.BundleFunc {
	return func(ctx context.Context, portfolio, dossier string, w io.Writer) error {
		src := auditlog.Sources{Log: alog, Store: sys.store, Codec: sys.codec, Files: sys.vault.files}
		_, err := auditlog.BuildBundle(ctx, src, portfolio, dossier, w)
		switch {
		case errors.Is(err, auditlog.ErrPending):
			return httpapi.ErrBundlePending
		case errors.Is(err, auditlog.ErrNotFound):
			return &domain.Error{Kind: domain.KindConflict, Reason: "the dossier is not submitted: a bundle exists only after submission"}
		}
		return err
	}
}
