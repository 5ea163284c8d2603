package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/parcours/parcours/eventstore"
)

// head is the last event of a stream, as far as a batch knows.
type head struct {
	rev    uint64
	hash   eventstore.Hash
	exists bool
}

// batch is one group commit: appends to streams no other batch of this
// process holds, and what it knows of their heads. It starts with the
// heads the dispatcher remembers, which are only a guess (another process
// may have appended since: the unique key on (stream, revision) reveals
// it), and hands back the heads it committed or read.
type batch struct {
	s     *Store
	reqs  []*request
	heads map[string]head
	read  map[string]head // heads read from the database by this batch
	stale []string        // streams whose remembered head proved out of date
}

// commit inserts every append whose expectation holds in one statement,
// and then takes the others one by one. If the statement fails on a unique
// key (another process appended to one of the streams, or an append is a
// retry), the batch is planned again from heads read afresh, and if it
// fails again its appends too are taken one by one, so a conflict fails
// its own append only.
func (b *batch) commit() {
	ctx := b.s.life
	live := make([]*request, 0, len(b.reqs))
	for _, r := range b.reqs {
		if err := r.ctx.Err(); err != nil {
			r.reply <- reply{err: fmt.Errorf("append to %s: %w", r.stream, err)}
			continue
		}
		live = append(live, r)
	}
	slow, again := b.try(ctx, live)
	if len(again) > 0 {
		guessed := make(map[string]head, len(again))
		for _, r := range again {
			guessed[r.stream] = b.heads[r.stream]
			delete(b.heads, r.stream)
		}
		var slow2 []*request
		slow2, again = b.try(ctx, again)
		slow = append(append(slow, slow2...), again...)
		for stream, h := range guessed {
			if fresh, ok := b.read[stream]; ok && fresh != h {
				b.stale = append(b.stale, stream)
			}
		}
	}
	for _, r := range slow {
		res, err := b.appendOne(ctx, r)
		r.reply <- reply{res: res, err: b.s.classify(ctx, err)}
	}
}

// try inserts in one statement the appends of reqs whose expectation holds
// and answers them. It returns those whose expectation failed (slow) and,
// if the statement hit a unique key or a deadlock, those it tried (again).
func (b *batch) try(ctx context.Context, reqs []*request) (slow, again []*request) {
	if err := b.readHeads(ctx, reqs); err != nil {
		for _, r := range reqs {
			r.reply <- reply{err: fmt.Errorf("append to %s: %w", r.stream, b.s.classify(ctx, err))}
		}
		return nil, nil
	}
	p := b.plan(reqs)
	if len(p.rows) == 0 {
		return p.slow, nil
	}
	txID, err := insertOnPool(ctx, b.s.pool, p.rows)
	b.s.wake()
	for _, t := range p.tried {
		r := t.req
		switch {
		case err == nil:
			b.heads[r.stream] = p.heads[r.stream]
			t.res.Position = eventstore.Position{Hi: txID, Lo: uint64(t.lastRow)}
			r.reply <- reply{res: t.res}
		case isUniqueViolation(err) || isDeadlock(err):
			again = append(again, r)
		default:
			delete(b.heads, r.stream) // the outcome is unknown
			r.reply <- reply{err: fmt.Errorf("append to %s: %w", r.stream, b.s.classify(ctx, err))}
		}
	}
	return p.slow, again
}

// plan is what one insert statement of a batch will do.
type plan struct {
	rows  []row
	tried []planned
	slow  []*request      // appends whose expectation failed
	heads map[string]head // the heads once the statement commits
}

// planned is an append in the statement and its result if it commits.
type planned struct {
	req     *request
	res     eventstore.AppendResult
	lastRow int // index of its last event among the rows
}

// plan chains the events of the appends of reqs whose expectation holds.
// Rows go in in (stream, revision) order, the same in every process: two
// batches that wait for each other's uncommitted keys then wait in the
// same order, and cannot deadlock.
func (b *batch) plan(reqs []*request) plan {
	slices.SortStableFunc(reqs, func(a, b *request) int { return strings.Compare(a.stream, b.stream) })
	n := 0
	for _, r := range reqs {
		n += len(r.events)
	}
	p := plan{rows: make([]row, 0, n), tried: make([]planned, 0, len(reqs)), heads: make(map[string]head, len(reqs))}
	for _, r := range reqs {
		h, ok := p.heads[r.stream]
		if !ok {
			h = b.heads[r.stream]
		}
		if !r.expected.Check(h.rev, h.exists) {
			p.slow = append(p.slow, r) // a conflict, a retry, or a stale head
			continue
		}
		chain := eventstore.Chain{Prev: h.hash, Next: h.rev + 1}
		if !h.exists {
			chain = eventstore.Chain{}
		}
		t := planned{req: r, res: eventstore.AppendResult{FirstRevision: chain.Next}}
		p.rows = linkRows(p.rows, r.stream, &chain, r.events)
		t.lastRow, t.res.LastRevision = len(p.rows)-1, chain.Next-1
		p.heads[r.stream] = head{rev: chain.Next - 1, hash: chain.Prev, exists: true}
		p.tried = append(p.tried, t)
	}
	return p
}

// readHeads reads from the database the heads of the streams of reqs that
// the batch does not know.
func (b *batch) readHeads(ctx context.Context, reqs []*request) error {
	var missing []string
	for _, r := range reqs {
		if _, ok := b.heads[r.stream]; !ok {
			missing = append(missing, r.stream)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	read, err := readHeads(ctx, b.s.pool, missing)
	if err != nil {
		return err
	}
	if b.read == nil {
		b.read = make(map[string]head, len(missing))
	}
	for _, stream := range missing {
		b.heads[stream], b.read[stream] = read[stream], read[stream]
	}
	return nil
}

// appendOne appends r alone, reading the stream's head again. A unique
// violation on (stream, revision) means another process appended to the
// stream since: check the expectation again.
func (b *batch) appendOne(ctx context.Context, r *request) (eventstore.AppendResult, error) {
	for {
		if err := r.ctx.Err(); err != nil {
			return eventstore.AppendResult{}, fmt.Errorf("append to %s: %w", r.stream, err)
		}
		delete(b.heads, r.stream)
		if err := b.readHeads(ctx, []*request{r}); err != nil {
			return eventstore.AppendResult{}, fmt.Errorf("append to %s: %w", r.stream, err)
		}
		h := b.heads[r.stream]
		if !r.expected.Check(h.rev, h.exists) {
			return b.retryOr(ctx, r, &eventstore.ConflictError{Stream: r.stream, Expected: r.expected, Actual: h.rev, Exists: h.exists})
		}
		chain := eventstore.Chain{Prev: h.hash, Next: h.rev + 1}
		if !h.exists {
			chain = eventstore.Chain{}
		}
		res := eventstore.AppendResult{FirstRevision: chain.Next}
		rows := linkRows(nil, r.stream, &chain, r.events)
		txID, err := insertOnPool(ctx, b.s.pool, rows)
		b.s.wake()
		switch {
		case err == nil:
			res.LastRevision = chain.Next - 1
			res.Position = eventstore.Position{Hi: txID, Lo: uint64(len(rows) - 1)}
			b.heads[r.stream] = head{rev: res.LastRevision, hash: chain.Prev, exists: true}
			return res, nil
		case isUniqueViolationOf(err, constraintStreamRevision) || isDeadlock(err):
			continue
		case isUniqueViolationOf(err, constraintEventID):
			return b.retryOr(ctx, r, fmt.Errorf("append to %s: %w", r.stream, err))
		}
		delete(b.heads, r.stream)
		return eventstore.AppendResult{}, fmt.Errorf("append to %s: %w", r.stream, err)
	}
}

// retryOr decides an append that cannot go in as it is: if some of its
// event IDs are stored, it is a retry (the original result) or an
// idempotency conflict; otherwise cause stands.
func (b *batch) retryOr(ctx context.Context, r *request, cause error) (eventstore.AppendResult, error) {
	ids := make([][16]byte, len(r.events))
	for i, e := range r.events {
		ids[i] = e.ID
	}
	rows, err := b.s.pool.Query(ctx, selectEvents+` WHERE event_id = ANY($1)`, ids)
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
