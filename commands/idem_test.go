package commands_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
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
