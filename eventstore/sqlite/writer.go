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
type writer struct {
	s                  *Store
	ctx                context.Context
	conn               *sql.Conn
	head, insert, byID *sql.Stmt
}

func newWriter(ctx context.Context, s *Store) (*writer, error) {
	// The writer outlives Open's context; it stops with Close.
	wctx := context.WithoutCancel(ctx)
	conn, err := s.writer.Conn(wctx)
	if err != nil {
		return nil, fmt.Errorf("open write connection to %s: %w", s.path, err)
	}
	w := &writer{s: s, ctx: wctx, conn: conn}
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
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	w.byID = prep(selectEvents + ` WHERE event_id = ?`)
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
	if _, err := w.conn.ExecContext(w.ctx, `BEGIN IMMEDIATE`); err != nil {
		fail(fmt.Errorf("begin transaction: %w", err))
	} else {
		now := time.Now().UnixNano()
		single := len(batch) == 1
		for i, r := range batch {
			if err := r.ctx.Err(); err != nil {
				replies[i] = reply{err: fmt.Errorf("append to %s: %w", r.stream, err)}
				continue
			}
			replies[i].res, replies[i].err = w.appendOne(r, now, !single)
		}
		if _, err := w.conn.ExecContext(w.ctx, `COMMIT`); err != nil {
			_, _ = w.conn.ExecContext(w.ctx, `ROLLBACK`)
			fail(fmt.Errorf("commit: %w", err))
		}
	}
	w.s.signal.Notify()
	for i, r := range batch {
		r.reply <- replies[i]
	}
}

// appendOne applies one append inside the batch transaction. With
// savepoint, a failure undoes this append only.
func (w *writer) appendOne(r *request, now int64, savepoint bool) (eventstore.AppendResult, error) {
	if savepoint {
		if _, err := w.conn.ExecContext(w.ctx, `SAVEPOINT append_one`); err != nil {
			return eventstore.AppendResult{}, fmt.Errorf("append to %s: savepoint: %w", r.stream, err)
		}
	}
	res, written, err := w.tryAppend(r, now)
	if err != nil && written {
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
	if err != nil && (errors.Is(err, errInsert) || errors.Is(err, eventstore.ErrWrongExpectedRevision)) {
		// A conflict or a failed insert may be a retry of an append that
		// already landed: decide from what is stored.
		return w.matchRetry(r, err)
	}
	return res, err
}

var errInsert = errors.New("insert failed")

func (w *writer) tryAppend(r *request, now int64) (res eventstore.AppendResult, written bool, err error) {
	var (
		rev    int64
		prev   []byte
		exists = true
	)
	switch err := w.head.QueryRowContext(w.ctx, r.stream).Scan(&rev, &prev); {
	case errors.Is(err, sql.ErrNoRows):
		exists = false
	case err != nil:
		return res, false, fmt.Errorf("append to %s: read head: %w", r.stream, err)
	}
	if !r.expected.Check(uint64(rev), exists) {
		return res, false, &eventstore.ConflictError{Stream: r.stream, Expected: r.expected, Actual: uint64(rev), Exists: exists}
	}
	chain := eventstore.Chain{}
	if exists {
		copy(chain.Prev[:], prev)
		chain.Next = uint64(rev) + 1
	}
	res.FirstRevision = chain.Next
	for _, e := range r.events {
		rev, prev, hash := chain.Link(r.stream, e)
		out, err := w.insert.ExecContext(w.ctx, r.stream, int64(rev), e.ID[:], e.Type, int64(e.SchemaVersion),
			e.Data, e.Metadata, now, prev[:], hash[:])
		if err != nil {
			return res, true, fmt.Errorf("append to %s: %w: %w", r.stream, errInsert, err)
		}
		pos, err := out.LastInsertId()
		if err != nil {
			return res, true, fmt.Errorf("append to %s: row id: %w", r.stream, err)
		}
		res.LastRevision, res.Position = rev, eventstore.Position{Lo: uint64(pos)}
	}
	return res, true, nil
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
