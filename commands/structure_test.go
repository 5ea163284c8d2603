package commands_test

import (
	"testing"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

func TestStructureCommands(t *testing.T) {
	w := newWorld(t)
	stream := domain.StructureStream(tenant)
	// Given 3 seats and 2 active beneficiaries, when a third enrols, it fits;
	// a fourth is refused for seats.
	w.mustDo(w.h.EnrolPerson(w.ctx, w.call(w.admin), commands.EnrolPerson{StructureID: tenant, PersonID: "p-ines", Role: domain.RoleBeneficiary, Name: "Inès"}))
	rev := w.revision(stream)
	_, err := w.h.EnrolPerson(w.ctx, w.call(w.admin), commands.EnrolPerson{StructureID: tenant, PersonID: "p-noe", Role: domain.RoleBeneficiary, Name: "Noé"})
	w.refused(err, domain.KindConflict, "seats", stream, rev)
	// Staff do not count against seats.
	w.mustDo(w.h.EnrolPerson(w.ctx, w.call(w.admin), commands.EnrolPerson{StructureID: tenant, PersonID: "p-cons3", Role: domain.RoleCounsellor, Name: "Eve"}))
	// Seats cannot fall below those in use.
	rev = w.revision(stream)
	_, err = w.h.ChangeSeats(w.ctx, w.call(w.admin), commands.ChangeSeats{StructureID: tenant, Seats: 2})
	w.refused(err, domain.KindConflict, "seats", stream, rev)
	// A leaver frees a seat; their portfolio stays.
	w.mustDo(w.h.LeaveStructure(w.ctx, w.call(w.admin), commands.LeaveStructure{StructureID: tenant, PersonID: "p-ines"}))
	w.mustDo(w.h.EnrolPerson(w.ctx, w.call(w.admin), commands.EnrolPerson{StructureID: tenant, PersonID: "p-noe", Role: domain.RoleBeneficiary, Name: "Noé"}))
	ines := domain.Actor{PersonID: "p-ines", Tenant: tenant, Role: domain.RoleBeneficiary}
	if err := w.read(ines, "p-ines", func(p *domain.Portfolio) {}); err != nil {
		t.Fatalf("a leaver's portfolio is no longer theirs: %v", err)
	}
	w.mustDo(w.h.ChangeSeats(w.ctx, w.call(w.admin), commands.ChangeSeats{StructureID: tenant, Seats: 10}))

	refusals := []struct {
		name  string
		actor domain.Actor
		cmd   func(commands.Call) (commands.Result, error)
		kind  domain.Kind
		field string
	}{
		{"counsellor enrols", w.counsellor, func(c commands.Call) (commands.Result, error) {
			return w.h.EnrolPerson(w.ctx, c, commands.EnrolPerson{StructureID: tenant, PersonID: "p-x", Role: domain.RoleTutor, Name: "X"})
		}, domain.KindForbidden, ""},
		{"beneficiary changes seats", w.bene, func(c commands.Call) (commands.Result, error) {
			return w.h.ChangeSeats(w.ctx, c, commands.ChangeSeats{StructureID: tenant, Seats: 50})
		}, domain.KindForbidden, ""},
		{"admin of another structure", domain.Actor{PersonID: "p-admin", Tenant: "s-other", Role: domain.RoleStructureAdmin}, func(c commands.Call) (commands.Result, error) {
			return w.h.ChangeSeats(w.ctx, c, commands.ChangeSeats{StructureID: tenant, Seats: 50})
		}, domain.KindNotFound, ""},
		{"admin registers a structure", w.admin, func(c commands.Call) (commands.Result, error) {
			return w.h.RegisterStructure(w.ctx, c, commands.RegisterStructure{StructureID: "s-new", Name: "N", Seats: 1})
		}, domain.KindForbidden, ""},
		{"unknown role", w.admin, func(c commands.Call) (commands.Result, error) {
			return w.h.EnrolPerson(w.ctx, c, commands.EnrolPerson{StructureID: tenant, PersonID: "p-x", Role: "king", Name: "X"})
		}, domain.KindInvalid, "role"},
		{"no name", w.admin, func(c commands.Call) (commands.Result, error) {
			return w.h.EnrolPerson(w.ctx, c, commands.EnrolPerson{StructureID: tenant, PersonID: "p-x", Role: domain.RoleTutor, Name: "  "})
		}, domain.KindInvalid, "name"},
		{"bad email", w.admin, func(c commands.Call) (commands.Result, error) {
			return w.h.EnrolPerson(w.ctx, c, commands.EnrolPerson{StructureID: tenant, PersonID: "p-x", Role: domain.RoleTutor, Name: "X", Email: "not-an-email"})
		}, domain.KindInvalid, "email"},
		{"bad person id", w.admin, func(c commands.Call) (commands.Result, error) {
			return w.h.EnrolPerson(w.ctx, c, commands.EnrolPerson{StructureID: tenant, PersonID: "p x/..", Role: domain.RoleTutor, Name: "X"})
		}, domain.KindInvalid, "person_id"},
		{"already active", w.admin, func(c commands.Call) (commands.Result, error) {
			return w.h.EnrolPerson(w.ctx, c, commands.EnrolPerson{StructureID: tenant, PersonID: "p-tutor", Role: domain.RoleTutor, Name: "X"})
		}, domain.KindConflict, ""},
		{"zero seats", w.admin, func(c commands.Call) (commands.Result, error) {
			return w.h.ChangeSeats(w.ctx, c, commands.ChangeSeats{StructureID: tenant, Seats: 0})
		}, domain.KindInvalid, "seats"},
		{"leave of a non-member", w.admin, func(c commands.Call) (commands.Result, error) {
			return w.h.LeaveStructure(w.ctx, c, commands.LeaveStructure{StructureID: tenant, PersonID: "p-ghost"})
		}, domain.KindNotFound, "person_id"},
		{"register twice", w.operator, func(c commands.Call) (commands.Result, error) {
			return w.h.RegisterStructure(w.ctx, c, commands.RegisterStructure{StructureID: tenant, Name: "Again", Seats: 1})
		}, domain.KindConflict, ""},
	}
	for _, r := range refusals {
		t.Run(r.name, func(t *testing.T) {
			w.t = t
			before := w.revision(stream)
			_, err := r.cmd(w.call(r.actor))
			w.refused(err, r.kind, r.field, stream, before)
		})
	}
}
