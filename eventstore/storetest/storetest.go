// Package storetest is the conformance suite of the eventstore contract.
// Every backend runs it from its own tests:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, storetest.Harness{New: func(t *testing.T, cfg storetest.Config) eventstore.Store { ... }})
//	}
//
// Each case opens a fresh, empty store through the harness, so cases never
// see each other's events.
package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/parcours/parcours/eventstore"
)

// Config is what a case asks of the store it opens.
type Config struct {
	// MaxEventSize is the limit on one event's data plus metadata.
	MaxEventSize int
}

// Harness opens stores of the backend under test.
type Harness struct {
	// New returns a fresh, empty store configured as cfg says; the harness
	// closes it and removes its data through t.Cleanup.
	New func(t *testing.T, cfg Config) eventstore.Store
	// Tamper, if set, changes the stored data of the event at rev of stream
	// in place, bypassing the store's API, so the suite can check that the
	// chain catches it. Backends whose storage cannot be altered leave it nil
	// and the in-memory tamper cases still run.
	Tamper func(t *testing.T, s eventstore.Store, stream string, rev uint64, data []byte)
	// Delete, if set, removes the event at rev of stream from storage.
	Delete func(t *testing.T, s eventstore.Store, stream string, rev uint64)
	// Scale multiplies the sizes of the concurrency cases (default 1).
	Scale int
}

// Run runs every case of the suite.
func Run(t *testing.T, h Harness) {
	if h.Scale <= 0 {
		h.Scale = 1
	}
	cases := []struct {
		name string
		fn   func(*testing.T, Harness)
	}{
		{"ExpectedRevision", testExpectedRevision},
		{"ConflictCarriesActual", testConflictCarriesActual},
		{"RacingWriters", testRacingWriters},
		{"AtomicMultiEvent", testAtomicMultiEvent},
		{"IdempotentRetry", testIdempotentRetry},
		{"PartialOverlap", testPartialOverlap},
		{"FailuresIsolatedInGroupCommits", testFailuresIsolatedInGroupCommits},
		{"ReadStream", testReadStream},
		{"StreamNotFound", testStreamNotFound},
		{"ReadAll", testReadAll},
		{"GlobalLogUnderConcurrency", testGlobalLogUnderConcurrency},
		{"SubscribeCatchUpThenLive", testSubscribeCatchUpThenLive},
		{"SubscribeResumeUnderWriters", testSubscribeResumeUnderWriters},
		{"ByteExactRoundTrip", testByteExactRoundTrip},
		{"InvalidInput", testInvalidInput},
		{"SizeLimit", testSizeLimit},
		{"CancelledContext", testCancelledContext},
		{"CancelDuringLoad", testCancelDuringLoad},
		{"HashChain", testHashChain},
		{"TamperDetection", testTamperDetection},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.fn(t, h) })
	}
}

func (h Harness) open(t *testing.T) eventstore.Store {
	t.Helper()
	return h.New(t, Config{MaxEventSize: eventstore.DefaultMaxEventSize})
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// ev makes a proposed event with a fresh ID.
func ev(typ, data string) eventstore.Proposed {
	return eventstore.Proposed{
		ID:            eventstore.NewEventID(),
		Type:          typ,
		SchemaVersion: 1,
		Data:          []byte(data),
		Metadata:      []byte(`{"actor":"storetest","tenant":"t1"}`),
	}
}

func evs(n int, typ string) []eventstore.Proposed {
	out := make([]eventstore.Proposed, n)
	for i := range out {
		out[i] = ev(typ, fmt.Sprintf(`{"n":%d}`, i))
	}
	return out
}

func mustAppend(t *testing.T, s eventstore.Store, stream string, exp eventstore.ExpectedRevision, events ...eventstore.Proposed) eventstore.AppendResult {
	t.Helper()
	res, err := s.Append(ctxT(t), stream, exp, events...)
	if err != nil {
		t.Fatalf("append %d events to %s (expect %s): %v", len(events), stream, exp, err)
	}
	return res
}

func readStream(t *testing.T, s eventstore.Store, stream string) []eventstore.Event {
	t.Helper()
	var all []eventstore.Event
	for from := uint64(0); ; {
		page, err := s.ReadStream(ctxT(t), stream, eventstore.ReadOptions{From: from, Limit: 500})
		if err != nil {
			t.Fatalf("read %s: %v", stream, err)
		}
		all = append(all, page...)
		if len(page) < 500 {
			return all
		}
		from = page[len(page)-1].Revision + 1
	}
}

func readAll(t *testing.T, s eventstore.Store, from eventstore.Position) []eventstore.Event {
	t.Helper()
	var all []eventstore.Event
	for {
		page, err := s.ReadAll(ctxT(t), from, 500)
		if err != nil {
			t.Fatalf("read all from %s: %v", from, err)
		}
		all = append(all, page...)
		if len(page) < 500 {
			return all
		}
		from = page[len(page)-1].Position
	}
}
