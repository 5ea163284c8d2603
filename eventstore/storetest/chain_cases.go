package storetest

import (
	"errors"
	"testing"

	"github.com/parcours/parcours/eventstore"
)

func testHashChain(t *testing.T, h Harness) {
	s := h.open(t)
	mustAppend(t, s, "chain", eventstore.NoStream, evs(4, "C")...)
	mustAppend(t, s, "chain", eventstore.Exactly(3), evs(3, "C")...)
	events := readStream(t, s, "chain")
	var zero eventstore.Hash
	if events[0].PrevHash != zero {
		t.Fatalf("revision 0 links to %s, want zeros", events[0].PrevHash)
	}
	for i, e := range events {
		want := eventstore.ComputeHash(e.Stream, e.Revision, e.Proposed(), e.PrevHash)
		if e.Hash != want {
			t.Fatalf("revision %d: stored hash %s, computed %s", i, e.Hash, want)
		}
		if i > 0 && e.PrevHash != events[i-1].Hash {
			t.Fatalf("revision %d does not link to revision %d", i, i-1)
		}
	}
	v, err := eventstore.VerifyStream(ctxT(t), s, "chain")
	if err != nil || v.Events != 7 || v.LastHash != events[6].Hash {
		t.Fatalf("verify: %+v, %v", v, err)
	}
	// The chain of a stream does not depend on other streams' traffic.
	all := readAll(t, s, eventstore.Start)
	if len(all) != 7 {
		t.Fatalf("global log has %d events", len(all))
	}
}

// testTamperDetection: every kind of alteration is caught at the right event.
func testTamperDetection(t *testing.T, h Harness) {
	s := h.open(t)
	mustAppend(t, s, "t", eventstore.NoStream, evs(6, "T")...)
	mustAppend(t, s, "u", eventstore.NoStream, evs(2, "U")...)
	good := readStream(t, s, "t")
	other := readStream(t, s, "u")
	zero := &eventstore.Hash{}
	if err := eventstore.VerifyChain(good, zero); err != nil {
		t.Fatal(err)
	}
	clone := func() []eventstore.Event {
		out := make([]eventstore.Event, len(good))
		for i, e := range good {
			e.Data = append([]byte(nil), e.Data...)
			e.Metadata = append([]byte(nil), e.Metadata...)
			out[i] = e
		}
		return out
	}
	cases := []struct {
		name   string
		alter  func([]eventstore.Event) []eventstore.Event
		atRev  uint64
		noWant bool
	}{
		{"byte of data changed", func(e []eventstore.Event) []eventstore.Event { e[2].Data[2] ^= 1; return e }, 2, false},
		{"byte of metadata changed", func(e []eventstore.Event) []eventstore.Event { e[3].Metadata[3] ^= 1; return e }, 3, false},
		{"type changed", func(e []eventstore.Event) []eventstore.Event { e[1].Type = "X"; return e }, 1, false},
		{"id changed", func(e []eventstore.Event) []eventstore.Event { e[4].ID[0] ^= 1; return e }, 4, false},
		{"schema version changed", func(e []eventstore.Event) []eventstore.Event { e[0].SchemaVersion++; return e }, 0, false},
		{"event removed", func(e []eventstore.Event) []eventstore.Event { return append(e[:2:2], e[3:]...) }, 3, false},
		{"first event removed", func(e []eventstore.Event) []eventstore.Event { return e[1:] }, 1, false},
		{"events reordered", func(e []eventstore.Event) []eventstore.Event { e[2], e[3] = e[3], e[2]; return e }, 3, false},
		{"foreign event inserted", func(e []eventstore.Event) []eventstore.Event {
			return append(e[:3:3], append([]eventstore.Event{other[1]}, e[3:]...)...)
		}, other[1].Revision, false},
		{"event replaced by a forged one renumbered", func(e []eventstore.Event) []eventstore.Event {
			f := e[2]
			f.Data = []byte(`{"n":"forged"}`)
			f.Hash = eventstore.ComputeHash(f.Stream, f.Revision, f.Proposed(), f.PrevHash)
			e[2] = f
			return e
		}, 3, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := eventstore.VerifyChain(c.alter(clone()), zero)
			var ce *eventstore.ChainError
			if !errors.As(err, &ce) || !errors.Is(err, eventstore.ErrChainBroken) {
				t.Fatalf("alteration not detected: %v", err)
			}
			if ce.Revision != c.atRev {
				t.Fatalf("break reported at revision %d, want %d: %v", ce.Revision, c.atRev, err)
			}
		})
	}
	// Truncation of the tail cannot be seen by the chain alone (the Merkle
	// log covers it); a verified prefix is still a valid chain.
	if err := eventstore.VerifyChain(good[:3], zero); err != nil {
		t.Fatalf("prefix: %v", err)
	}
	if h.Tamper != nil {
		t.Run("stored bytes changed", func(t *testing.T) {
			h.Tamper(t, s, "t", 4, []byte(`{"n":"tampered"}`))
			_, err := eventstore.VerifyStream(ctxT(t), s, "t")
			var ce *eventstore.ChainError
			if !errors.As(err, &ce) || ce.Revision != 4 {
				t.Fatalf("tampered storage: want a break at revision 4, got %v", err)
			}
		})
	}
	if h.Delete != nil {
		t.Run("stored event deleted", func(t *testing.T) {
			h.Delete(t, s, "u", 0)
			_, err := eventstore.VerifyStream(ctxT(t), s, "u")
			var ce *eventstore.ChainError
			if !errors.As(err, &ce) {
				t.Fatalf("deleted first event: want a chain error, got %v", err)
			}
		})
	}
}
