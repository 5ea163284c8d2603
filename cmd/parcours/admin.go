package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/personaldata"
)

func admin(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError("admin: want a sub-command: create-structure, create-user, create-token, erase-person ID, export-person ID")
	}
	switch args[0] {
	case "create-structure":
		return adminCreateStructure(ctx, args[1:], stdout, stderr)
	case "create-user":
		return adminCreateUser(ctx, args[1:], stdout, stderr)
	case "create-token":
		return adminCreateToken(ctx, args[1:], stdout, stderr)
	case "erase-person":
		return adminErase(ctx, args[1:], stdout, stderr)
	case "export-person":
		return adminExport(ctx, args[1:], stdout, stderr)
	}
	return usageError("admin: unknown sub-command %q", args[0])
}

// parseWithID parses flags and one positional person ID, in either order.
func parseWithID(fs *flag.FlagSet, args []string) (string, error) {
	if err := fs.Parse(args); err != nil {
		return "", err
	}
	rest := fs.Args()
	if len(rest) > 0 && len(rest[0]) > 0 && rest[0][0] != '-' {
		if err := fs.Parse(rest[1:]); err != nil {
			return "", err
		}
		if fs.NArg() == 0 {
			return rest[0], personaldata.ValidateSubject(rest[0])
		}
	}
	return "", usageError("%s: want exactly one person ID", fs.Name())
}

func adminErase(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("admin erase-person", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sc := addStoreFlags(fs)
	id, err := parseWithID(fs, args)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, sc, false)
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer store.Close()
	v, err := openVault(ctx, sc, false)
	if err != nil {
		return err
	}
	defer v.close()
	if !domain.ValidID(id) {
		return usageError("admin erase-person: %q is not a valid person ID", id)
	}
	// The credentials are opened before anything is destroyed, so that a
	// store that cannot be opened stops the erasure before it starts.
	creds, err := openCredentials(ctx, sc, false, nil) // forgetting checks no enrolment
	if err != nil {
		return fmt.Errorf("open credentials: %w", err)
	}
	defer creds.Close()
	operator := domain.Actor{PersonID: "operator", Role: domain.RoleOperator}
	res, rep, err := commands.Erase(ctx, store, v.ring, v.files, id, operator, time.Now())
	if err != nil {
		return err // the credentials are untouched
	}
	fmt.Fprintf(stdout, "erased %s: key destroyed, %d files destroyed, recorded in %s at revision %d\n", id, rep.Files, res.Stream, res.Revision)
	// Then the logins, sessions and API tokens. If this fails, the data is
	// erased and the credentials not yet: running the command again erases
	// again (harmless) and retries this.
	f, err := creds.ForgetPerson(ctx, id)
	if err != nil {
		return fmt.Errorf("%s is erased, but their logins and API tokens could not all be removed (run erase-person again): %w", id, err)
	}
	fmt.Fprintf(stdout, "forgot %s's credentials: %d logins and %d sessions deleted, %d API tokens revoked\n", id, f.Accounts, f.Sessions, f.Tokens)
	return nil
}

func adminExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("admin export-person", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "zip file to write (default: export-ID.zip)")
	sc := addStoreFlags(fs)
	id, err := parseWithID(fs, args)
	if err != nil {
		return err
	}
	if *out == "" {
		*out = "export-" + id + ".zip"
	}
	store, err := openStore(ctx, sc, false)
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer store.Close()
	v, err := openVault(ctx, sc, false)
	if err != nil {
		return err
	}
	defer v.close()
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	sum, err := personaldata.Export(ctx, f, store, v.ring, v.files, id, time.Now())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(*out)
		return err
	}
	fmt.Fprintf(stdout, "exported %s to %s: %d events, %d files\n", id, *out, sum.Events, sum.Files)
	return nil
}
