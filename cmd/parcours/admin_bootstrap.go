package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/credentials"
	"github.com/parcours/parcours/domain"
)

// The bootstrap commands set up a structure, its first people and apps
// without the API, acting as the platform operator. Like the API, they go
// through the command handlers, so every change is an event in the log.

// operatorCall is a command call by the platform operator at the console.
func operatorCall(key string) commands.Call {
	return commands.Call{Actor: domain.Actor{PersonID: "operator", Role: domain.RoleOperator}, IdempotencyKey: key}
}

// openAdminSystem opens the service's parts for a bootstrap command; the
// embedded default migrates itself, as `parcours serve` does, so that a
// new data directory can be set up before the first start.
func openAdminSystem(ctx context.Context, sc *storeConfig, stderr io.Writer) (*system, error) {
	kind, err := sc.kind()
	if err != nil {
		return nil, err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return openSystem(ctx, sc, kind == "sqlite", log)
}

// parseFlags parses flags and refuses positional arguments, then checks
// that the required flags were given.
func parseFlags(fs *flag.FlagSet, args []string, required ...string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	for _, name := range required {
		if fs.Lookup(name).Value.String() == "" {
			return usageError("%s: --%s is required", fs.Name(), name)
		}
	}
	return nil
}

func adminCreateStructure(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("admin create-structure", flag.ContinueOnError)
	fs.SetOutput(stderr)
	name := fs.String("name", "", "the structure's name (required)")
	seats := fs.Int("seats", 0, "seats: how many beneficiaries it may follow at once (required)")
	id := fs.String("id", "", "structure ID (default: generated)")
	sc := addStoreFlags(fs)
	if err := parseFlags(fs, args, "name"); err != nil {
		return err
	}
	if *seats < 1 {
		return usageError("admin create-structure: --seats must be at least 1")
	}
	sys, err := openAdminSystem(ctx, sc, stderr)
	if err != nil {
		return err
	}
	defer sys.close()
	res, err := sys.h.RegisterStructure(ctx, operatorCall(""), commands.RegisterStructure{StructureID: *id, Name: *name, Seats: *seats})
	if err != nil {
		return fmt.Errorf("register structure: %w", err)
	}
	fmt.Fprintf(stdout, "structure %s registered with %d seats\n", res.ID, *seats)
	return nil
}

func adminCreateUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("admin create-user", flag.ContinueOnError)
	fs.SetOutput(stderr)
	structure := fs.String("structure", "", "structure ID (required)")
	email := fs.String("email", "", "login email (required)")
	role := fs.String("role", "", "beneficiary, counsellor, tutor, structure_admin or auditor (required)")
	name := fs.String("name", "", "the person's name, as the structure knows it (required unless already enrolled)")
	personID := fs.String("person-id", "", "person ID (default: generated); an active member in --role is not enrolled again")
	sc := addStoreFlags(fs)
	if err := parseFlags(fs, args, "structure", "email", "role"); err != nil {
		return err
	}
	addr, err := credentials.NormaliseEmail(*email)
	if err != nil {
		return usageError("admin create-user: --email: %v", err)
	}
	if r := domain.Role(*role); !r.Valid() {
		return usageError("admin create-user: --role %q: want beneficiary, counsellor, tutor, structure_admin or auditor", *role)
	}
	password, err := readPassword(ctx, stderr)
	if err != nil {
		return err
	}
	if len(password) < credentials.MinPasswordLen || len(password) > credentials.MaxPasswordLen {
		return usageError("admin create-user: the password must be %d to %d bytes long", credentials.MinPasswordLen, credentials.MaxPasswordLen)
	}
	sys, err := openAdminSystem(ctx, sc, stderr)
	if err != nil {
		return err
	}
	defer sys.close()
	if taken, err := sys.creds.AccountExists(ctx, addr); err != nil || taken {
		if err != nil {
			return err
		}
		return fmt.Errorf("an account with the email %s exists already", addr)
	}
	if err := refuseErased(ctx, sys, *personID); err != nil {
		return err
	}
	pid, err := enrol(ctx, sys, *structure, *personID, domain.Role(*role), *name, addr)
	if err != nil {
		return err
	}
	if _, err := sys.creds.CreateUser(ctx, credentials.NewUser{Email: addr, Password: password, PersonID: pid, Tenant: *structure, Role: domain.Role(*role)}); err != nil {
		return fmt.Errorf("person %s is enrolled, but creating the login failed (run the command again): %w", pid, err)
	}
	fmt.Fprintf(stdout, "person %s is %s of structure %s and logs in as %s\n", pid, *role, *structure, addr)
	return nil
}

// enrol enrols a person unless they are already an active member in the
// role, and returns their ID. The idempotency key makes a retry after a
// failure find the same person (and the same generated ID).
func enrol(ctx context.Context, sys *system, structure, personID string, role domain.Role, name, email string) (string, error) {
	if personID != "" {
		ok, err := sys.h.IsMember(ctx, structure, personID, role)
		if err != nil || ok {
			return personID, err
		}
	}
	if name == "" {
		return "", usageError("--name is required to enrol a new person")
	}
	res, err := sys.h.EnrolPerson(ctx, operatorCall("bootstrap enrol "+structure+" "+personID+" "+email),
		commands.EnrolPerson{StructureID: structure, PersonID: personID, Role: role, Name: name, Email: email})
	if err != nil {
		return "", fmt.Errorf("enrol in %s: %w", structure, err)
	}
	return res.ID, nil
}

// refuseErased refuses a login or a token acting as an erased person:
// whoever held it would act as them, and read what the log keeps of their
// portfolio in clear (its structure, dates and codes).
func refuseErased(ctx context.Context, sys *system, personID string) error {
	if personID == "" {
		return nil // a new person
	}
	gone, err := sys.vault.ring.WasErased(ctx, personID)
	if err != nil {
		return fmt.Errorf("check whether %s was erased: %w", personID, err)
	}
	if gone {
		return fmt.Errorf("person %s was erased: no login or token can act as them any more; enrol the person again under a new ID", personID)
	}
	return nil
}

func adminCreateToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("admin create-token", flag.ContinueOnError)
	fs.SetOutput(stderr)
	structure := fs.String("structure", "", "structure ID (required)")
	role := fs.String("role", "", "the role the app acts in: that of its person's enrolment (required)")
	personID := fs.String("person-id", "", "the app person the token acts as (required)")
	name := fs.String("name", "", "what the token is for, e.g. \"CRM sync\" (required)")
	enrolAs := fs.String("enrol", "", "enrol the app person first under this name, unless already an active member in --role")
	sc := addStoreFlags(fs)
	if err := parseFlags(fs, args, "structure", "role", "person-id", "name"); err != nil {
		return err
	}
	sys, err := openAdminSystem(ctx, sc, stderr)
	if err != nil {
		return err
	}
	defer sys.close()
	if err := refuseErased(ctx, sys, *personID); err != nil {
		return err
	}
	if *enrolAs != "" {
		if _, err := enrol(ctx, sys, *structure, *personID, domain.Role(*role), *enrolAs, ""); err != nil {
			return err
		}
	}
	t, secret, err := sys.creds.CreateToken(ctx, operatorCall("").Actor,
		credentials.NewToken{Tenant: *structure, Name: *name, PersonID: *personID, Role: domain.Role(*role)})
	if err != nil {
		return fmt.Errorf("create token: %w", err)
	}
	fmt.Fprintf(stderr, "token %s acts as %s (%s) in structure %s; it is shown once, keep it secret:\n", t.ID, t.PersonID, t.Role, t.Tenant)
	fmt.Fprintln(stdout, secret)
	return nil
}
