package commands_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/eventstore/sqlite"
	"github.com/parcours/parcours/personaldata"
)

// world is a real SQLite store, a real key ring and a handler with a clock
// the test moves, plus one structure with a person in every role.
type world struct {
	t     *testing.T
	ctx   context.Context
	store *sqlite.Store
	ring  *personaldata.Keyring
	files *personaldata.Files
	h     *commands.Handler
	now   time.Time

	operator, admin, counsellor, counsellor2, tutor, auditor, bene, bene2 domain.Actor
}

const tenant = "s-mission-locale"

func newWorld(t *testing.T) *world {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
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
	w := &world{t: t, ctx: ctx, store: store, ring: ring, files: files, now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	w.h = commands.New(store, ring, commands.Options{Now: func() time.Time { return w.now }})
	w.operator = domain.Actor{PersonID: "operator", Role: domain.RoleOperator}
	w.mustDo(w.h.RegisterStructure(ctx, w.call(w.operator), commands.RegisterStructure{StructureID: tenant, Name: "Mission Locale du Vieux-Port", Seats: 3}))
	enrol := func(id string, role domain.Role, name string) domain.Actor {
		w.mustDo(w.h.EnrolPerson(ctx, w.call(w.operator), commands.EnrolPerson{StructureID: tenant, PersonID: id, Role: role, Name: name}))
		return domain.Actor{PersonID: id, Tenant: tenant, Role: role}
	}
	w.admin = enrol("p-admin", domain.RoleStructureAdmin, "Awa Diallo")
	w.counsellor = enrol("p-cons", domain.RoleCounsellor, "Karim Benali")
	w.counsellor2 = enrol("p-cons2", domain.RoleCounsellor, "Julie Roux")
	w.tutor = enrol("p-tutor", domain.RoleTutor, "Marc Petit")
	w.auditor = enrol("p-audit", domain.RoleAuditor, "Claire Moreau")
	w.bene = enrol("p-zoe", domain.RoleBeneficiary, "Zoé Martin")
	w.bene2 = enrol("p-luc", domain.RoleBeneficiary, "Luc Girard")
	w.mustDo(w.h.AssignCounsellor(ctx, w.call(w.admin), commands.AssignCounsellor{PortfolioID: "p-zoe", CounsellorID: "p-cons"}))
	return w
}

func (w *world) call(a domain.Actor) commands.Call { return commands.Call{Actor: a} }

func (w *world) mustDo(res commands.Result, err error) commands.Result {
	w.t.Helper()
	if err != nil {
		w.t.Fatalf("command failed: %v", err)
	}
	return res
}

// refused asserts that err is a domain error of kind (and, if field is
// set, about that field), and that the stream did not move.
func (w *world) refused(err error, kind domain.Kind, field string, stream string, before uint64) {
	w.t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) || de.Kind != kind {
		w.t.Fatalf("want a %s refusal, got %v", kind, err)
	}
	if field != "" && de.Field != field {
		w.t.Fatalf("refusal names field %q, want %q (%v)", de.Field, field, err)
	}
	if got := w.revision(stream); got != before {
		w.t.Fatalf("refused command moved %s from revision %d to %d", stream, before, got)
	}
}

// revision returns the last revision of stream (or ^0 if none).
func (w *world) revision(stream string) uint64 {
	events, err := w.store.ReadStream(w.ctx, stream, eventstore.ReadOptions{Direction: eventstore.Backwards, FromEnd: true, Limit: 1})
	if errors.Is(err, eventstore.ErrStreamNotFound) {
		return ^uint64(0)
	}
	if err != nil {
		w.t.Fatal(err)
	}
	return events[0].Revision
}

// portfolio returns a copy of facts about portfolio id as its owner sees it.
func (w *world) read(a domain.Actor, id string, fn func(*domain.Portfolio)) error {
	return w.h.ReadPortfolio(w.ctx, a, id, "", func(p *domain.Portfolio, _ uint64) error { fn(p); return nil })
}

func (w *world) experience(id string) domain.ExperienceInput {
	return domain.ExperienceInput{Kind: domain.KindProfessional, Context: domain.ContextFormal, From: "2023-01-02", To: "2023-06-30",
		Occupation: "ROME:D1106", Text: domain.ExperienceText{Title: "Vendeuse " + id, Organisation: "Boulangerie du Port"}}
}
