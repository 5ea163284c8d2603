package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
)

// project runs the projections alone, without the API: a worker for
// deployments on PostgreSQL whose API processes serve with
// --projections=false. Several workers may run at once: each read model
// is run by the one holding its lease, and another takes it over when
// that one dies. It stops on SIGTERM or SIGINT, releasing its leases.
func project(ctx context.Context, args []string, stdout, stderr io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("project", flag.ContinueOnError)
	fs.SetOutput(stderr)
	migrate := fs.Bool("migrate", false, "create or upgrade the schemas before running")
	sc := addStoreFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	kind, err := sc.kind()
	if err != nil {
		return err
	}
	if kind != "postgres" {
		return usageError("project: a worker of its own needs read models that several processes share: use the PostgreSQL store (--store postgres://…); with the %s store, serve runs the projections", kind)
	}
	sys, err := openSystem(ctx, sc, *migrate, log)
	if err != nil {
		return err
	}
	defer sys.close()
	log.Info("parcours projecting", slog.String("store", kind))
	fmt.Fprintln(stdout, "Parcours projections running: read models in PostgreSQL (stop with SIGTERM)")
	if err := sys.runner.Run(ctx); err != nil {
		return fmt.Errorf("projections: %w", err)
	}
	return nil
}

// envBool reads a boolean PARCOURS_* variable (as strconv.ParseBool
// does), def when it is unset or unreadable.
func envBool(name string, def bool) bool {
	if b, err := strconv.ParseBool(env(name, "")); err == nil {
		return b
	}
	return def
}
