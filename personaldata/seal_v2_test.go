package personaldata_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"testing"

	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/personaldata"
)

// Seal writes version 2: each part under its own key, which opens that
// part and no other.
func TestSealV2PartKey(t *testing.T) {
	ring, files, _ := newRing(t)
	ctx := context.Background()
	b := binding(3)
	personal := []byte(`{"title":"Vendeuse en boulangerie","note":"rigueur"}`)
	s, err := ring.Seal(ctx, b, "person-1", personal)
	if err != nil {
		t.Fatal(err)
	}
	if s.V != personaldata.SealV2 || s.Subject != "person-1" {
		t.Fatalf("sealed %+v, want version 2", s)
	}
	if got, err := ring.Open(ctx, b, s); err != nil || !bytes.Equal(got, personal) {
		t.Fatalf("open: %q %v", got, err)
	}
	key, err := ring.PartKey(ctx, b, s)
	if err != nil || len(key) != personaldata.PartKeySize {
		t.Fatalf("part key: %x %v", key, err)
	}
	if again, _ := ring.PartKey(ctx, b, s); !bytes.Equal(again, key) {
		t.Fatal("the part key changes from one call to the next")
	}
	if got, err := personaldata.OpenWithPartKey(key, b, s); err != nil || !bytes.Equal(got, personal) {
		t.Fatalf("open with the part key: %q %v", got, err)
	}

	// The part key opens only its own binding.
	moved := []personaldata.Binding{b, b, b, b}
	moved[0].EventID = eventstore.NewEventID()
	moved[1].Revision = 4
	moved[2].Stream = "portfolio-2"
	moved[3].Tenant = "structure-2"
	for i, m := range moved {
		if _, err := personaldata.OpenWithPartKey(key, m, s); !errors.Is(err, personaldata.ErrInvalid) {
			t.Errorf("part key opened the part moved to binding %d: %v", i, err)
		}
		// Nor can the key ring be made to hand out a key for a moved part.
		if _, err := ring.PartKey(ctx, m, s); !errors.Is(err, personaldata.ErrInvalid) {
			t.Errorf("part key of a part moved to binding %d: %v", i, err)
		}
	}

	// Keys differ per binding and per person.
	keys := map[string]string{hex.EncodeToString(key): "original"}
	others := map[string]struct {
		b       personaldata.Binding
		subject string
	}{
		"event": {moved[0], "person-1"}, "revision": {moved[1], "person-1"}, "stream": {moved[2], "person-1"},
		"tenant": {moved[3], "person-1"}, "subject": {b, "person-2"},
	}
	for name, o := range others {
		so, err := ring.Seal(ctx, o.b, o.subject, personal)
		if err != nil {
			t.Fatal(err)
		}
		k, err := ring.PartKey(ctx, o.b, so)
		if err != nil {
			t.Fatal(err)
		}
		if prev, dup := keys[hex.EncodeToString(k)]; dup {
			t.Errorf("another %s, same part key as %s", name, prev)
		}
		keys[hex.EncodeToString(k)] = name
		// Another part's key does not open this one, even with the same plaintext.
		if _, err := personaldata.OpenWithPartKey(k, b, s); !errors.Is(err, personaldata.ErrInvalid) {
			t.Errorf("the key of the part with another %s opened this part: %v", name, err)
		}
	}

	// A wrong key, a short key, an altered box: refused.
	wrong := make([]byte, personaldata.PartKeySize)
	rand.Read(wrong)
	if _, err := personaldata.OpenWithPartKey(wrong, b, s); !errors.Is(err, personaldata.ErrInvalid) {
		t.Errorf("random key: %v", err)
	}
	if _, err := personaldata.OpenWithPartKey(key[:16], b, s); !errors.Is(err, personaldata.ErrInvalid) {
		t.Errorf("short key: %v", err)
	}
	altered := s
	altered.Box = bytes.Clone(s.Box)
	altered.Box[len(altered.Box)/2] ^= 1
	if _, err := personaldata.OpenWithPartKey(key, b, altered); !errors.Is(err, personaldata.ErrInvalid) {
		t.Errorf("altered box: %v", err)
	}
	// A version 2 box relabelled version 1 opens with neither key.
	relabelled := s
	relabelled.V = personaldata.SealV1
	if _, err := ring.Open(ctx, b, relabelled); !errors.Is(err, personaldata.ErrInvalid) {
		t.Errorf("v2 box read as v1: %v", err)
	}

	// After erasure the key ring gives no part key; a key handed over
	// before still opens its part (that is what disclosing it means).
	if _, err := personaldata.ErasePerson(ctx, ring, files, "person-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := ring.PartKey(ctx, b, s); !errors.Is(err, personaldata.ErrErased) {
		t.Fatalf("part key after erasure: %v", err)
	}
	if _, err := ring.Open(ctx, b, s); !errors.Is(err, personaldata.ErrErased) {
		t.Fatalf("open after erasure: %v", err)
	}
	if got, err := personaldata.OpenWithPartKey(key, b, s); err != nil || !bytes.Equal(got, personal) {
		t.Fatalf("a disclosed part key after erasure: %q %v", got, err)
	}
}

// vectorRing is the key ring of the sealed vectors below (their master key
// and p-zoe's wrapped key), and the binding of a part at revision rev.
func vectorRing(t *testing.T, rev uint64) (*personaldata.Keyring, personaldata.Binding) {
	t.Helper()
	master, _ := hex.DecodeString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
	wrapped, _ := base64.StdEncoding.DecodeString("/aYyrWN5YebMojMeOP4MyRdn8oeDyFsw6TErdt3hYZoCgAuMCfsu3c16RARhPrjbmCn/e96t9gQNUjgJ")
	id, err := eventstore.ParseEventID("0195a3b2-7c4d-7e8f-9a0b-1c2d3e4f5a6b")
	if err != nil {
		t.Fatal(err)
	}
	store := sqliteKeys(t, t.TempDir())
	if _, err := store.PutIfAbsent(context.Background(), "p-zoe", wrapped); err != nil {
		t.Fatal(err)
	}
	ring, err := personaldata.NewKeyring(store, master)
	if err != nil {
		t.Fatal(err)
	}
	return ring, personaldata.Binding{Tenant: "structure-1", Stream: "portfolio-p-zoe", EventID: id, Revision: rev}
}

// A version 1 part, sealed by the code before seal v2 (this vector was
// made by it: master key, the person's wrapped key, the box), still opens,
// through Open and OpenData; it has no part key.
func TestOpenSealV1(t *testing.T) {
	ctx := context.Background()
	box, _ := base64.StdEncoding.DecodeString("Fqc0ukqzf0rWiMbJZywErRdzy/CAHQIZLRaewPvqu0EAgybbYZQEoB5lVrE8v4SIaHjlnh5gGvtESWfWzZ0tDB3texj0U2IMw1/0r9lKQBI=")
	ring, b := vectorRing(t, 7)
	want := `{"title":"Vendeuse en boulangerie","note":"rigueur"}`
	s := personaldata.Sealed{V: personaldata.SealV1, Subject: "p-zoe", Box: box}
	if got, err := ring.Open(ctx, b, s); err != nil || string(got) != want {
		t.Fatalf("open a v1 part: %q %v", got, err)
	}
	sj, _ := json.Marshal(s)
	data := []byte(`{"experience_id":"e1","sealed":` + string(sj) + `}`)
	if o, err := ring.OpenData(ctx, b, data); err != nil || string(o.Personal) != want || o.Subject != "p-zoe" {
		t.Fatalf("open the data of a v1 event: %+v %v", o, err)
	}
	moved := b
	moved.Revision = 8
	if _, err := ring.Open(ctx, moved, s); !errors.Is(err, personaldata.ErrInvalid) {
		t.Fatalf("moved v1 part: %v", err)
	}
	if _, err := ring.PartKey(ctx, b, s); !errors.Is(err, personaldata.ErrNoPartKey) {
		t.Fatalf("part key of a v1 part: %v", err)
	}
	if _, err := personaldata.OpenWithPartKey(make([]byte, 32), b, s); !errors.Is(err, personaldata.ErrNoPartKey) {
		t.Fatalf("open a v1 part with a part key: %v", err)
	}
	// A v1 box relabelled version 2 does not open.
	s.V = personaldata.SealV2
	if _, err := ring.Open(ctx, b, s); !errors.Is(err, personaldata.ErrInvalid) {
		t.Fatalf("v1 box read as v2: %v", err)
	}
	// New parts of the same person are version 2.
	s2, err := ring.Seal(ctx, b, "p-zoe", []byte(want))
	if err != nil || s2.V != personaldata.SealV2 {
		t.Fatalf("seal after a v1 part: %+v %v", s2, err)
	}
	if _, err := ring.Open(ctx, b, personaldata.Sealed{V: 3, Subject: "p-zoe", Box: box}); !errors.Is(err, personaldata.ErrInvalid) {
		t.Fatalf("unknown version: %v", err)
	}
	// During a rolling upgrade the ring can be told to keep writing version 1.
	if err := ring.SetSealVersion(3); !errors.Is(err, personaldata.ErrInvalid) {
		t.Fatalf("seal version 3: %v", err)
	}
	if err := ring.SetSealVersion(personaldata.SealV1); err != nil {
		t.Fatal(err)
	}
	s1, err := ring.Seal(ctx, b, "p-zoe", []byte(want))
	if err != nil || s1.V != personaldata.SealV1 {
		t.Fatalf("seal with version 1 chosen: %+v %v", s1, err)
	}
	if got, err := ring.Open(ctx, b, s1); err != nil || string(got) != want {
		t.Fatalf("open a new v1 part: %q %v", got, err)
	}
	ring.SetSealVersion(personaldata.SealV2)
	if s2, _ := ring.Seal(ctx, b, "p-zoe", []byte(want)); s2.V != personaldata.SealV2 {
		t.Fatalf("version 2 chosen again, sealed %d", s2.V)
	}
}

// A version 2 part sealed by the code that derived each part key with one
// HKDF-SHA256 call (this vector was made by it) still opens, and its part
// key is the same: the derivation is pinned.
func TestOpenSealV2Vector(t *testing.T) {
	ctx := context.Background()
	box, _ := base64.StdEncoding.DecodeString("+OfDsatRgPTcMAgUZmY9tYms77ML65RPX/TwoeSmwZpa9QJnWKK08WIQyOag7ibu4FdztKX/RwiSMuuPWGbXO4jNkH3o6Rg=")
	wantKey := "8a7850f95ca5dde5a47cdd459235a8925f79a968ad218b8bc80235da4924b195"
	ring, b := vectorRing(t, 9)
	want := `{"title":"Aide-soignante","note":"écoute"}`
	s := personaldata.Sealed{V: personaldata.SealV2, Subject: "p-zoe", Box: box}
	if got, err := ring.Open(ctx, b, s); err != nil || string(got) != want {
		t.Fatalf("open a v2 part: %q %v", got, err)
	}
	key, err := ring.PartKey(ctx, b, s)
	if err != nil || hex.EncodeToString(key) != wantKey {
		t.Fatalf("part key %x %v, want %s", key, err, wantKey)
	}
	if got, err := personaldata.OpenWithPartKey(key, b, s); err != nil || string(got) != want {
		t.Fatalf("open with the part key: %q %v", got, err)
	}
	fresh, err := ring.Seal(ctx, b, "p-zoe", []byte(want))
	if err != nil {
		t.Fatal(err)
	}
	if k2, err := ring.PartKey(ctx, b, fresh); err != nil || !bytes.Equal(k2, key) {
		t.Fatalf("a part sealed now at the same binding has key %x %v, want %s", k2, err, wantKey)
	}
}
