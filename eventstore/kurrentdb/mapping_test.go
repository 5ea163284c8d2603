package kurrentdb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"

	"github.com/parcours/parcours/eventstore"
)

func TestClientExpected(t *testing.T) {
	cases := []struct {
		in   eventstore.ExpectedRevision
		want esdb.ExpectedRevision
	}{
		{eventstore.Any, esdb.Any{}},
		{eventstore.NoStream, esdb.NoStream{}},
		{eventstore.StreamExists, esdb.StreamExists{}},
		{eventstore.Exactly(0), esdb.Revision(0)},
		{eventstore.Exactly(41), esdb.StreamRevision{Value: 41}},
		{eventstore.Exactly(math.MaxUint64 - 1), esdb.Revision(math.MaxUint64 - 1)},
	}
	for _, c := range cases {
		if got := clientExpected(c.in); got != c.want {
			t.Errorf("clientExpected(%s) = %#v, want %#v", c.in, got, c.want)
		}
	}
	if got := clientExpected(headExpectation(0, false)); got != (esdb.NoStream{}) {
		t.Errorf("head of a new stream: %#v", got)
	}
	if got := clientExpected(headExpectation(7, true)); got != esdb.Revision(7) {
		t.Errorf("head at 7: %#v", got)
	}
}

func TestPositionMapping(t *testing.T) {
	ps := []esdb.Position{{Commit: 0, Prepare: 0}, {Commit: 0, Prepare: 9}, {Commit: 1200, Prepare: 1100}, {Commit: 1200, Prepare: 1200}, {Commit: 1300, Prepare: 0}, {Commit: math.MaxUint64 - 1, Prepare: 5}}
	for i, p := range ps {
		e := fromClientPosition(p)
		if e.Hi != p.Commit || e.Lo != p.Prepare {
			t.Errorf("%+v mapped to %+v", p, e)
		}
		if back, ok := clientPosition(e).(esdb.Position); !e.IsZero() && (!ok || back != p) {
			t.Errorf("%+v came back as %#v", p, clientPosition(e))
		}
		if i > 0 && !fromClientPosition(ps[i-1]).Less(e) {
			t.Errorf("%+v does not order before %+v", ps[i-1], p)
		}
		// The string form that checkpoints store parses back.
		if q, err := eventstore.ParsePosition(e.String()); err != nil || q != e {
			t.Errorf("position %s: parsed back as %s, %v", e, q, err)
		}
	}
	if clientPosition(eventstore.Start) != (esdb.Start{}) {
		t.Errorf("Start maps to %#v", clientPosition(eventstore.Start))
	}
	if knownPosition(esdb.Position{Commit: math.MaxUint64, Prepare: math.MaxUint64}) || !knownPosition(ps[2]) {
		t.Error("knownPosition misjudges the unset position")
	}
}

// TestClientErrors drives the real client against the fake server, so the
// errors mapped are the client's own *esdb.Error values.
func TestClientErrors(t *testing.T) {
	f, conn := startFake(t)
	cfg, err := ClientConfig(conn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Logger = esdb.NoopLogging()
	client, err := esdb.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		f.inject("three", "E", []byte(`{}`), nil)
	}
	appendOne := func(ctx context.Context, stream string, exp esdb.ExpectedRevision, data []byte) error {
		_, err := client.AppendToStream(ctx, stream, esdb.AppendToStreamOptions{ExpectedRevision: exp}, esdb.EventData{EventID: uuid.New(), EventType: "E", Data: data})
		return err
	}

	t.Run("wrong expected version, stream at a revision", func(t *testing.T) {
		err := appendOne(ctx, "three", esdb.Revision(0), []byte(`{}`))
		code, ok := clientCode(fmt.Errorf("wrapped: %w", err))
		if !ok || code != esdb.ErrorCodeWrongExpectedVersion {
			t.Fatalf("client error %v: code %v, %v", err, code, ok)
		}
		// esdb.FromError does not see through wrapping: the reason it is not used.
		if e, _ := esdb.FromError(fmt.Errorf("wrapped: %w", err)); e.Code() == esdb.ErrorCodeWrongExpectedVersion {
			t.Log("esdb.FromError now unwraps; clientCode could use it")
		}
		ce, reported, isConflict := conflictFrom(err, "three", eventstore.Exactly(0))
		if !isConflict || !reported || !ce.Exists || ce.Actual != 2 || ce.Stream != "three" {
			t.Fatalf("conflictFrom(%v) = %+v, %v, %v", err, ce, reported, isConflict)
		}
		if !errors.Is(ce, eventstore.ErrWrongExpectedRevision) {
			t.Fatal("conflict does not match the sentinel")
		}
	})
	t.Run("wrong expected version, no stream", func(t *testing.T) {
		err := appendOne(ctx, "missing", esdb.Revision(4), []byte(`{}`))
		ce, reported, isConflict := conflictFrom(err, "missing", eventstore.Exactly(4))
		if !isConflict || !reported || ce.Exists {
			t.Fatalf("conflictFrom(%v) = %+v, %v, %v", err, ce, reported, isConflict)
		}
	})
	t.Run("stream not found", func(t *testing.T) {
		rs, err := client.ReadStream(ctx, "missing", esdb.ReadStreamOptions{}, 10)
		if err == nil {
			_, err = rs.Recv()
			rs.Close()
		}
		if !isNotFound(err) || !errors.Is(clientError(ctx, "read missing", err), eventstore.ErrStreamNotFound) {
			t.Fatalf("read of a missing stream: %v", err)
		}
	})
	t.Run("append too large for the server", func(t *testing.T) {
		f.mu.Lock()
		f.maxAppend = 100
		f.mu.Unlock()
		defer func() { f.mu.Lock(); f.maxAppend = 1 << 20; f.mu.Unlock() }()
		err := appendOne(ctx, "big", esdb.Any{}, []byte(`"`+strings.Repeat("x", 200)+`"`))
		if !isTooLarge(err) || !errors.Is(clientError(ctx, "append to big", err), eventstore.ErrEventTooLarge) {
			t.Fatalf("oversized append: %v", err)
		}
	})
	t.Run("cancelled context", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		err := appendOne(cctx, "three", esdb.Any{}, []byte(`{}`))
		if err == nil || !errors.Is(clientError(cctx, "append to three", err), context.Canceled) {
			t.Fatalf("append with a cancelled context: %v", err)
		}
	})
	t.Run("errors that are not the client's", func(t *testing.T) {
		for _, err := range []error{io.EOF, errors.New("boom"), context.DeadlineExceeded} {
			if _, ok := clientCode(err); ok {
				t.Errorf("%v taken for a client error", err)
			}
			if _, _, isConflict := conflictFrom(err, "s", eventstore.Any); isConflict || isNotFound(err) || isTooLarge(err) || isPermanent(err) {
				t.Errorf("%v misclassified", err)
			}
		}
	})
}
