package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/parcours/parcours/auditlog"
)

func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sc := addStoreFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	where, v, err := migrateStore(ctx, sc)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	fmt.Fprintf(stdout, "%s: schema at version %d\n", where, v)
	vault, err := openVault(ctx, sc, true)
	if err != nil {
		return fmt.Errorf("migrate keys: %w", err)
	}
	fmt.Fprintln(stdout, "personal-data keys: schema up to date")
	if err := vault.close(); err != nil {
		return err
	}
	creds, err := openCredentials(ctx, sc, true, nil)
	if err != nil {
		return fmt.Errorf("migrate credentials: %w", err)
	}
	fmt.Fprintln(stdout, "credentials: schema up to date")
	if err := creds.Close(); err != nil {
		return err
	}
	rm, err := openReadModels(ctx, sc, true)
	if err != nil {
		return fmt.Errorf("migrate read models: %w", err)
	}
	fmt.Fprintln(stdout, "read models: schema up to date")
	if err := rm.Close(); err != nil {
		return err
	}
	if err := os.MkdirAll(sc.Data, 0o700); err != nil {
		return fmt.Errorf("migrate audit log: create data directory: %w", err)
	}
	if err := auditlog.Migrate(ctx, filepath.Join(sc.Data, "auditlog.db")); err != nil {
		return fmt.Errorf("migrate audit log: %w", err)
	}
	fmt.Fprintln(stdout, "audit log: schema up to date")
	return nil
}
