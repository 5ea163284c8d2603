package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

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

// writer owns the one write connection and turns queued appends into group
// commits.
//
// It remembers the head (last revision and hash) of the streams it wrote,
// so that most appends cost one statement, the INSERT, instead of a read
// and an INSERT. The memory is only trusted while no other connection
// wrote the file: each batch starts, under the write lock, by reading
// PRAGMA data_version, which changes when another connection (another
// process, say an admin command) has committed; then everything
// remembered is forgotten.
type writer struct {
	s                           *Store
	ctx                         context.Context
	conn                        *sql.Conn
	head, insert, byID, version *sql.Stmt

	heads       map[string]streamHead // committed heads of streams this writer wrote
	pending     map[string]streamHead // heads written by the batch in progress
	dataVersion int64
}

type streamHead struct {
	rev  uint64
	hash eventstore.Hash
}

// maxCachedHeads bounds the heads the writer remembers.
const maxCachedHeads = 16384

func newWriter(ctx context.Context, s *Store) (*writer, error) {
	// The writer outlives Open's context; it stops with Close.
	wctx := context.WithoutCancel(ctx)
	conn, err := s.writer.Conn(wctx)
	if err != nil {
		return nil, fmt.Errorf("open write connection to %s: %w", s.path, err)
	}
	w := &writer{s: s, ctx: wctx, conn: conn, heads: map[string]streamHead{}, pending: map[string]streamHead{}, dataVersion: -1}
	prep := func(q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var st *sql.Stmt
		st, err = conn.PrepareContext(wctx, q)
		return st
	}
	w.head = prep(`SELECT revision, hash FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1`)
	w.insert = prep(`INSERT INTO events (stream, revision, event_id, type, schema_version, data, metadata, recorded_at, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING rowid`)
	w.byID = prep(selectEvents + ` WHERE event_id = ?`)
	w.version = prep(`PRAGMA data_version`)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("prepare statements on %s: %w", s.path, err)
	}
	return w, nil
}

func (w *writer) run() {
	defer close(w.s.done)
	defer w.conn.Close()
	batch := make([]*request, 0, w.s.opts.MaxBatch)
	for {
		select {
		case r := <-w.s.reqs:
			batch = append(batch[:0], r)
		case <-w.s.quit:
			return
		}
		// Take every append already waiting: they share one commit.
	gather:
		for len(batch) < w.s.opts.MaxBatch {
			select {
			case r := <-w.s.reqs:
				batch = append(batch, r)
			default:
				break gather
			}
		}
		w.commit(batch)
	}
}

// commit writes a batch in one transaction and answers each append.
func (w *writer) commit(batch []*request) {
	replies := make([]reply, len(batch))
	fail := func(err error) {
		for i := range replies {
			if replies[i].err == nil {
				replies[i] = reply{err: err}
			}
		}
	}
	clear(w.pending)
	if _, err := w.conn.ExecContext(w.ctx, `BEGIN IMMEDIATE`); err != nil {
		fail(fmt.Errorf("begin transaction: %w", err))
	} else {
		w.checkDataVersion()
		now := time.Now().UnixNano()
		single := len(batch) == 1
		for i, r := range batch {
			if err := r.ctx.Err(); err != nil {
				replies[i] = reply{err: fmt.Errorf("append to %s: %w", r.stream, err)}
				continue
			}
			replies[i].res, replies[i].err = w.appendOne(r, now, !single && len(r.events) > 1)
		}
		if _, err := w.conn.ExecContext(w.ctx, `COMMIT`); err != nil {
			_, _ = w.conn.ExecContext(w.ctx, `ROLLBACK`)
			fail(fmt.Errorf("commit: %w", err))
			clear(w.heads) // what was written is unknown: read heads again
		} else {
			for stream, h := range w.pending {
				if _, known := w.heads[stream]; !known && len(w.heads) >= maxCachedHeads {
					for old := range w.heads { // map order is random
						delete(w.heads, old)
						break
					}
				}
				w.heads[stream] = h
			}
		}
	}
	w.s.signal.Notify()
	for i, r := range batch {
		r.reply <- replies[i]
	}
}

// appendOne applies one append inside the batch transaction. With
// savepoint, a failure undoes this append only. An append of one event
// needs none: its one INSERT either stores the row or, failing, stores
// nothing (SQLite undoes a failed statement, and the transaction goes on),
// so most appends of a group commit cost two statements, not four.
func (w *writer) appendOne(r *request, now int64, savepoint bool) (eventstore.AppendResult, error) {
	if savepoint {
		if _, err := w.conn.ExecContext(w.ctx, `SAVEPOINT append_one`); err != nil {
			return eventstore.AppendResult{}, fmt.Errorf("append to %s: savepoint: %w", r.stream, err)
		}
	}
	res, written, err := w.tryAppend(r, now)
	if err != nil && written && (savepoint || len(r.events) > 1) {
		if savepoint {
			_, err2 := w.conn.ExecContext(w.ctx, `ROLLBACK TO append_one`)
			err = errors.Join(err, err2)
		} else {
			// Nothing else is in this transaction: undo it all and begin again.
			_, err2 := w.conn.ExecContext(w.ctx, `ROLLBACK`)
			_, err3 := w.conn.ExecContext(w.ctx, `BEGIN IMMEDIATE`)
			err = errors.Join(err, err2, err3)
		}
	}
	if savepoint {
		if _, err2 := w.conn.ExecContext(w.ctx, `RELEASE append_one`); err2 != nil && err == nil {
			err = fmt.Errorf("append to %s: release savepoint: %w", r.stream, err2)
		}
	}
	if err != nil {
		// Whatever this append did is undone: its stream's head is read
		// again, from the transaction, if needed.
		delete(w.pending, r.stream)
		delete(w.heads, r.stream)
	}
	if err != nil && (errors.Is(err, errInsert) || errors.Is(err, eventstore.ErrWrongExpectedRevision)) {
		// A conflict or a failed insert may be a retry of an append that
		// already landed: decide from what is stored.
		return w.matchRetry(r, err)
	}
	return res, err
}

var errInsert = errors.New("insert failed")

func (w *writer) tryAppend(r *request, now int64) (res eventstore.AppendResult, written bool, err error) {
	h, exists, err := w.headOf(r.stream)
	if err != nil {
		return res, false, fmt.Errorf("append to %s: read head: %w", r.stream, err)
	}
	if !r.expected.Check(h.rev, exists) {
		return res, false, &eventstore.ConflictError{Stream: r.stream, Expected: r.expected, Actual: h.rev, Exists: exists}
	}
	chain := eventstore.Chain{}
	if exists {
		chain.Prev, chain.Next = h.hash, h.rev+1
	}
	res.FirstRevision = chain.Next
	for _, e := range r.events {
		rev, prev, hash := chain.Link(r.stream, e)
		var pos int64
		if err := w.insert.QueryRowContext(w.ctx, r.stream, int64(rev), e.ID[:], e.Type, int64(e.SchemaVersion),
			e.Data, e.Metadata, now, prev[:], hash[:]).Scan(&pos); err != nil {
			return res, true, fmt.Errorf("append to %s: %w: %w", r.stream, errInsert, err)
		}
		res.LastRevision, res.Position = rev, eventstore.Position{Lo: uint64(pos)}
		h = streamHead{rev: rev, hash: hash}
	}
	w.pending[r.stream] = h
	return res, true, nil
}

// headOf returns the head of stream as this batch's transaction sees it:
// from what the batch wrote, else from what the writer remembers, else
// read from the file.
func (w *writer) headOf(stream string) (streamHead, bool, error) {
	if h, ok := w.pending[stream]; ok {
		return h, true, nil
	}
	if h, ok := w.heads[stream]; ok {
		return h, true, nil
	}
	var (
		h    streamHead
		rev  int64
		hash []byte
	)
	switch err := w.head.QueryRowContext(w.ctx, stream).Scan(&rev, &hash); {
	case errors.Is(err, sql.ErrNoRows):
		return h, false, nil
	case err != nil:
		return h, false, err
	case copy(h.hash[:], hash) != len(h.hash):
		return h, false, fmt.Errorf("stream %s revision %d: malformed hash", stream, rev)
	}
	h.rev = uint64(rev)
	return h, true, nil
}

// checkDataVersion forgets the remembered heads if another connection
// committed to the file since this writer last looked; it runs under the
// write lock, at the start of each batch.
func (w *writer) checkDataVersion() {
	var v int64
	if err := w.version.QueryRowContext(w.ctx).Scan(&v); err != nil || v != w.dataVersion {
		clear(w.heads)
		w.dataVersion = v
		if err != nil {
			w.dataVersion = -1
		}
	}
}

func (w *writer) matchRetry(r *request, cause error) (eventstore.AppendResult, error) {
	found, err := w.lookup(r)
	if err != nil {
		return eventstore.AppendResult{}, errors.Join(cause, err)
	}
	if len(found) == 0 {
		return eventstore.AppendResult{}, cause
	}
	return eventstore.MatchRetry(r.stream, r.events, found)
}

// lookup returns the stored events that have the IDs of r's events.
func (w *writer) lookup(r *request) ([]eventstore.Event, error) {
	var found []eventstore.Event
	for _, e := range r.events {
		ev, err := scanEvent(w.byID.QueryRowContext(w.ctx, e.ID[:]))
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("append to %s: look up event %s: %w", r.stream, e.ID, err)
		}
		found = append(found, ev)
	}
	return found, nil
}
