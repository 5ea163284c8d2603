package eventstore_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/parcours/parcours/eventstore"
)

func TestExpectedRevisionCheck(t *testing.T) {
	cases := []struct {
		exp     eventstore.ExpectedRevision
		current uint64
		exists  bool
		want    bool
	}{
		{eventstore.Any, 0, false, true},
		{eventstore.Any, 7, true, true},
		{eventstore.NoStream, 0, false, true},
		{eventstore.NoStream, 0, true, false},
		{eventstore.StreamExists, 0, false, false},
		{eventstore.StreamExists, 0, true, true},
		{eventstore.Exactly(0), 0, false, false},
		{eventstore.Exactly(0), 0, true, true},
		{eventstore.Exactly(3), 2, true, false},
		{eventstore.Exactly(3), 3, true, true},
	}
	for _, c := range cases {
		if got := c.exp.Check(c.current, c.exists); got != c.want {
			t.Errorf("%s on (rev %d, exists %v) = %v, want %v", c.exp, c.current, c.exists, got, c.want)
		}
	}
}

func TestConflictErrorMatchesSentinel(t *testing.T) {
	err := fmt.Errorf("wrapped: %w", &eventstore.ConflictError{Stream: "s", Expected: eventstore.Exactly(1), Actual: 4, Exists: true})
	var ce *eventstore.ConflictError
	if !errors.Is(err, eventstore.ErrWrongExpectedRevision) || !errors.As(err, &ce) || ce.Actual != 4 {
		t.Fatalf("conflict error does not unwrap: %v", err)
	}
	if want := "append to s: expected revision 1, stream is at revision 4: wrong expected revision"; err.Error() != "wrapped: "+want {
		t.Fatalf("message %q", err)
	}
}

func TestPositionOrderAndText(t *testing.T) {
	ps := []eventstore.Position{{}, {Lo: 1}, {Lo: 2}, {Hi: 1}, {Hi: 1, Lo: 5}, {Hi: 2, Lo: 0}}
	for i := range ps {
		for j := range ps {
			if got, want := ps[i].Less(ps[j]), i < j; got != want {
				t.Errorf("%s < %s = %v", ps[i], ps[j], got)
			}
		}
		back, err := eventstore.ParsePosition(ps[i].String())
		if err != nil || back != ps[i] {
			t.Errorf("position %s read back as %s, %v", ps[i], back, err)
		}
	}
	for _, bad := range []string{"", "1", "1.", ".1", "a.b", "-1.0", "1.2.3", "18446744073709551616.0"} {
		if _, err := eventstore.ParsePosition(bad); err == nil {
			t.Errorf("ParsePosition(%q) accepted", bad)
		}
	}
}

func TestEventIDText(t *testing.T) {
	id := eventstore.NewEventID()
	back, err := eventstore.ParseEventID(id.String())
	if err != nil || back != id {
		t.Fatalf("%s read back as %s, %v", id, back, err)
	}
	if v := id[6] >> 4; v != 7 {
		t.Fatalf("version nibble %d, want 7", v)
	}
	// Made one after another, IDs sort one after another (the indexes on
	// event IDs grow at their right edge).
	prev := id
	for range 1000 {
		next := eventstore.NewEventID()
		if bytes.Compare(next[:], prev[:]) <= 0 {
			t.Fatalf("%s made after %s sorts before it", next, prev)
		}
		prev = next
	}
	for _, bad := range []string{"", "not-a-uuid", "0000000000000000000000000000000000000", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", "00000000-0000-0000-0000-00000000000"} {
		if _, err := eventstore.ParseEventID(bad); !errors.Is(err, eventstore.ErrInvalidEvent) {
			t.Errorf("ParseEventID(%q) = %v", bad, err)
		}
	}
}

// TestHashLayout pins the hash of one event: changing the layout in the
// package doc breaks every stored chain, so it must be deliberate.
func TestHashLayout(t *testing.T) {
	id, _ := eventstore.ParseEventID("0190f5b2-8c1e-4a7b-9d3e-5f6a7b8c9d0e")
	e := eventstore.Proposed{ID: id, Type: "ExperienceAdded", SchemaVersion: 1, Data: []byte(`{"a":1}`), Metadata: []byte(`{"actor":"p1"}`)}
	h0 := eventstore.ComputeHash("portfolio-1", 0, e, eventstore.Hash{})
	h1 := eventstore.ComputeHash("portfolio-1", 1, e, h0)
	golden := goldenHash(t)
	if h0.String() != golden[0] || h1.String() != golden[1] {
		t.Fatalf("hash layout changed:\n got %s %s\nwant %s %s", h0, h1, golden[0], golden[1])
	}
	// Every field changes the hash.
	variants := []eventstore.Hash{
		eventstore.ComputeHash("portfolio-2", 0, e, eventstore.Hash{}),
		eventstore.ComputeHash("portfolio-1", 2, e, eventstore.Hash{}),
		eventstore.ComputeHash("portfolio-1", 0, e, eventstore.Hash{1}),
	}
	mut := []func(*eventstore.Proposed){
		func(p *eventstore.Proposed) { p.ID[15] ^= 1 },
		func(p *eventstore.Proposed) { p.Type = "ExperienceAdded2" },
		func(p *eventstore.Proposed) { p.SchemaVersion = 2 },
		func(p *eventstore.Proposed) { p.Data = []byte(`{"a":2}`) },
		func(p *eventstore.Proposed) { p.Metadata = []byte(`{"actor":"p2"}`) },
	}
	for _, m := range mut {
		p := e
		m(&p)
		variants = append(variants, eventstore.ComputeHash("portfolio-1", 0, p, eventstore.Hash{}))
	}
	for i, v := range variants {
		if v == h0 {
			t.Errorf("variant %d has the same hash", i)
		}
	}
	// Length prefixes keep field boundaries: moving a byte from type to
	// data changes the hash.
	a := eventstore.Proposed{ID: id, Type: "ab", Data: []byte(`"c"`), Metadata: []byte(`{}`)}
	b := eventstore.Proposed{ID: id, Type: "a", Data: []byte(`b"c"`), Metadata: []byte(`{}`)}
	if eventstore.ComputeHash("s", 0, a, eventstore.Hash{}) == eventstore.ComputeHash("s", 0, b, eventstore.Hash{}) {
		t.Error("field boundaries are ambiguous")
	}
}

func FuzzParsePosition(f *testing.F) {
	for _, s := range []string{"0.0", "1.2", "18446744073709551615.18446744073709551615", "", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := eventstore.ParsePosition(s)
		if err != nil {
			return
		}
		back, err := eventstore.ParsePosition(p.String())
		if err != nil || back != p {
			t.Fatalf("%q → %s → %s, %v", s, p, back, err)
		}
	})
}

func FuzzParseEventID(f *testing.F) {
	f.Add("0190f5b2-8c1e-4a7b-9d3e-5f6a7b8c9d0e")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := eventstore.ParseEventID(s)
		if err != nil {
			return
		}
		back, err := eventstore.ParseEventID(id.String())
		if err != nil || back != id {
			t.Fatalf("%q → %s → %s, %v", s, id, back, err)
		}
	})
}

func FuzzParseHash(f *testing.F) {
	f.Add("00")
	f.Add(eventstore.Hash{1, 2, 3}.String())
	f.Fuzz(func(t *testing.T, s string) {
		h, err := eventstore.ParseHash(s)
		if err != nil {
			return
		}
		if back, err := eventstore.ParseHash(h.String()); err != nil || back != h {
			t.Fatalf("%q → %s → %s, %v", s, h, back, err)
		}
	})
}

// FuzzValidateAppend: validation never panics, and accepts only UTF-8 JSON.
func FuzzValidateAppend(f *testing.F) {
	f.Add("s", "T", []byte(`{}`), []byte(`{}`))
	f.Add("", "", []byte(`{`), []byte(`[]`))
	f.Fuzz(func(t *testing.T, stream, typ string, data, meta []byte) {
		p := eventstore.Proposed{ID: eventstore.NewEventID(), Type: typ, Data: data, Metadata: meta}
		if err := eventstore.ValidateAppend(stream, []eventstore.Proposed{p}, 1024); err == nil {
			if stream == "" || typ == "" || len(data)+len(meta) > 1024 {
				t.Fatalf("accepted %q %q %q %q", stream, typ, data, meta)
			}
		}
	})
}
