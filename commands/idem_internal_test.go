package commands

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore/sqlite"
	"github.com/parcours/parcours/personaldata"
)

// Events written before the idempotency hashes were keyed carry plain
// SHA-256 hashes: a retry of such a command, by the same actor with the
// same key, is still a replay (or, for other values, a reused key), not a
// second command.
func TestLegacyIdempotencyHashes(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "events.db")
	if _, err := sqlite.Migrate(ctx, path); err != nil {
		t.Fatal(err)
	}
	store, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	kpath := filepath.Join(dir, "keys.db")
	if err := personaldata.MigrateSQLiteKeys(ctx, kpath); err != nil {
		t.Fatal(err)
	}
	keys, err := personaldata.OpenSQLiteKeys(ctx, kpath)
	if err != nil {
		t.Fatal(err)
	}
	defer keys.Close()
	master, _ := personaldata.LoadMasterKey("", dir)
	ring, err := personaldata.NewKeyring(keys, master)
	if err != nil {
		t.Fatal(err)
	}
	op := domain.Actor{PersonID: "operator", Role: domain.RoleOperator}
	reg := RegisterStructure{StructureID: "s-1", Name: "Mission Locale", Seats: 3}
	enrol := EnrolPerson{StructureID: "s-1", PersonID: "p-zoe", Role: domain.RoleBeneficiary, Name: "Zoé Martin", Email: "zoe@example.org"}

	old := New(store, ring, Options{})
	old.hashes = func(c Call, stream string, request any) (string, string) {
		if c.IdempotencyKey == "" {
			return "", ""
		}
		return legacyIdemHashes(c, stream, request)
	}
	first, err := old.RegisterStructure(ctx, Call{Actor: op, IdempotencyKey: "reg"}, reg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.EnrolPerson(ctx, Call{Actor: op, IdempotencyKey: "enrol zoe"}, enrol); err != nil {
		t.Fatal(err)
	}

	h := New(store, ring, Options{}) // this binary, with a cold cache
	again, err := h.RegisterStructure(ctx, Call{Actor: op, IdempotencyKey: "reg"}, reg)
	if err != nil || !again.Replayed || again.Revision != first.Revision {
		t.Fatalf("retry of a command written with plain hashes: %+v %v, want a replay of %+v", again, err, first)
	}
	other := enrol
	other.Name = "Zoé Martin-Durand"
	if _, err := h.EnrolPerson(ctx, Call{Actor: op, IdempotencyKey: "enrol zoe"}, other); !errors.Is(err, ErrIdempotencyKeyReused) {
		t.Fatalf("the key of a command written with plain hashes, reused for other values: %v", err)
	}
	// New commands get keyed hashes, and replay as such.
	if _, err := h.EnrolPerson(ctx, Call{Actor: op, IdempotencyKey: "enrol luc"}, EnrolPerson{StructureID: "s-1", PersonID: "p-luc", Role: domain.RoleBeneficiary, Name: "Luc Girard"}); err != nil {
		t.Fatal(err)
	}
	res, err := New(store, ring, Options{}).EnrolPerson(ctx, Call{Actor: op, IdempotencyKey: "enrol luc"}, EnrolPerson{StructureID: "s-1", PersonID: "p-luc", Role: domain.RoleBeneficiary, Name: "Luc Girard"})
	if err != nil || !res.Replayed {
		t.Fatalf("retry of a command written with keyed hashes: %+v %v", res, err)
	}
}
