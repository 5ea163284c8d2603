package commands_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventcodec"
	"github.com/parcours/parcours/eventstore"
)

// What the log keeps of an idempotency key and a request (the IDs derived
// from the key, the hashes in the metadata) is keyed by the platform's
// master key: the console's enrolment key holds the e-mail address, and
// a plain hash of it would let anyone who reads the log check a guessed
// address, even after the person's erasure.
func TestIdempotencyHashesAreKeyed(t *testing.T) {
	key := "bootstrap enrol " + tenant + "  zoe.martin@example.org"
	enrol := commands.EnrolPerson{StructureID: tenant, Role: domain.RoleBeneficiary, Name: "Zoé Martin", Email: "zoe.martin@example.org"}
	var ids []string
	for range 2 { // two platforms, two master keys
		w := newWorld(t)
		call := commands.Call{Actor: w.operator, IdempotencyKey: key}
		res := w.mustDo(w.h.EnrolPerson(w.ctx, call, enrol))
		again := w.mustDo(w.h.EnrolPerson(w.ctx, call, enrol))
		if !again.Replayed || again.ID != res.ID {
			t.Fatalf("retry: %+v, want a replay of %+v", again, res)
		}
		ids = append(ids, res.ID)

		plainKey := sha256.Sum256([]byte(w.operator.PersonID + "\x00" + key))
		plainID := sha256.Sum256([]byte(w.operator.PersonID + "\x00" + key + "\x00p-0"))
		if res.ID == "p-"+hex.EncodeToString(plainID[:10]) {
			t.Fatalf("person ID %s is a plain hash of the key", res.ID)
		}
		events, err := w.store.ReadStream(w.ctx, res.Stream, eventstore.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		checked := 0
		for _, e := range events {
			var m eventcodec.Metadata
			if err := json.Unmarshal(e.Metadata, &m); err != nil {
				t.Fatal(err)
			}
			if m.IdempotencyKey == "" || m.Request == "" {
				continue
			}
			checked++
			if m.IdempotencyKey == hex.EncodeToString(plainKey[:16]) {
				t.Fatalf("metadata keeps a plain hash of the key: %s", e.Metadata)
			}
			if strings.Contains(string(e.Metadata), "zoe.martin") {
				t.Fatalf("metadata keeps the address: %s", e.Metadata)
			}
		}
		if checked == 0 {
			t.Fatalf("no event of %s carries the idempotency hashes", res.Stream)
		}
	}
	if ids[0] == ids[1] {
		t.Fatalf("two platforms derived the same person ID %s from the same key", ids[0])
	}
}

// Events written before the idempotency hashes were keyed carry plain
// SHA-256 hashes: a retry of such a command, by the same actor with the
// same key, is still a replay (or, for other values, a reused key), not a
// second command.
func TestPlainIdempotencyHashesOfOlderBinaries(t *testing.T) {
	w := newWorld(t)
	enrol := commands.EnrolPerson{StructureID: tenant, PersonID: "p-ana", Role: domain.RoleCounsellor, Name: "Ana Lopes", Email: "ana@example.org"}
	old := commands.New(w.store, w.ring, commands.Options{})
	commands.UsePlainIdempotencyHashes(old)
	first := w.mustDo(old.EnrolPerson(w.ctx, commands.Call{Actor: w.operator, IdempotencyKey: "enrol ana"}, enrol))

	h := commands.New(w.store, w.ring, commands.Options{}) // this binary, with a cold cache
	again, err := h.EnrolPerson(w.ctx, commands.Call{Actor: w.operator, IdempotencyKey: "enrol ana"}, enrol)
	if err != nil || !again.Replayed || again.Revision != first.Revision {
		t.Fatalf("retry of a command written with plain hashes: %+v %v, want a replay of %+v", again, err, first)
	}
	other := enrol
	other.Name = "Ana Lopes-Martin"
	if _, err := h.EnrolPerson(w.ctx, commands.Call{Actor: w.operator, IdempotencyKey: "enrol ana"}, other); !errors.Is(err, commands.ErrIdempotencyKeyReused) {
		t.Fatalf("the key of a command written with plain hashes, reused for other values: %v", err)
	}
	// New commands get keyed hashes, and replay as such.
	luc := commands.EnrolPerson{StructureID: tenant, PersonID: "p-luc2", Role: domain.RoleTutor, Name: "Luc Girard"}
	w.mustDo(h.EnrolPerson(w.ctx, commands.Call{Actor: w.operator, IdempotencyKey: "enrol luc"}, luc))
	res, err := commands.New(w.store, w.ring, commands.Options{}).EnrolPerson(w.ctx, commands.Call{Actor: w.operator, IdempotencyKey: "enrol luc"}, luc)
	if err != nil || !res.Replayed {
		t.Fatalf("retry of a command written with keyed hashes: %+v %v", res, err)
	}
}
