package commands_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore"
)

// fill sets every exported field of v (a pointer) to a random value, so
// that a round trip that drops or mangles a field is caught.
func fill(r *rand.Rand, v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.Pointer:
		if depth > 4 {
			return
		}
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		fill(r, v.Elem(), depth+1)
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			v.Set(reflect.ValueOf(time.Unix(1_700_000_000+r.Int64N(1e8), r.Int64N(1e9)).UTC()))
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fill(r, v.Field(i), depth+1)
			}
		}
	case reflect.String:
		v.SetString(fmt.Sprintf("s-%d-é😀\"\\\n", r.IntN(1000)))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(1 + r.Int64N(1000))
	case reflect.Uint, reflect.Uint64, reflect.Uint32:
		v.SetUint(1 + r.Uint64N(1000))
	case reflect.Slice:
		n := 1 + r.IntN(3)
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := 0; i < n; i++ {
			fill(r, s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(r, k, depth+1)
		fill(r, e, depth+1)
		m.SetMapIndex(k, e)
		v.Set(m)
	}
}

// markStrings sets every string under v to a marker that must never be
// stored in clear.
func markStrings(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			markStrings(v.Elem())
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				markStrings(v.Field(i))
			}
		}
	case reflect.String:
		v.SetString("PII-" + v.String())
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			markStrings(v.Index(i))
		}
	}
}

// TestEveryEventRoundTrips encodes every event type of the domain, filled
// with random values, through the codec (sealing the personal part) and
// the store, and decodes it back equal.
func TestEveryEventRoundTrips(t *testing.T) {
	w := newWorld(t)
	r := rand.New(rand.NewPCG(1, 2))
	codec := w.h.Codec()
	specs := domain.Events()
	if len(specs) < 10 {
		t.Fatalf("only %d event types", len(specs))
	}
	for i, spec := range specs {
		t.Run(spec.Type, func(t *testing.T) {
			e := spec.New()
			fill(r, reflect.ValueOf(e), 0)
			if wp, ok := e.(domain.WithPersonal); ok {
				markStrings(reflect.ValueOf(wp.PersonalPart()))
			}
			if e.EventType() != spec.Type {
				t.Fatalf("EventType %q under spec %q", e.EventType(), spec.Type)
			}
			stream := domain.PortfolioStream("p-zoe")
			if strings.HasPrefix(spec.Type, "Structure") || spec.Type == "SeatsChanged" || spec.Type == "PersonEnrolled" || spec.Type == "PersonLeft" {
				stream = domain.StructureStream("s-roundtrip")
			}
			stream = fmt.Sprintf("%s-rt%d", stream, i)
			id := eventstore.NewEventID()
			p, err := codec.Encode(w.ctx, tenant, stream, 0, id, e, []byte(`{"actor":"t","tenant":"`+tenant+`"}`))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.store.Append(w.ctx, stream, eventstore.NoStream, p); err != nil {
				t.Fatal(err)
			}
			stored, err := w.store.ReadStream(w.ctx, stream, eventstore.ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			d, err := codec.Decode(w.ctx, stored[0])
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(d.Event, e) {
				t.Fatalf("round trip changed the event:\n got %#v\nwant %#v", d.Event, e)
			}
			if wp, ok := e.(domain.WithPersonal); ok && !reflect.ValueOf(wp.PersonalPart()).Elem().IsZero() {
				if strings.Contains(string(stored[0].Data), "PII-") {
					t.Fatalf("personal text in clear: %s", stored[0].Data)
				}
			}
		})
	}
}

// TestFoldEqualsLive: after random valid command sequences, the state a
// fresh handler folds from the store equals the state the live handler
// built incrementally.
func TestFoldEqualsLive(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			w := newWorld(t)
			r := rand.New(rand.NewPCG(seed, 7))
			done := 0
			for step := 0; step < 300; step++ {
				if randomCommand(w, r) == nil {
					done++
				}
				w.now = w.now.Add(time.Duration(r.IntN(48)) * time.Hour)
			}
			if done < 30 {
				t.Fatalf("only %d of 300 random commands succeeded", done)
			}
			types := map[string]bool{}
			all, err := w.store.ReadAll(w.ctx, eventstore.Start, 100000)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range all {
				types[e.Type] = true
			}
			if len(types) < 15 {
				t.Fatalf("the random sequence covered only %d event types: %v", len(types), types)
			}
			var live, folded *domain.Portfolio
			snapshot := func(h *commands.Handler, into **domain.Portfolio) {
				err := h.ReadPortfolio(w.ctx, w.bene, "p-zoe", "", func(p *domain.Portfolio, _ uint64) error {
					*into = p // no command runs on this handler afterwards
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			snapshot(w.h, &live)
			snapshot(commands.New(w.store, w.ring, commands.Options{Now: func() time.Time { return w.now }}), &folded)
			if !reflect.DeepEqual(live, folded) {
				t.Fatalf("live state and fold differ after %d commands", done)
			}
		})
	}
}
