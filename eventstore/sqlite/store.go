package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/internal/sqlitedriver"
)

// Options configure a Store. The zero value is the durable default.
type Options struct {
	// MaxEventSize limits one event's data plus metadata
	// (eventstore.DefaultMaxEventSize if 0).
	MaxEventSize int
	// Synchronous is "FULL" (default: every acknowledged append survives
	// power loss) or "NORMAL" (faster; the last commits may be lost on
	// power loss, never torn). Opt-in only.
	Synchronous string
	// MaxBatch bounds how many appends one group commit takes (default 256).
	MaxBatch int
	// Readers is the size of the read pool (default 4).
	Readers int
	// PollInterval is how often a caught-up subscriber looks for events
	// written by another process (default 1s); appends of this process wake
	// it at once.
	PollInterval time.Duration
}

func (o Options) withDefaults() Options {
	if o.MaxEventSize <= 0 {
		o.MaxEventSize = eventstore.DefaultMaxEventSize
	}
	if o.Synchronous == "" {
		o.Synchronous = "FULL"
	}
	if o.MaxBatch <= 0 {
		o.MaxBatch = 256
	}
	if o.Readers <= 0 {
		o.Readers = 4
	}
	if o.PollInterval <= 0 {
		o.PollInterval = time.Second
	}
	return o
}

// DataSourceName returns the database/sql data source name the store's
// writer uses for path, so tools (benchmarks) can open the file with the
// very same settings.
func DataSourceName(path string, o Options) string { return dsn(path, o, true) }

func dsn(path string, o Options, write bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	sync := o.Synchronous
	if sync == "" {
		sync = "FULL"
	}
	q.Add("_pragma", "synchronous("+sync+")")
	q.Add("_pragma", "foreign_keys(1)")
	if write {
		q.Set("_txlock", "immediate")
	} else {
		q.Add("_pragma", "query_only(1)")
	}
	return "file:" + path + "?" + q.Encode()
}

// Store is the SQLite event store. Open it with Open.
type Store struct {
	path   string
	opts   Options
	writer *sql.DB
	reader *sql.DB
	reqs   chan *request
	quit   chan struct{}
	done   chan struct{}
	once   sync.Once
	signal eventstore.Signal
}

var _ eventstore.Store = (*Store)(nil)

// Open opens the store in the SQLite file at path, which Migrate must have
// brought to SchemaVersion (ErrSchemaTooOld, ErrSchemaTooNew otherwise).
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	opts = opts.withDefaults()
	switch strings.ToUpper(opts.Synchronous) {
	case "FULL", "NORMAL":
	default:
		return nil, fmt.Errorf("sqlite synchronous %q: want FULL or NORMAL", opts.Synchronous)
	}
	writer, err := sql.Open(sqlitedriver.Name, dsn(path, opts, true))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetConnMaxIdleTime(0)
	reader, err := sql.Open(sqlitedriver.Name, dsn(path, opts, false))
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	reader.SetMaxOpenConns(opts.Readers)
	reader.SetMaxIdleConns(opts.Readers)
	s := &Store{path: path, opts: opts, writer: writer, reader: reader,
		reqs: make(chan *request), quit: make(chan struct{}), done: make(chan struct{})}
	if err := s.checkSchema(ctx); err != nil {
		s.writer.Close()
		s.reader.Close()
		return nil, err
	}
	w, err := newWriter(ctx, s)
	if err != nil {
		s.writer.Close()
		s.reader.Close()
		return nil, err
	}
	go w.run()
	return s, nil
}

func (s *Store) checkSchema(ctx context.Context) error {
	v, err := currentVersion(ctx, s.writer)
	if err != nil {
		return fmt.Errorf("open %s: %w", s.path, err)
	}
	switch {
	case v > SchemaVersion:
		return fmt.Errorf("open %s: schema version %d, this binary knows up to %d: %w", s.path, v, SchemaVersion, ErrSchemaTooNew)
	case v < SchemaVersion:
		return fmt.Errorf("open %s: schema version %d, want %d: %w", s.path, v, SchemaVersion, ErrSchemaTooOld)
	}
	return nil
}

// Path returns the file the store keeps its events in.
func (s *Store) Path() string { return s.path }

// Close waits for the appends in flight, then closes the file.
func (s *Store) Close() error {
	s.once.Do(func() { close(s.quit) })
	<-s.done
	return errors.Join(s.writer.Close(), s.reader.Close())
}

// Append implements eventstore.Store.
func (s *Store) Append(ctx context.Context, stream string, expected eventstore.ExpectedRevision, events ...eventstore.Proposed) (eventstore.AppendResult, error) {
	if err := eventstore.ValidateAppend(stream, events, s.opts.MaxEventSize); err != nil {
		return eventstore.AppendResult{}, err
	}
	if err := ctx.Err(); err != nil {
		return eventstore.AppendResult{}, fmt.Errorf("append to %s: %w", stream, err)
	}
	r := &request{ctx: ctx, stream: stream, expected: expected, events: events, reply: make(chan reply, 1)}
	select {
	case s.reqs <- r:
	case <-s.quit:
		return eventstore.AppendResult{}, fmt.Errorf("append to %s: %w", stream, eventstore.ErrClosed)
	case <-ctx.Done():
		return eventstore.AppendResult{}, fmt.Errorf("append to %s: %w", stream, ctx.Err())
	}
	// Once the writer holds the request, the outcome is decided within one
	// batch; waiting for it gives the caller a true answer.
	rep := <-r.reply
	return rep.res, rep.err
}

// ReadStream implements eventstore.Store.
func (s *Store) ReadStream(ctx context.Context, stream string, opts eventstore.ReadOptions) ([]eventstore.Event, error) {
	limit := opts.EffectiveLimit()
	var rows *sql.Rows
	var err error
	switch {
	case opts.Direction == eventstore.Backwards && opts.FromEnd:
		rows, err = s.reader.QueryContext(ctx, selectEvents+` WHERE stream = ? ORDER BY revision DESC LIMIT ?`, stream, limit)
	case opts.Direction == eventstore.Backwards:
		rows, err = s.reader.QueryContext(ctx, selectEvents+` WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`, stream, int64(opts.From), limit)
	default:
		rows, err = s.reader.QueryContext(ctx, selectEvents+` WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`, stream, int64(opts.From), limit)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", stream, err)
	}
	events, err := scanEvents(rows)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", stream, err)
	}
	if len(events) == 0 {
		var one int
		err := s.reader.QueryRowContext(ctx, `SELECT 1 FROM events WHERE stream = ? LIMIT 1`, stream).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("read %s: %w", stream, eventstore.ErrStreamNotFound)
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", stream, err)
		}
	}
	return events, nil
}

// ReadAll implements eventstore.Store.
func (s *Store) ReadAll(ctx context.Context, from eventstore.Position, limit int) ([]eventstore.Event, error) {
	if limit <= 0 {
		limit = eventstore.DefaultReadLimit
	}
	rows, err := s.reader.QueryContext(ctx, selectEvents+` WHERE position > ? ORDER BY position LIMIT ?`, int64(from.Lo), limit)
	if err != nil {
		return nil, fmt.Errorf("read all from %s: %w", from, err)
	}
	events, err := scanEvents(rows)
	if err != nil {
		return nil, fmt.Errorf("read all from %s: %w", from, err)
	}
	return events, nil
}

// Head implements eventstore.Store.
func (s *Store) Head(ctx context.Context) (eventstore.Position, error) {
	var p sql.NullInt64
	if err := s.reader.QueryRowContext(ctx, `SELECT max(position) FROM events`).Scan(&p); err != nil {
		return eventstore.Position{}, fmt.Errorf("read head: %w", err)
	}
	return eventstore.Position{Lo: uint64(p.Int64)}, nil
}

// Subscribe implements eventstore.Store.
func (s *Store) Subscribe(ctx context.Context, from eventstore.Position, fn func(eventstore.Event) error) error {
	return eventstore.Follow(ctx, s.ReadAll, from, fn, s.signal.Wait, s.opts.PollInterval)
}

const selectEvents = `SELECT position, stream, revision, event_id, type, schema_version, data, metadata, recorded_at, prev_hash, hash FROM events`

type scanner interface{ Scan(...any) error }

func scanEvent(sc scanner) (eventstore.Event, error) {
	var id, prev, hash []byte
	return scanEventInto(sc, &id, &prev, &hash)
}

// scanEventInto scans one row, reading its ID and hashes through the
// destinations given: scanEvents passes sql.RawBytes, which the driver
// lends rather than copies (they are copied into fixed-size arrays
// anyway); a single *sql.Row cannot lend, so scanEvent passes []byte.
func scanEventInto[B []byte | sql.RawBytes](sc scanner, id, prev, hash *B) (eventstore.Event, error) {
	var (
		e                eventstore.Event
		pos, rev, sv, at int64
	)
	if err := sc.Scan(&pos, &e.Stream, &rev, id, &e.Type, &sv, &e.Data, &e.Metadata, &at, prev, hash); err != nil {
		return e, err
	}
	if len(*id) != 16 || len(*prev) != 32 || len(*hash) != 32 {
		return e, fmt.Errorf("event at position %d: malformed id or hash column", pos)
	}
	e.Position = eventstore.Position{Lo: uint64(pos)}
	e.Revision, e.SchemaVersion = uint64(rev), uint32(sv)
	e.RecordedAt = time.Unix(0, at).UTC()
	copy(e.ID[:], *id)
	copy(e.PrevHash[:], *prev)
	copy(e.Hash[:], *hash)
	if e.Data == nil {
		e.Data = []byte{}
	}
	return e, nil
}

func scanEvents(rows *sql.Rows) ([]eventstore.Event, error) {
	defer rows.Close()
	var out []eventstore.Event
	var id, prev, hash sql.RawBytes
	for rows.Next() {
		e, err := scanEventInto(rows, &id, &prev, &hash)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func isNoSuchTable(err error) bool {
	return err != nil && strings.Contains(err.Error(), "no such table")
}
