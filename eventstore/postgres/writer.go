package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/parcours/parcours/eventstore"
)

type request struct {
	ctx      context.Context
	stream   string
	expected eventstore.ExpectedRevision
	events   []eventstore.Proposed
	reply    chan reply
}

type reply struct {
	res eventstore.AppendResult
	err error
}

// writer turns the appends queued for its streams into group commits. A
// stream always goes to the same writer, so two batches of one process
// never race for the same stream.
type writer struct {
	s    *Store
	reqs chan *request
}

func (w *writer) run() {
	defer w.s.bg.Done()
	batch := make([]*request, 0, 64)
	for {
		select {
		case r := <-w.reqs:
			batch = append(batch[:0], r)
		case <-w.s.life.Done():
			return
		}
		// Take every append already waiting: they share one commit.
		n := len(batch[0].events)
	gather:
		for n < w.s.opts.MaxBatch {
			select {
			case r := <-w.reqs:
				batch = append(batch, r)
				n += len(r.events)
			default:
				break gather
			}
		}
		w.commit(batch)
		clear(batch)
	}
}

// head is the last event of a stream, as far as a batch knows.
type head struct {
	rev    uint64
	hash   eventstore.Hash
	exists bool
}

// commit plans the batch against the streams' heads, inserts every append
// whose expectation holds in one statement, and then takes the others,
// or all of them if that statement failed on a unique key, one by one.
func (w *writer) commit(batch []*request) {
	ctx := w.s.life
	streams := make([]string, 0, len(batch))
	for _, r := range batch {
		streams = append(streams, r.stream)
	}
	heads, err := readHeads(ctx, w.s.pool, streams)
	if err != nil {
		for _, r := range batch {
			r.reply <- reply{err: fmt.Errorf("append to %s: %w", r.stream, w.s.classify(ctx, err))}
		}
		return
	}
	results := make([]eventstore.AppendResult, len(batch))
	slow := make([]bool, len(batch))
	var rows []row
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.reply <- reply{err: fmt.Errorf("append to %s: %w", r.stream, err)}
			batch[i] = nil
			continue
		}
		h := heads[r.stream]
		if !r.expected.Check(h.rev, h.exists) {
			slow[i] = true // a conflict, or a retry: decided on its own below
			continue
		}
		chain := eventstore.Chain{Prev: h.hash, Next: h.rev + 1}
		if !h.exists {
			chain = eventstore.Chain{}
		}
		results[i].FirstRevision = chain.Next
		rows = linkRows(rows, r.stream, &chain, r.events)
		results[i].LastRevision = chain.Next - 1
		heads[r.stream] = head{rev: chain.Next - 1, hash: chain.Prev, exists: true}
	}
	if len(rows) > 0 {
		positions, err := insertRows(ctx, w.s.pool, rows, w.s.channel)
		w.s.signal.Notify()
		for i, r := range batch {
			if r == nil || slow[i] {
				continue
			}
			switch {
			case err == nil:
				results[i].Position = positions[r.events[len(r.events)-1].ID]
				r.reply <- reply{res: results[i]}
			case isUniqueViolation(err):
				slow[i] = true // a retry or another process's append in the batch: sort it out one by one
			default:
				r.reply <- reply{err: fmt.Errorf("append to %s: %w", r.stream, w.s.classify(ctx, err))}
			}
		}
	}
	for i, r := range batch {
		if r != nil && slow[i] {
			res, err := w.appendOne(ctx, r)
			r.reply <- reply{res: res, err: w.s.classify(ctx, err)}
		}
	}
}

// appendOne appends r alone, reading the stream's head again. A unique
// violation on (stream, revision) means another process appended to the
// stream since: check the expectation again.
func (w *writer) appendOne(ctx context.Context, r *request) (eventstore.AppendResult, error) {
	for {
		if err := r.ctx.Err(); err != nil {
			return eventstore.AppendResult{}, fmt.Errorf("append to %s: %w", r.stream, err)
		}
		heads, err := readHeads(ctx, w.s.pool, []string{r.stream})
		if err != nil {
			return eventstore.AppendResult{}, fmt.Errorf("append to %s: %w", r.stream, err)
		}
		h := heads[r.stream]
		if !r.expected.Check(h.rev, h.exists) {
			return w.retryOr(ctx, r, &eventstore.ConflictError{Stream: r.stream, Expected: r.expected, Actual: h.rev, Exists: h.exists})
		}
		chain := eventstore.Chain{Prev: h.hash, Next: h.rev + 1}
		if !h.exists {
			chain = eventstore.Chain{}
		}
		res := eventstore.AppendResult{FirstRevision: chain.Next}
		rows := linkRows(nil, r.stream, &chain, r.events)
		positions, err := insertRows(ctx, w.s.pool, rows, w.s.channel)
		w.s.signal.Notify()
		switch {
		case err == nil:
			res.LastRevision = chain.Next - 1
			res.Position = positions[r.events[len(r.events)-1].ID]
			return res, nil
		case isUniqueViolationOf(err, constraintStreamRevision):
			continue
		case isUniqueViolationOf(err, constraintEventID):
			return w.retryOr(ctx, r, fmt.Errorf("append to %s: %w", r.stream, err))
		}
		return eventstore.AppendResult{}, fmt.Errorf("append to %s: %w", r.stream, err)
	}
}

// retryOr decides an append that cannot go in as it is: if some of its
// event IDs are stored, it is a retry (the original result) or an
// idempotency conflict; otherwise cause stands.
func (w *writer) retryOr(ctx context.Context, r *request, cause error) (eventstore.AppendResult, error) {
	ids := make([][16]byte, len(r.events))
	for i, e := range r.events {
		ids[i] = e.ID
	}
	rows, err := w.s.pool.Query(ctx, selectEvents+` WHERE event_id = ANY($1)`, ids)
	if err != nil {
		return eventstore.AppendResult{}, errors.Join(cause, fmt.Errorf("look up event ids: %w", err))
	}
	found, err := scanEvents(rows)
	if err != nil {
		return eventstore.AppendResult{}, errors.Join(cause, fmt.Errorf("look up event ids: %w", err))
	}
	if len(found) == 0 {
		return eventstore.AppendResult{}, cause
	}
	return eventstore.MatchRetry(r.stream, r.events, found)
}
