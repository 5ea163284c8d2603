package kurrentdb

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"

	"github.com/parcours/parcours/eventstore"
)

// Append implements eventstore.Store. See the package doc for how the chain
// is kept linked and how retries are recognised.
func (s *Store) Append(ctx context.Context, stream string, expected eventstore.ExpectedRevision, events ...eventstore.Proposed) (eventstore.AppendResult, error) {
	var none eventstore.AppendResult
	if err := eventstore.ValidateAppend(stream, events, s.opts.MaxEventSize); err != nil {
		return none, err
	}
	op := "append to " + stream
	if err := ctx.Err(); err != nil {
		return none, fmt.Errorf("%s: %w", op, err)
	}
	if err := s.begin(op); err != nil {
		return none, err
	}
	defer s.ops.Done()
	found, err := s.remembered(ctx, stream, events)
	if err != nil {
		return none, err
	}
	if len(found) > 0 {
		return eventstore.MatchRetry(stream, events, found)
	}
	for attempt := 1; ; attempt++ {
		res, again, err := s.tryAppend(ctx, stream, expected, events, attempt)
		if !again {
			return res, err
		}
		// Another writer won the race: read the new head and link again.
		if err := pause(ctx, time.Duration(rand.N(attempt*2000))*time.Microsecond); err != nil {
			return none, fmt.Errorf("%s: %w", op, err)
		}
	}
}

// tryAppend reads the head, checks the expectation, links and appends.
// again reports that another writer moved the head meanwhile and that a new
// attempt may succeed.
func (s *Store) tryAppend(ctx context.Context, stream string, expected eventstore.ExpectedRevision, events []eventstore.Proposed, attempt int) (res eventstore.AppendResult, again bool, err error) {
	op := "append to " + stream
	// Only an append that does not pin the revision can be a retry landing
	// anywhere in the stream; exact ones are checked when they conflict.
	search := (expected.IsAny() || expected.IsStreamExists()) && attempt == 1
	window := 1
	if search {
		window = s.opts.RetryWindow
	}
	recent, err := s.readStream(ctx, stream, esdb.ReadStreamOptions{Direction: esdb.Backwards, From: esdb.End{}}, window)
	if err != nil && !isNotFound(err) {
		return res, false, clientError(ctx, op+": read the head", err)
	}
	if found := withIDs(recent, events); search && len(found) > 0 {
		res, err = s.matchAround(ctx, stream, events, found)
		return res, false, err
	}
	var head eventstore.Event
	exists := len(recent) > 0
	if exists {
		head = recent[0]
	}
	if !expected.Check(head.Revision, exists) {
		res, err = s.resolveConflict(ctx, stream, expected, events, head.Revision, exists)
		return res, false, err
	}
	if exists && head.Hash == (eventstore.Hash{}) {
		return res, false, &eventstore.ChainError{Stream: stream, Revision: head.Revision, Reason: "the last event is not a Parcours event (no metadata envelope); refusing to link onto it"}
	}
	res, wr, err := s.write(ctx, stream, head, exists, events)
	if err == nil {
		res, err = s.confirm(ctx, stream, res, wr, events)
		return res, false, err
	}
	ce, reported, isConflict := conflictFrom(err, stream, expected)
	switch {
	case !isConflict || ctxErr(ctx) != nil:
		return eventstore.AppendResult{}, false, clientError(ctx, op, err)
	case reported && !(expected.IsAny() || expected.IsStreamExists()):
		res, err = s.resolveConflict(ctx, stream, expected, events, ce.Actual, ce.Exists)
		return res, false, err
	case attempt >= s.opts.AppendAttempts:
		return eventstore.AppendResult{}, false, fmt.Errorf("%s: another writer moved the head %d times in a row: %w", op, attempt, ce)
	}
	return eventstore.AppendResult{}, true, nil
}

// write links events onto head and appends them, expecting exactly that
// head. The error, if any, is the client's, unmapped.
func (s *Store) write(ctx context.Context, stream string, head eventstore.Event, exists bool, events []eventstore.Proposed) (eventstore.AppendResult, *esdb.WriteResult, error) {
	var chain eventstore.Chain
	if exists {
		chain = eventstore.Chain{Prev: head.Hash, Next: head.Revision + 1}
	}
	res := eventstore.AppendResult{FirstRevision: chain.Next}
	data := make([]esdb.EventData, len(events))
	for i, e := range events {
		rev, prev, hash := chain.Link(stream, e)
		data[i] = esdb.EventData{
			EventID:     uuid.UUID(e.ID),
			EventType:   e.Type,
			ContentType: esdb.ContentTypeJson,
			Data:        e.Data,
			Metadata:    encodeEnvelope(e.Metadata, envFields{Namespace: s.opts.StreamPrefix, SchemaVersion: e.SchemaVersion, Prev: prev, Hash: hash}),
		}
		res.LastRevision = rev
	}
	// Remember where the events go before sending them: if the outcome is
	// lost (a cancelled context), a retry in this process still finds them.
	s.ids.add(stream, res.FirstRevision, events)
	opts := esdb.AppendToStreamOptions{ExpectedRevision: clientExpected(headExpectation(head.Revision, exists))}
	wr, err := s.client.AppendToStream(ctx, s.opts.StreamPrefix+stream, opts, data...)
	return res, wr, err
}

// confirm completes the result of an append that succeeded: it reads the
// last event back for its exact $all position, and remembers the IDs.
func (s *Store) confirm(ctx context.Context, stream string, res eventstore.AppendResult, wr *esdb.WriteResult, events []eventstore.Proposed) (eventstore.AppendResult, error) {
	op := "append to " + stream
	res.Position = fromClientPosition(esdb.Position{Commit: wr.CommitPosition, Prepare: wr.PreparePosition})
	last, err := s.readStream(ctx, stream, esdb.ReadStreamOptions{Direction: esdb.Forwards, From: esdb.Revision(res.LastRevision)}, 1)
	if err != nil {
		// Stored, but the caller cannot be told where: it retries with the
		// same IDs, which finds them.
		return eventstore.AppendResult{}, clientError(ctx, op+": read back the last event", err)
	}
	if len(last) != 1 || last[0].ID != events[len(events)-1].ID {
		return eventstore.AppendResult{}, fmt.Errorf("%s: the event at revision %d is not the last one appended", op, res.LastRevision)
	}
	if !last[0].Position.IsZero() {
		res.Position = last[0].Position
	}
	return res, nil
}

// resolveConflict answers an append whose expectation does not hold: an
// exact retry of an append that landed (its IDs right after the expected
// revision) gets the original result, anything else a *ConflictError.
func (s *Store) resolveConflict(ctx context.Context, stream string, expected eventstore.ExpectedRevision, events []eventstore.Proposed, actual uint64, exists bool) (eventstore.AppendResult, error) {
	ce := &eventstore.ConflictError{Stream: stream, Expected: expected, Actual: actual, Exists: exists}
	from, exact := expected.Revision()
	switch {
	case exact:
		from++
	case !expected.IsNoStream():
		return eventstore.AppendResult{}, ce
	}
	if !exists || actual < from {
		return eventstore.AppendResult{}, ce
	}
	slot, err := s.readStream(ctx, stream, esdb.ReadStreamOptions{Direction: esdb.Forwards, From: esdb.Revision(from)}, len(events))
	if err != nil && !isNotFound(err) {
		return eventstore.AppendResult{}, clientError(ctx, "append to "+stream+": look for a retry", err)
	}
	if found := withIDs(slot, events); len(found) > 0 {
		return eventstore.MatchRetry(stream, events, found)
	}
	return eventstore.AppendResult{}, ce
}

// matchAround decides a retry from found, some of the append's events seen
// in the stream's tail. When only some were seen, it also reads every
// revision the append could occupy around them, so that a batch straddling
// the edge of the window is judged whole.
func (s *Store) matchAround(ctx context.Context, stream string, events []eventstore.Proposed, found []eventstore.Event) (eventstore.AppendResult, error) {
	if len(found) < len(events) {
		low := found[0].Revision
		for _, e := range found {
			low = min(low, e.Revision)
		}
		span := uint64(len(events) - 1)
		from := low - min(low, span)
		more, err := s.readStream(ctx, stream, esdb.ReadStreamOptions{Direction: esdb.Forwards, From: esdb.Revision(from)}, 2*len(events)-1)
		if err != nil && !isNotFound(err) {
			return eventstore.AppendResult{}, clientError(ctx, "append to "+stream+": look for a retry", err)
		}
		found = append(found, withIDs(more, events)...)
	}
	return eventstore.MatchRetry(stream, events, found)
}

// remembered returns the stored events that have the IDs of events, as far
// as this process remembers sending them: each remembered place (in this
// stream or another) is read to see whether the event is really there.
func (s *Store) remembered(ctx context.Context, stream string, events []eventstore.Proposed) ([]eventstore.Event, error) {
	var found []eventstore.Event
	for _, p := range events {
		loc, ok := s.ids.get(p.ID)
		if !ok {
			continue
		}
		got, err := s.readStream(ctx, loc.stream, esdb.ReadStreamOptions{Direction: esdb.Forwards, From: esdb.Revision(loc.rev)}, 1)
		if err != nil && !isNotFound(err) {
			return nil, clientError(ctx, "append to "+stream+": look up event "+p.ID.String(), err)
		}
		if len(got) == 1 && got[0].ID == p.ID {
			found = append(found, got[0])
		}
	}
	return found, nil
}

// withIDs returns the events of stored that have the ID of one of events.
func withIDs(stored []eventstore.Event, events []eventstore.Proposed) []eventstore.Event {
	var found []eventstore.Event
	for _, e := range stored {
		for _, p := range events {
			if e.ID == p.ID {
				found = append(found, e)
				break
			}
		}
	}
	return found
}

// pause waits for d or until ctx ends.
func pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
