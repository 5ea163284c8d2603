package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/parcours/parcours/eventstore"
)

// ReadStream implements eventstore.Store. It sees every committed event of
// the stream, including those the global log does not return yet.
func (s *Store) ReadStream(ctx context.Context, stream string, opts eventstore.ReadOptions) ([]eventstore.Event, error) {
	limit := opts.EffectiveLimit()
	var (
		rows pgx.Rows
		err  error
	)
	switch {
	case opts.Direction == eventstore.Backwards && opts.FromEnd:
		rows, err = s.pool.Query(ctx, selectEvents+` WHERE stream = $1 ORDER BY revision DESC LIMIT $2`, stream, limit)
	case opts.Direction == eventstore.Backwards:
		rows, err = s.pool.Query(ctx, selectEvents+` WHERE stream = $1 AND revision <= $2 ORDER BY revision DESC LIMIT $3`, stream, clampRev(opts.From), limit)
	default:
		rows, err = s.pool.Query(ctx, selectEvents+` WHERE stream = $1 AND revision >= $2 ORDER BY revision LIMIT $3`, stream, clampRev(opts.From), limit)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", stream, s.classify(ctx, err))
	}
	events, err := scanEvents(rows)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", stream, s.classify(ctx, err))
	}
	if len(events) == 0 {
		var exists bool
		if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM events WHERE stream = $1)`, stream).Scan(&exists); err != nil {
			return nil, fmt.Errorf("read %s: %w", stream, s.classify(ctx, err))
		}
		if !exists {
			return nil, fmt.Errorf("read %s: %w", stream, eventstore.ErrStreamNotFound)
		}
	}
	return events, nil
}

// clampRev maps a revision onto bigint; revisions never reach 2^63.
func clampRev(r uint64) int64 {
	if r > 1<<63-1 {
		return 1<<63 - 1
	}
	return int64(r)
}

// The snapshot rule: an event is returned only once every transaction
// with a smaller id has ended, that is when its tx_id is below the xmin
// of a current snapshot. Nothing can be inserted below that line any more.
const (
	readAllSQL = selectEvents + ` WHERE (tx_id, ord) > ($1, $2)
		AND tx_id < pg_snapshot_xmin(pg_current_snapshot()) ORDER BY tx_id, ord LIMIT $3`
	headSQL = `SELECT tx_id, ord FROM events WHERE tx_id < pg_snapshot_xmin(pg_current_snapshot())
		ORDER BY tx_id DESC, ord DESC LIMIT 1`
	newestSQL = `SELECT coalesce((SELECT tx_id FROM events ORDER BY tx_id DESC LIMIT 1), '0'::xid8)`
)

// ReadAll implements eventstore.Store. It returns events in (transaction
// id, order in transaction) order, only below the snapshot line (see the package doc).
// When the page is short because a transaction older than the newest
// committed event is still in flight, it waits for that transaction, up to
// Options.SettleTimeout, so that a reader sees the events committed before
// its call.
func (s *Store) ReadAll(ctx context.Context, from eventstore.Position, limit int) ([]eventstore.Event, error) {
	if limit <= 0 {
		limit = eventstore.DefaultReadLimit
	}
	var (
		out    []eventstore.Event
		target uint64
		start  = from
	)
	err := s.settle(ctx, func(first bool) (bool, error) {
		page, newest, err := s.readPage(ctx, from, limit-len(out))
		if err != nil {
			return false, err
		}
		out = append(out, page...)
		if len(page) > 0 {
			from = page[len(page)-1].Position
		}
		if first {
			target = newest
		}
		return len(out) == limit || from.Hi >= target, nil
	})
	if err != nil {
		return nil, fmt.Errorf("read all from %s: %w", start, s.classify(ctx, err))
	}
	return out, nil
}

// readPage reads up to limit settled events after from and the transaction
// id of the newest committed event, in one round trip.
func (s *Store) readPage(ctx context.Context, from eventstore.Position, limit int) ([]eventstore.Event, uint64, error) {
	b := &pgx.Batch{}
	b.Queue(readAllSQL, from.Hi, min(from.Lo, 1<<31-1), limit)
	b.Queue(newestSQL)
	br := s.pool.SendBatch(ctx, b)
	defer br.Close()
	rows, err := br.Query()
	if err != nil {
		return nil, 0, err
	}
	page, err := scanEvents(rows)
	if err != nil {
		return nil, 0, err
	}
	var newest uint64
	if err := br.QueryRow().Scan(&newest); err != nil {
		return nil, 0, err
	}
	return page, newest, br.Close()
}

// Head implements eventstore.Store: the position of the last settled
// event, after waiting (up to Options.SettleTimeout) for the transactions
// in flight below the newest committed event.
func (s *Store) Head(ctx context.Context) (eventstore.Position, error) {
	var (
		pos    eventstore.Position
		target uint64
	)
	err := s.settle(ctx, func(first bool) (bool, error) {
		b := &pgx.Batch{}
		b.Queue(headSQL)
		b.Queue(newestSQL)
		br := s.pool.SendBatch(ctx, b)
		defer br.Close()
		var ord int32
		pos = eventstore.Position{}
		err := br.QueryRow().Scan(&pos.Hi, &ord)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return false, err
		}
		pos.Lo = uint64(ord)
		var newest uint64
		if err := br.QueryRow().Scan(&newest); err != nil {
			return false, err
		}
		if first {
			target = newest
		}
		return pos.Hi >= target, br.Close()
	})
	if err != nil {
		return eventstore.Position{}, fmt.Errorf("read head: %w", s.classify(ctx, err))
	}
	return pos, nil
}

// settle calls try until it reports done, with a growing pause between
// calls, for at most Options.SettleTimeout; then the caller keeps what it
// has: what is settled so far.
func (s *Store) settle(ctx context.Context, try func(first bool) (done bool, err error)) error {
	deadline := time.Now().Add(s.opts.SettleTimeout)
	pause := 500 * time.Microsecond
	for first := true; ; first = false {
		done, err := try(first)
		if err != nil || done || time.Now().After(deadline) {
			return err
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		pause = min(2*pause, 50*time.Millisecond)
	}
}

// Subscribe implements eventstore.Store. A caught-up subscriber waits for
// a commit of this process or a notification from another one, and reads
// the log every Options.PollInterval in case a notification was lost. A
// lost connection or a server restart does not end it: it reads again,
// backing off up to 5s, until the server answers.
func (s *Store) Subscribe(ctx context.Context, from eventstore.Position, fn func(eventstore.Event) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(s.life, cancel)
	defer stop()
	err := eventstore.Follow(ctx, s.readRetrying, from, fn, s.signal.Wait, s.opts.PollInterval)
	if s.life.Err() != nil && errors.Is(err, context.Canceled) {
		return fmt.Errorf("subscribe: %w", eventstore.ErrClosed)
	}
	return err
}

// readRetrying is ReadAll, retried while the server is unreachable.
func (s *Store) readRetrying(ctx context.Context, from eventstore.Position, limit int) ([]eventstore.Event, error) {
	pause := 100 * time.Millisecond
	for {
		events, err := s.ReadAll(ctx, from, limit)
		if err == nil || ctx.Err() != nil || !transient(err) {
			return events, err
		}
		s.opts.Logger.Warn("postgres event store: subscriber cannot read the log; retrying", "err", err, "pause", pause)
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("read all from %s: %w", from, ctx.Err())
		case <-t.C:
		}
		pause = min(2*pause, 5*time.Second)
	}
}

// transient reports whether err is the kind a retry may cure: the server
// reported a connection exception (class 08) or a shutdown (57P01-57P03),
// or there was no server to answer (network errors, a refused or broken
// connection).
func transient(err error) bool {
	var (
		pgErr   *pgconn.PgError
		netErr  net.Error
		connErr *pgconn.ConnectError
	)
	switch {
	case errors.As(err, &pgErr):
		return strings.HasPrefix(pgErr.Code, "08") || strings.HasPrefix(pgErr.Code, "57P")
	case errors.Is(err, eventstore.ErrClosed):
		return false
	}
	return errors.As(err, &netErr) || errors.As(err, &connErr) || errors.Is(err, pgconn.ErrConnClosed) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || pgconn.SafeToRetry(err)
}
