package projections

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/parcours/parcours/eventcodec"
	"github.com/parcours/parcours/eventstore"
)

// Progress reports a rebuild's advance: events done, and the total when the
// backend can tell it (0 otherwise).
type Progress func(done, total uint64)

// rebuildPage is how many events one rebuild transaction applies.
const rebuildPage = 4096

// Rebuild replays the whole log into fresh tables of each projection (a
// new generation) while the current ones keep serving, then swaps them in
// atomically: the swap transaction first applies the events that arrived
// during the rebuild, so the new checkpoint is at the head and the live
// handlers, which check the checkpoint in every transaction, continue from
// there without gap or double application. The old tables are dropped.
func Rebuild(ctx context.Context, store eventstore.Store, codec *eventcodec.Codec, db *DB, projections []Projection, progress Progress) error {
	if len(projections) == 0 {
		return nil
	}
	unlock, err := db.lockRebuild(ctx, projections)
	if err != nil {
		return err
	}
	defer unlock()
	gens := make([]int, len(projections))
	if err := inTx(ctx, db, func(tx *sql.Tx) error {
		for i, p := range projections {
			st, _, err := loadState(ctx, tx, p.Name())
			if err != nil {
				return err
			}
			gens[i] = st.Generation + 1
			if err := dropTables(ctx, tx, p.Name(), gens[i]); err != nil { // leftovers of an interrupted rebuild
				return err
			}
			if err := createTables(ctx, tx, db.dialect, p.Name(), gens[i], false); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	head, err := store.Head(ctx)
	if err != nil {
		return fmt.Errorf("rebuild: %w", err)
	}
	total := uint64(0)
	if head.Hi == 0 {
		total = head.Lo // SQLite: positions are row ids, close to a count
	}
	// A reader goroutine reads and decodes pages while this one applies the
	// previous page: decoding and writing overlap.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages := make(chan decodedPage, 2)
	go readPages(ctx, store, codec, head, pages)
	var done uint64
	pos := eventstore.Start
	// One batch per projection lives through the whole replay, keeping
	// the documents recent pages used (Batch.settle), and hands what each
	// page changed to the writer goroutine (pipeline.go).
	batches := make([]*Batch, len(projections))
	pends := make([]*pending, len(projections))
	var rec []recorded
	for i, p := range projections {
		pends[i] = newPending()
		batches[i] = newBatch(ctx, nil, db, p.Name(), gens[i])
		batches[i].rec, batches[i].pend = &rec, pends[i]
	}
	sets := make(chan writeSet, 1)
	written := make(chan error, 1)
	go func() {
		err := writePages(ctx, db, sets, pends)
		if err != nil {
			cancel() // stops the reader, and the applier at its next hand-over
		}
		for range sets { // let the applier finish sending
		}
		written <- err
	}()
	send := func(ws writeSet) error {
		select {
		case sets <- ws:
			return nil
		case <-ctx.Done():
			return errWriterStopped
		}
	}
	apply := func() error {
		page := 0
		for pg := range pages {
			if pg.err != nil {
				return pg.err
			}
			page++
			for _, b := range batches {
				b.txs = page
			}
			if err := applyCarried(projections, batches, pg.events, false); err != nil {
				return err
			}
			if err := send(writeSet{page: page, stmts: rec}); err != nil {
				return err
			}
			rec = nil
			pos = pg.last
			done += uint64(pg.n)
			if progress != nil {
				progress(done, max(total, done))
			}
		}
		// Write what the batches still hold and index the logs.
		page++
		for _, b := range batches {
			b.txs = page
		}
		if err := applyCarried(projections, batches, nil, true); err != nil {
			return err
		}
		return send(writeSet{page: page, stmts: rec, final: func(tx *sql.Tx) error {
			for i, p := range projections {
				if err := createLogIndex(ctx, tx, db.dialect, p.Name(), gens[i]); err != nil {
					return err
				}
			}
			return nil
		}})
	}
	err = apply()
	close(sets)
	if werr := <-written; werr != nil {
		return fmt.Errorf("rebuild: %w", werr)
	}
	if err != nil {
		return err
	}
	return swap(ctx, store, codec, db, projections, gens, pos)
}

// applyCarried applies events to the rebuild's batches in tx and settles
// them (final: the last transaction, which writes every document).
func applyCarried(projections []Projection, batches []*Batch, events []eventcodec.Decoded, final bool) error {
	for _, d := range events {
		for i, p := range projections {
			if err := p.Apply(batches[i], d); err != nil {
				return fmt.Errorf("rebuild %s: apply %s@%d: %w", p.Name(), d.Stored.Stream, d.Stored.Revision, err)
			}
		}
	}
	for _, b := range batches {
		if b == nil {
			continue
		}
		err := b.settle(final)
		b.close()
		if err != nil {
			return err
		}
	}
	return nil
}

type decodedPage struct {
	events []eventcodec.Decoded
	n      int                 // events read, domain or not
	last   eventstore.Position // of the last event read
	err    error
}

// readPages reads the log up to head in pages, decodes the domain events
// and sends each page; the channel closes after the last page or an error.
func readPages(ctx context.Context, store eventstore.Store, codec *eventcodec.Codec, head eventstore.Position, out chan<- decodedPage) {
	defer close(out)
	for from := eventstore.Start; from.Less(head); {
		events, err := store.ReadAll(ctx, from, rebuildPage)
		if err != nil {
			out <- decodedPage{err: fmt.Errorf("rebuild: %w", err)}
			return
		}
		if len(events) == 0 {
			return
		}
		page := decodedPage{n: len(events), last: events[len(events)-1].Position, events: make([]eventcodec.Decoded, 0, len(events))}
		for _, e := range events {
			if !domainEvents("", e) {
				continue
			}
			d, err := codec.DecodeClear(e)
			if err != nil {
				out <- decodedPage{err: fmt.Errorf("rebuild: %w", err)}
				return
			}
			page.events = append(page.events, d)
		}
		select {
		case out <- page:
		case <-ctx.Done():
			return
		}
		from = page.last
	}
}

// applyPage applies up to limit events after from to every projection's
// new generation, in tx.
func applyPage(ctx context.Context, tx *sql.Tx, d *DB, store eventstore.Store, codec *eventcodec.Codec, projections []Projection, gens []int, from eventstore.Position, limit int) (eventstore.Position, int, error) {
	events, err := store.ReadAll(ctx, from, limit)
	if err != nil {
		return from, 0, fmt.Errorf("rebuild: %w", err)
	}
	batches := make([]*Batch, len(projections))
	for i, p := range projections {
		batches[i] = newBatch(ctx, tx, d, p.Name(), gens[i])
	}
	for _, e := range events {
		if !domainEvents("", e) {
			from = e.Position
			continue
		}
		d, err := codec.DecodeClear(e)
		if err != nil {
			return from, 0, fmt.Errorf("rebuild: %w", err)
		}
		for i, p := range projections {
			if err := p.Apply(batches[i], d); err != nil {
				return from, 0, fmt.Errorf("rebuild %s: apply %s@%d: %w", p.Name(), e.Stream, e.Revision, err)
			}
		}
		from = e.Position
	}
	for _, b := range batches {
		if err := b.flush(); err != nil {
			return from, 0, err
		}
	}
	return from, len(events), nil
}

// swap catches the new generations up to the head and makes them current,
// in one transaction; then drops the old tables. The transaction first
// locks the projections' state rows (PostgreSQL), so live handlers in any
// process wait for the swap, then go on from its checkpoint.
func swap(ctx context.Context, store eventstore.Store, codec *eventcodec.Codec, db *DB, projections []Projection, gens []int, pos eventstore.Position) error {
	old := make([]int, len(projections))
	err := inTx(ctx, db, func(tx *sql.Tx) error {
		states := make([]state, len(projections))
		for i, p := range projections {
			st, _, err := db.lockState(ctx, tx, p.Name())
			if err != nil {
				return err
			}
			states[i] = st
		}
		for {
			next, n, err := applyPage(ctx, tx, db, store, codec, projections, gens, pos, rebuildPage)
			if err != nil {
				return err
			}
			pos = next
			if n < rebuildPage {
				break
			}
		}
		for i, p := range projections {
			st := states[i]
			old[i] = st.Generation
			st.Generation, st.Version, st.Position, st.Status, st.Error = gens[i], p.Version(), pos, "running", ""
			if err := saveState(ctx, tx, st); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return inTx(ctx, db, func(tx *sql.Tx) error {
		for i, p := range projections {
			if err := dropTables(ctx, tx, p.Name(), old[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

func inTx(ctx context.Context, db *DB, fn func(*sql.Tx) error) error {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
