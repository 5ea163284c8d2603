// Command parcours is the one binary of Parcours: the service and its
// administration tools.
//
//	parcours serve     run the service (embedded SQLite store by default)
//	parcours migrate   create or upgrade the store's schema
//	parcours verify    check the hash chain of a stream, or of every stream
//	parcours bench     measure the store (append) and print JSON lines
//	parcours rebuild   rebuild read models from the log, swap them in
//	parcours audit     the signed Merkle log: public-key, watch, bundle
//	parcours admin     create-structure, create-user, create-token, erase-person, export-person
//	parcours frameworks import --kind rncp|rome|esco FILE…
//
// Every command reads its configuration from flags, then PARCOURS_*
// environment variables, then defaults.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// exitError carries a process exit code other than 1.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageError(format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, args...)}
}

const usage = `parcours — an event-sourced e-portfolio ledger

Usage:
  parcours serve   [--addr 127.0.0.1:8080] [--data ./parcours-data] [--store URL]
  parcours migrate [--data DIR] [--store URL]
  parcours verify  [--data DIR] [--store URL] (--stream ID | --all)
  parcours verify  BUNDLE.zip [--key PUBLIC-KEY]   check an auditor's evidence bundle offline
  parcours verify  CREDENTIAL.json [--key did:key:…] [--status LIST.json]   check an Open Badges credential offline
  parcours audit public-key | watch --url URL [--key K] | bundle --portfolio P --dossier D [--out F]
  parcours bench append [--json] [--backend sqlite|postgres|kurrentdb] [--case NAME] ...
  parcours rebuild [NAME ...]       rebuild read models while the service serves the old ones
  parcours project --store postgres://…   run the projections alone (beside serve --projections=false)
  parcours admin create-structure --name N --seats S [--id ID]
  parcours admin create-user --structure ID --email E --role R --name N [--person-id ID]   (password: PARCOURS_PASSWORD or asked)
  parcours admin create-token --structure ID --role R --person-id P --name N [--enrol NAME]   prints the token once
  parcours admin erase-person ID     destroy a person's keys and files (GDPR erasure)
  parcours admin export-person ID [--out FILE]   one zip with all of a person's data
  parcours frameworks import --kind rncp|rome|esco [--label L] FILE…   import a reference framework (files or zips as published)

Run "parcours COMMAND -h" for the flags of a command.
`

func main() {
	defaultGC()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, log)
	if err == nil {
		return
	}
	code := 1
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
	}
	if !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "parcours:", err)
	} else {
		code = 0
	}
	os.Exit(code)
}

// defaultGC lets the heap grow to three times what is live between
// collections (GOGC=200) unless GOGC is set. Parcours allocates fast and
// keeps little: at the default pace the collector took a tenth of a
// rebuild's time (bench rebuild: about +9% events/s, peak RSS 167 -> 217
// MB for 10^6 events), and of the CPU that grouped appends need on a
// small machine (bench append --backend postgres, 64 writers: ratio
// 0.71 -> 0.80 on average over four pairs of runs). Set GOGC=100, or
// GOMEMLIMIT, to trade that speed for memory.
func defaultGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, log *slog.Logger) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError("no command given")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serve(ctx, rest, stdout, stderr, log)
	case "migrate":
		return migrate(ctx, rest, stdout, stderr)
	case "verify":
		return verify(ctx, rest, stdout, stderr)
	case "bench":
		return bench(ctx, rest, stdout, stderr)
	case "admin":
		return admin(ctx, rest, stdout, stderr)
	case "rebuild":
		return rebuild(ctx, rest, stdout, stderr, log)
	case "project":
		return project(ctx, rest, stdout, stderr, log)
	case "audit":
		return audit(ctx, rest, stdout, stderr, log)
	case "frameworks":
		return frameworksCmd(ctx, rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usageError("unknown command %q", cmd)
}
