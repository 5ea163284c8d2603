package postgres

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
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

// insertStatement is the name insertSQL is prepared under on each
// connection.
const insertStatement = "parcours_insert_events"

// insertRows inserts rows in one statement on conn, which must be the only
// insert into events of its transaction (or, outside one, is a
// transaction of its own), and returns the transaction's id: rows[i] is at
// Position{Hi: txID, Lo: i}.
//
// A batch of many rows goes in through insertSQL, prepared once per
// connection, with its nine columns encoded here as binary arrays into one
// reused buffer: the generic encoding of the driver, by reflection into
// fresh slices, cost more client CPU than the rest of a group commit.
func insertRows(ctx context.Context, conn *pgx.Conn, rows []row) (txID uint64, err error) {
	n := len(rows)
	if n == 1 {
		r := &rows[0]
		err := conn.QueryRow(ctx, insertOneSQL, r.stream, int64(r.rev), r.event.ID, r.event.Type, int64(r.event.SchemaVersion),
			r.event.Data, r.event.Metadata, r.prev[:], r.hash[:]).Scan(&txID)
		if err != nil {
			return 0, fmt.Errorf("insert 1 event: %w", err)
		}
		return txID, nil
	}
	sd, err := conn.Prepare(ctx, insertStatement, insertSQL)
	if err != nil {
		return 0, fmt.Errorf("insert %d events: prepare: %w", n, err)
	}
	enc := encoders.Get().(*columns)
	defer encoders.Put(enc)
	res := conn.PgConn().ExecStatement(ctx, sd, enc.encode(rows), binaryFormat, binaryFormat).Read()
	if err = res.Err; err == nil {
		txID, err = insertResult(res.Rows, n)
	}
	if err != nil {
		return 0, fmt.Errorf("insert %d events: %w", n, err)
	}
	return txID, nil
}

// insertOnPool runs insertRows on a connection of pool.
func insertOnPool(ctx context.Context, pool *pgxpool.Pool, rows []row) (uint64, error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return 0, fmt.Errorf("insert %d events: %w", len(rows), err)
	}
	defer conn.Release()
	return insertRows(ctx, conn.Conn(), rows)
}

// insertResult reads insertSQL's one row: the transaction id (xid8) and
// the count of rows inserted, both 8-byte binary integers.
func insertResult(rows [][][]byte, want int) (uint64, error) {
	if len(rows) != 1 || len(rows[0]) != 2 || len(rows[0][0]) != 8 || len(rows[0][1]) != 8 {
		return 0, errors.New("unexpected result shape")
	}
	if got := binary.BigEndian.Uint64(rows[0][1]); got != uint64(want) {
		return 0, fmt.Errorf("%d rows inserted", got)
	}
	return binary.BigEndian.Uint64(rows[0][0]), nil
}

// binaryFormat asks for every parameter, or every result column, in the
// binary format.
var binaryFormat = []int16{1}

// Element type OIDs of the arrays insertSQL takes.
const (
	oidBytea = 17
	oidInt8  = 20
	oidText  = 25
	oidUUID  = 2950
)

// columns encodes the rows of a batch as insertSQL's parameters, in
// PostgreSQL's binary array format: a header (one dimension, no nulls, the
// element type, the length, lower bound 1), then each element as its
// length and its bytes. Data and metadata are copied once, into buf.
type columns struct {
	buf    []byte
	params [][]byte
}

var encoders = sync.Pool{New: func() any { return &columns{params: make([][]byte, len(insertColumns))} }}

// insertColumns are insertSQL's parameters in order: each one's element
// type and how it appends a row's element.
var insertColumns = [...]struct {
	oid  uint32
	elem func(b []byte, r *row) []byte
}{
	{oidText, func(b []byte, r *row) []byte { return appendElem(b, r.stream) }},
	{oidInt8, func(b []byte, r *row) []byte { return appendInt8(b, int64(r.rev)) }},
	{oidUUID, func(b []byte, r *row) []byte { return appendElem(b, r.event.ID[:]) }},
	{oidText, func(b []byte, r *row) []byte { return appendElem(b, r.event.Type) }},
	{oidInt8, func(b []byte, r *row) []byte { return appendInt8(b, int64(r.event.SchemaVersion)) }},
	{oidBytea, func(b []byte, r *row) []byte { return appendElem(b, r.event.Data) }},
	{oidBytea, func(b []byte, r *row) []byte { return appendElem(b, r.event.Metadata) }},
	{oidBytea, func(b []byte, r *row) []byte { return appendElem(b, r.prev[:]) }},
	{oidBytea, func(b []byte, r *row) []byte { return appendElem(b, r.hash[:]) }},
}

func appendElem[T ~string | ~[]byte](b []byte, v T) []byte {
	return append(binary.BigEndian.AppendUint32(b, uint32(len(v))), v...)
}

func appendInt8(b []byte, v int64) []byte {
	return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint32(b, 8), uint64(v))
}

func (c *columns) encode(rows []row) [][]byte {
	var ends [len(insertColumns)]int
	b := c.buf[:0]
	for col, def := range insertColumns {
		for _, v := range [...]uint32{1, 0, def.oid, uint32(len(rows)), 1} {
			b = binary.BigEndian.AppendUint32(b, v)
		}
		for i := range rows {
			b = def.elem(b, &rows[i])
		}
		ends[col] = len(b)
	}
	start := 0
	for i, end := range ends {
		c.params[i] = b[start:end:end]
		start = end
	}
	if cap(b) <= maxKeptBuffer {
		c.buf = b
	} else {
		c.buf = nil // a rare huge batch: do not keep its memory
	}
	return c.params
}

// maxKeptBuffer bounds the encoding buffer an encoder keeps between batches.
const maxKeptBuffer = 4 << 20

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
