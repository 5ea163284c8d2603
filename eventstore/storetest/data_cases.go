package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parcours/parcours/eventstore"
)

// Unusual but valid JSON: whitespace, key order and duplicate keys, escapes,
// numbers a decoder would rewrite, non-ASCII text, and a large string.
var oddJSON = []string{
	`{"b":1,"a":2}`,
	"  {\n\t\"a\" : [ 1 , 2 ]\r\n}  ",
	`{"a":1,"a":2}`,
	`{"n":1e400,"m":-0.0,"p":0.10000000000000000001,"q":123456789012345678901234567890}`,
	`{"s":"\u00e9\u0000\ud83d\ude00\"\\\/\b\f\n\r\t"}`,
	`{"s":"é 😀 中文 ‮ right-to-left  ","k\u2028":"line separator"}`,
	`"just a string"`,
	`[]`,
	`null`,
	`12`,
	`{"big":"` + strings.Repeat("x", 100_000) + `"}`,
}

func testByteExactRoundTrip(t *testing.T, h Harness) {
	s := h.open(t)
	ctx := ctxT(t)
	var proposed []eventstore.Proposed
	for i, data := range oddJSON {
		meta := fmt.Sprintf(`{ "actor" : "personne-é", "tenant":"t\u00e9", "correlation_id":"c-%d", "causation_id":"%s", "z":[1,1.0,1e0] }`, i, eventstore.NewEventID())
		proposed = append(proposed, eventstore.Proposed{
			ID: eventstore.NewEventID(), Type: "Odd.Type-é", SchemaVersion: uint32(i + 1),
			Data: []byte(data), Metadata: []byte(meta),
		})
	}
	mustAppend(t, s, "odd", eventstore.NoStream, proposed[:5]...)
	for _, p := range proposed[5:] {
		mustAppend(t, s, "odd", eventstore.Any, p)
	}
	check := func(where string, events []eventstore.Event) {
		t.Helper()
		if len(events) != len(proposed) {
			t.Fatalf("%s: %d events, want %d", where, len(events), len(proposed))
		}
		for i, e := range events {
			p := proposed[i]
			if !bytes.Equal(e.Data, p.Data) || !bytes.Equal(e.Metadata, p.Metadata) || e.Type != p.Type || e.SchemaVersion != p.SchemaVersion || e.ID != p.ID {
				t.Fatalf("%s: event %d did not round-trip:\n got data %q meta %q type %q v%d\nwant data %q meta %q type %q v%d",
					where, i, clip(e.Data), e.Metadata, e.Type, e.SchemaVersion, clip(p.Data), p.Metadata, p.Type, p.SchemaVersion)
			}
			if e.Stream != "odd" || e.RecordedAt.IsZero() {
				t.Fatalf("%s: event %d: stream %q, recorded at %v", where, i, e.Stream, e.RecordedAt)
			}
		}
	}
	check("ReadStream", readStream(t, s, "odd"))
	check("ReadAll", readAll(t, s, eventstore.Start))
	c := newCollector()
	stop := subscribe(t, s, eventstore.Start, c.add)
	check("Subscribe", c.waitFor(t, len(proposed)))
	_ = stop()
	back, err := s.ReadStream(ctx, "odd", eventstore.ReadOptions{Direction: eventstore.Backwards, FromEnd: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(back)-1; i < j; i, j = i+1, j-1 {
		back[i], back[j] = back[j], back[i]
	}
	check("ReadStream backwards", back)
	if _, err := eventstore.VerifyStream(ctx, s, "odd"); err != nil {
		t.Fatal(err)
	}
}

func clip(b []byte) string {
	if len(b) > 80 {
		return string(b[:80]) + "…"
	}
	return string(b)
}

func testInvalidInput(t *testing.T, h Harness) {
	s := h.open(t)
	ctx := ctxT(t)
	good := func() eventstore.Proposed { return ev("Good", `{}`) }
	withID := func(p eventstore.Proposed, id eventstore.EventID) eventstore.Proposed { p.ID = id; return p }
	withType := func(p eventstore.Proposed, typ string) eventstore.Proposed { p.Type = typ; return p }
	withData := func(p eventstore.Proposed, d string) eventstore.Proposed { p.Data = []byte(d); return p }
	withMeta := func(p eventstore.Proposed, m string) eventstore.Proposed { p.Metadata = []byte(m); return p }
	dup := good()
	cases := []struct {
		name   string
		stream string
		events []eventstore.Proposed
	}{
		{"empty stream name", "", []eventstore.Proposed{good()}},
		{"system stream name", "$all", []eventstore.Proposed{good()}},
		{"stream name with a space", "a b", []eventstore.Proposed{good()}},
		{"stream name too long", strings.Repeat("s", 201), []eventstore.Proposed{good()}},
		{"no event", "s", nil},
		{"nil id", "s", []eventstore.Proposed{withID(good(), eventstore.EventID{})}},
		{"repeated id", "s", []eventstore.Proposed{dup, dup}},
		{"empty type", "s", []eventstore.Proposed{withType(good(), "")}},
		{"data not JSON", "s", []eventstore.Proposed{withData(good(), `{"a":}`)}},
		{"empty data", "s", []eventstore.Proposed{withData(good(), ``)}},
		{"data with trailing garbage", "s", []eventstore.Proposed{withData(good(), `{} {}`)}},
		{"data not UTF-8", "s", []eventstore.Proposed{withData(good(), "\"\xff\xfe\"")}},
		{"metadata not an object", "s", []eventstore.Proposed{withMeta(good(), `[1]`)}},
		{"metadata not JSON", "s", []eventstore.Proposed{withMeta(good(), `{`)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.Append(ctx, c.stream, eventstore.Any, c.events...)
			if !errors.Is(err, eventstore.ErrInvalidEvent) {
				t.Fatalf("want ErrInvalidEvent, got %v", err)
			}
		})
	}
	if n := len(readAll(t, s, eventstore.Start)); n != 0 {
		t.Fatalf("invalid appends stored %d events", n)
	}
}

func testSizeLimit(t *testing.T, h Harness) {
	const limit = 64 << 10
	s := h.New(t, Config{MaxEventSize: limit})
	ctx := ctxT(t)
	meta := `{"actor":"a"}`
	at := func(size int) eventstore.Proposed {
		p := ev("Big", `"`+strings.Repeat("x", size-len(meta)-2)+`"`)
		p.Metadata = []byte(meta)
		return p
	}
	mustAppend(t, s, "big", eventstore.NoStream, at(limit))
	_, err := s.Append(ctx, "big", eventstore.Any, ev("Small", `{}`), at(limit+1))
	if !errors.Is(err, eventstore.ErrEventTooLarge) {
		t.Fatalf("event one byte over the limit: want ErrEventTooLarge, got %v", err)
	}
	if !strings.Contains(err.Error(), fmt.Sprint(limit)) {
		t.Fatalf("error does not state the limit: %v", err)
	}
	if n := len(readStream(t, s, "big")); n != 1 {
		t.Fatalf("stream has %d events, want 1", n)
	}
	// The default limit is 1 MiB.
	d := h.open(t)
	p := ev("Big", `"`+strings.Repeat("x", eventstore.DefaultMaxEventSize)+`"`)
	if _, err := d.Append(ctx, "big", eventstore.Any, p); !errors.Is(err, eventstore.ErrEventTooLarge) {
		t.Fatalf("event over 1 MiB with the default limit: want ErrEventTooLarge, got %v", err)
	}
}

func testCancelledContext(t *testing.T, h Harness) {
	s := h.open(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Append(ctx, "c", eventstore.Any, evs(3, "C")...); !errors.Is(err, context.Canceled) {
		t.Fatalf("append with a cancelled context: want context.Canceled, got %v", err)
	}
	if _, err := s.ReadStream(ctx, "c", eventstore.ReadOptions{}); err == nil {
		t.Fatal("read with a cancelled context succeeded")
	}
	if err := s.Subscribe(ctx, eventstore.Start, func(eventstore.Event) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("subscribe with a cancelled context: want context.Canceled, got %v", err)
	}
	if n := len(readAll(t, s, eventstore.Start)); n != 0 {
		t.Fatalf("cancelled append stored %d events", n)
	}
}

// testCancelDuringLoad cancels appends at random moments: each is then
// either wholly stored or absent, and a retry with the same ids stores it
// exactly once.
func testCancelDuringLoad(t *testing.T, h Harness) {
	s := h.open(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var batches [][]eventstore.Proposed
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 15*h.Scale; i++ {
				batch := evs(3, "Maybe")
				ctx, cancel := context.WithTimeout(context.Background(), time.Duration(i%5)*200*time.Microsecond)
				_, err := s.Append(ctx, fmt.Sprintf("cancel-%d", w), eventstore.Any, batch...)
				cancel()
				if err != nil && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
					t.Errorf("append: %v", err)
				}
				mu.Lock()
				batches = append(batches, batch)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	count := func() map[eventstore.EventID]int {
		n := map[eventstore.EventID]int{}
		for _, e := range readAll(t, s, eventstore.Start) {
			n[e.ID]++
		}
		return n
	}
	stored := count()
	for _, b := range batches {
		k := stored[b[0].ID] + stored[b[1].ID] + stored[b[2].ID]
		if k != 0 && k != 3 {
			t.Fatalf("a cancelled append left %d of its 3 events", k)
		}
	}
	ctx := ctxT(t)
	for i, b := range batches {
		if _, err := s.Append(ctx, fmt.Sprintf("cancel-%d", i%8), eventstore.Any, b...); err != nil && !errors.Is(err, eventstore.ErrIdempotencyConflict) {
			t.Fatalf("retry: %v", err)
		}
	}
	for id, n := range count() {
		if n != 1 {
			t.Fatalf("event %s stored %d times after retries", id, n)
		}
	}
}
