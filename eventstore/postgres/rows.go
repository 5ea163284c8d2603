package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/parcours/parcours/eventstore"
)

// querier is what the store's statements run on: the pool, a connection or
// a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// row is one event as inserted.
type row struct {
	stream     string
	rev        uint64
	event      eventstore.Proposed
	prev, hash eventstore.Hash
}

// linkRows appends to rows the events of one append, chained by chain.
func linkRows(rows []row, stream string, chain *eventstore.Chain, events []eventstore.Proposed) []row {
	for _, e := range events {
		rev, prev, hash := chain.Link(stream, e)
		rows = append(rows, row{stream: stream, rev: rev, event: e, prev: prev, hash: hash})
	}
	return rows
}

const (
	constraintStreamRevision = "events_stream_revision_key"
	constraintEventID        = "events_event_id_key"
)

// insertSQL inserts a whole batch in one statement, so in one transaction
// when it runs on its own, numbering the rows (ord) from 0 in the order
// given, and returns the transaction's id.
const insertSQL = `WITH ins AS (
	INSERT INTO events (ord, stream, revision, event_id, type, schema_version, data, metadata, prev_hash, hash)
	SELECT u.ord - 1, u.stream, u.revision, u.event_id, u.type, u.schema_version, u.data, u.metadata, u.prev_hash, u.hash
	FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::bigint[], $6::bytea[], $7::bytea[], $8::bytea[], $9::bytea[])
		WITH ORDINALITY AS u(stream, revision, event_id, type, schema_version, data, metadata, prev_hash, hash, ord)
	RETURNING 1)
SELECT pg_current_xact_id(), count(*) FROM ins`

// insertOneSQL is insertSQL for a single row, which it inserts for less.
const insertOneSQL = `INSERT INTO events (ord, stream, revision, event_id, type, schema_version, data, metadata, prev_hash, hash)
	VALUES (0, $1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING tx_id`

// insertRows inserts rows in one statement on q, which must be the only
// insert into events of its transaction, and returns the transaction's
// id: rows[i] is at Position{Hi: txID, Lo: i}.
func insertRows(ctx context.Context, q querier, rows []row) (txID uint64, err error) {
	n := len(rows)
	if n == 1 {
		r := &rows[0]
		err := q.QueryRow(ctx, insertOneSQL, r.stream, int64(r.rev), r.event.ID, r.event.Type, int64(r.event.SchemaVersion),
			r.event.Data, r.event.Metadata, r.prev[:], r.hash[:]).Scan(&txID)
		if err != nil {
			return 0, fmt.Errorf("insert 1 event: %w", err)
		}
		return txID, nil
	}
	var (
		streams, types = make([]string, n), make([]string, n)
		revs, versions = make([]int64, n), make([]int64, n)
		ids            = make([][16]byte, n)
		data, meta     = make([][]byte, n), make([][]byte, n)
		prevs, hashes  = make([][]byte, n), make([][]byte, n)
		count          int64
	)
	for i := range rows {
		r := &rows[i]
		streams[i], revs[i], ids[i], types[i] = r.stream, int64(r.rev), r.event.ID, r.event.Type
		versions[i], data[i], meta[i] = int64(r.event.SchemaVersion), r.event.Data, r.event.Metadata
		prevs[i], hashes[i] = r.prev[:], r.hash[:]
	}
	err = q.QueryRow(ctx, insertSQL, streams, revs, ids, types, versions, data, meta, prevs, hashes).Scan(&txID, &count)
	if err == nil && count != int64(n) {
		err = fmt.Errorf("%d rows inserted", count)
	}
	if err != nil {
		return 0, fmt.Errorf("insert %d events: %w", n, err)
	}
	return txID, nil
}

// readHeads returns the last event of each of streams that has one.
func readHeads(ctx context.Context, q querier, streams []string) (map[string]head, error) {
	res, err := q.Query(ctx, `SELECT s.stream, h.revision, h.hash FROM unnest($1::text[]) AS s(stream)
		CROSS JOIN LATERAL (SELECT revision, hash FROM events e WHERE e.stream = s.stream ORDER BY revision DESC LIMIT 1) h`, streams)
	if err != nil {
		return nil, fmt.Errorf("read stream heads: %w", err)
	}
	heads := make(map[string]head, len(streams))
	var (
		stream string
		rev    int64
		hash   []byte
	)
	_, err = pgx.ForEachRow(res, []any{&stream, &rev, &hash}, func() error {
		h := head{rev: uint64(rev), exists: true}
		if copy(h.hash[:], hash) != len(h.hash) {
			return fmt.Errorf("stream %s revision %d: malformed hash", stream, rev)
		}
		heads[stream] = h
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read stream heads: %w", err)
	}
	return heads, nil
}

func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}

// isDeadlock reports a deadlock the server broke by failing this
// statement; trying again is safe, since it stored nothing.
func isDeadlock(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "40P01"
}

func isUniqueViolationOf(err error, constraint string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == constraint
}

const selectEvents = `SELECT tx_id, ord, stream, revision, event_id, type, schema_version, data, metadata, recorded_at, prev_hash, hash FROM events`

// scanEvents reads rows of selectEvents and closes them.
func scanEvents(rows pgx.Rows) ([]eventstore.Event, error) {
	var (
		out        []eventstore.Event
		e          eventstore.Event
		ord        int32
		rev        int64
		sv         int64
		at         time.Time
		prev, hash []byte
	)
	_, err := pgx.ForEachRow(rows, []any{&e.Position.Hi, &ord, &e.Stream, &rev, &e.ID, &e.Type, &sv, &e.Data, &e.Metadata, &at, &prev, &hash}, func() error {
		if len(prev) != 32 || len(hash) != 32 {
			return fmt.Errorf("event at %d.%d: malformed hash column", e.Position.Hi, ord)
		}
		e.Position.Lo, e.Revision, e.SchemaVersion, e.RecordedAt = uint64(ord), uint64(rev), uint32(sv), at.UTC()
		copy(e.PrevHash[:], prev)
		copy(e.Hash[:], hash)
		out = append(out, e)
		e.Data, e.Metadata = nil, nil
		return nil
	})
	return out, err
}
