package commands_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore"
)

func romeImport(checksum string) commands.ImportFramework {
	return commands.ImportFramework{Kind: domain.FrameworkROME, FrameworkImport: domain.FrameworkImport{
		Label: "v460", Source: "unix_referentiel_code_rome.csv", Checksum: strings.Repeat(checksum, 64),
		Entries: []domain.FrameworkEntry{{Type: domain.EntryOccupation, Framework: "ROME", Code: "K1201", Labels: map[string]string{"fr": "Action sociale"}}},
	}}
}

func TestImportFramework(t *testing.T) {
	w := newWorld(t)
	imp := func(cmd commands.ImportFramework) func(commands.Call) (commands.Result, error) {
		return func(c commands.Call) (commands.Result, error) { return w.h.ImportFramework(w.ctx, c, cmd) }
	}
	for _, a := range []domain.Actor{w.admin, w.counsellor, w.bene} {
		w.refusedOn(t, "import by "+string(a.Role), a, imp(romeImport("a")), domain.KindForbidden, "")
	}
	bad := romeImport("a")
	bad.Entries[0].Code = "Z9999"
	w.refusedOn(t, "bad entry", w.operator, imp(bad), domain.KindInvalid, "entries")
	w.refusedOn(t, "bad kind", w.operator, imp(commands.ImportFramework{Kind: "onet"}), domain.KindInvalid, "kind")

	call := w.call(w.operator)
	call.IdempotencyKey = "rome-v460"
	res := w.mustDo(w.h.ImportFramework(w.ctx, call, romeImport("a")))
	if res.ID != "1" || res.Stream != "framework-rome" || res.Events != 2 {
		t.Fatalf("first import: %+v", res)
	}
	if again := w.mustDo(w.h.ImportFramework(w.ctx, call, romeImport("a"))); !again.Replayed || again.Revision != res.Revision {
		t.Errorf("the same key again: %+v", again)
	}
	if _, err := w.h.ImportFramework(w.ctx, call, romeImport("b")); !errors.Is(err, commands.ErrIdempotencyKeyReused) {
		t.Errorf("the key for other files: %v", err)
	}
	w.refusedOn(t, "the same files", w.operator, imp(romeImport("a")), domain.KindConflict, "")
	if res := w.mustDo(w.h.ImportFramework(w.ctx, w.call(w.operator), romeImport("c"))); res.ID != "2" {
		t.Errorf("second version: %+v", res)
	}
	stale := uint64(0)
	ifCall := w.call(w.operator)
	ifCall.IfRevision = &stale
	var ce *eventstore.ConflictError
	if _, err := w.h.ImportFramework(w.ctx, ifCall, romeImport("d")); !errors.As(err, &ce) {
		t.Errorf("If-Match on a stale revision: %v", err)
	}

	versions, err := w.h.FrameworkVersions(w.ctx, w.bene, domain.FrameworkROME)
	if err != nil || len(versions) != 2 || versions[1].Version != 2 || versions[0].Label != "v460" || versions[0].Counts["occupation"] != 1 {
		t.Fatalf("versions: %+v %v", versions, err)
	}
	outsider := domain.Actor{PersonID: "p-nobody", Tenant: tenant, Role: domain.RoleCounsellor}
	if _, err := w.h.FrameworkVersions(w.ctx, outsider, domain.FrameworkROME); !errors.Is(err, domain.ErrForbidden) {
		t.Errorf("a non-member reads frameworks: %v", err)
	}
	other := domain.Actor{PersonID: "p-cons", Tenant: "s-other", Role: domain.RoleCounsellor}
	if err := w.h.AuthorizeFrameworkRead(w.ctx, other); !errors.Is(err, domain.ErrForbidden) {
		t.Errorf("a member of no structure reads frameworks: %v", err)
	}
}
