package kurrentdb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/parcours/parcours/eventstore"
)

// Options configure a Store. The zero value is the default.
type Options struct {
	// MaxEventSize limits one event's data plus metadata
	// (eventstore.DefaultMaxEventSize if 0).
	MaxEventSize int
	// StreamPrefix, if set, is put before every stream name in KurrentDB,
	// and the store's global log holds only the streams that carry it: it
	// gives one Parcours installation (or one test) its own namespace on a
	// shared cluster. ASCII letters, digits and "-_.:@", at most 50 bytes.
	StreamPrefix string
	// RetryWindow is how many of a stream's last events an append expecting
	// Any or StreamExists searches for its own IDs, to recognise a retry
	// (default 100). See the package doc.
	RetryWindow int
	// IDCacheSize is how many recently appended event IDs the store
	// remembers, to refuse their reuse in another stream (default 100000).
	IDCacheSize int
	// AppendAttempts bounds how often an append expecting Any or
	// StreamExists re-reads the head after losing a race (default 10).
	AppendAttempts int
	// ReconnectDelay is the first pause before a dropped subscription is
	// resumed; it doubles up to 30 times its value (default 200ms).
	ReconnectDelay time.Duration
	// Logger receives the client's log lines (at debug level, its errors at
	// warn level) and the store's reconnections. Nil discards them.
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.MaxEventSize <= 0 {
		o.MaxEventSize = eventstore.DefaultMaxEventSize
	}
	if o.RetryWindow <= 0 {
		o.RetryWindow = 100
	}
	if o.IDCacheSize <= 0 {
		o.IDCacheSize = 100_000
	}
	if o.AppendAttempts <= 0 {
		o.AppendAttempts = 10
	}
	if o.ReconnectDelay <= 0 {
		o.ReconnectDelay = 200 * time.Millisecond
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

func (o Options) validate() error {
	if o.StreamPrefix == "" {
		return nil
	}
	if len(o.StreamPrefix) > 50 {
		return fmt.Errorf("stream prefix %q: longer than 50 bytes", o.StreamPrefix)
	}
	if err := eventstore.ValidateStreamName(o.StreamPrefix); err != nil {
		return fmt.Errorf("stream prefix: %w", err)
	}
	return nil
}

// Store is the KurrentDB event store. Open it with Open.
type Store struct {
	client *esdb.Client
	opts   Options
	ids    *idCache

	mu     sync.RWMutex
	closed bool
	quit   chan struct{} // closed by Close: ends subscriptions
	ops    sync.WaitGroup
}

var _ eventstore.Store = (*Store)(nil)

// Open connects to the server that connString names (esdb://, esdb+discover://,
// kurrentdb:// or kurrentdb+discover://, with the client's settings such as
// ?tls=false) and checks that it answers a read of $all. Errors never show
// the connection string's password.
func Open(ctx context.Context, connString string, opts Options) (*Store, error) {
	opts = opts.withDefaults()
	if err := opts.validate(); err != nil {
		return nil, err
	}
	cfg, err := ClientConfig(connString)
	if err != nil {
		return nil, err
	}
	cfg.Logger = clientLogger(opts.Logger)
	client, err := esdb.NewClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", Redact(connString), err)
	}
	s := &Store{client: client, opts: opts, ids: newIDCache(opts.IDCacheSize), quit: make(chan struct{})}
	rs, err := client.ReadAll(ctx, esdb.ReadAllOptions{Direction: esdb.Backwards, From: esdb.End{}}, 1)
	if err == nil {
		_, err = rs.Recv()
		rs.Close()
	}
	if err != nil && !errors.Is(err, io.EOF) {
		client.Close()
		return nil, clientError(ctx, "open "+Redact(connString)+": read $all", err)
	}
	return s, nil
}

// clientLogger routes the client's log lines to l.
func clientLogger(l *slog.Logger) esdb.LoggingFunc {
	return func(level esdb.LogLevel, format string, args ...any) {
		msg := "kurrentdb client: " + fmt.Sprintf(format, args...)
		if level == esdb.LogError || level == esdb.LogWarn {
			l.Warn(msg)
			return
		}
		l.Debug(msg)
	}
}

// Close waits for the calls in flight, ends the subscriptions and closes
// the connection. Later calls fail with eventstore.ErrClosed.
func (s *Store) Close() error {
	s.mu.Lock()
	already := s.closed
	s.closed = true
	s.mu.Unlock()
	if already {
		return nil
	}
	close(s.quit)
	s.ops.Wait()
	return s.client.Close()
}

// begin registers a call in flight, or fails once the store is closed.
func (s *Store) begin(op string) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return fmt.Errorf("%s: %w", op, eventstore.ErrClosed)
	}
	s.ops.Add(1)
	return nil
}

// ReadStream implements eventstore.Store.
func (s *Store) ReadStream(ctx context.Context, stream string, opts eventstore.ReadOptions) ([]eventstore.Event, error) {
	op := "read " + stream
	if err := s.begin(op); err != nil {
		return nil, err
	}
	defer s.ops.Done()
	ro := esdb.ReadStreamOptions{Direction: esdb.Forwards, From: esdb.Revision(opts.From)}
	if opts.Direction == eventstore.Backwards {
		ro.Direction, ro.From = esdb.Backwards, esdb.End{}
		if !opts.FromEnd {
			// A backwards read from past the end starts at the last event.
			last, err := s.readStream(ctx, stream, esdb.ReadStreamOptions{Direction: esdb.Backwards, From: esdb.End{}}, 1)
			if err != nil {
				return nil, clientError(ctx, op, err)
			}
			if len(last) > 0 && opts.From < last[0].Revision {
				ro.From = esdb.Revision(opts.From)
			}
		}
	}
	events, err := s.readStream(ctx, stream, ro, opts.EffectiveLimit())
	if err != nil {
		return nil, clientError(ctx, op, err)
	}
	return events, nil
}

// readStream reads up to n events of stream with the client, decoded. A
// missing stream is the client's not-found error.
func (s *Store) readStream(ctx context.Context, stream string, ro esdb.ReadStreamOptions, n int) ([]eventstore.Event, error) {
	rs, err := s.client.ReadStream(ctx, s.opts.StreamPrefix+stream, ro, uint64(n))
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []eventstore.Event
	for {
		r, err := rs.Recv()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if r.Event == nil {
			continue
		}
		e, _ := s.decode(r.Event)
		out = append(out, e)
	}
}

// decode turns a KurrentDB event into a Parcours event. An event without
// the envelope (or with a damaged one) comes back with its raw metadata and
// zero hashes, and the error says why: stream reads return it so that
// verification points at it, the global log leaves it out.
func (s *Store) decode(r *esdb.RecordedEvent) (eventstore.Event, error) {
	e := eventstore.Event{
		Stream:     strings.TrimPrefix(r.StreamID, s.opts.StreamPrefix),
		Revision:   r.EventNumber,
		ID:         eventstore.EventID(r.EventID),
		Type:       r.EventType,
		Data:       r.Data,
		RecordedAt: r.CreatedDate,
	}
	if knownPosition(r.Position) {
		e.Position = fromClientPosition(r.Position)
	}
	if e.Data == nil {
		e.Data = []byte{}
	}
	meta, f, err := decodeEnvelope(r.UserMetadata)
	if err == nil && f.Namespace != s.opts.StreamPrefix {
		// Written by a store of another namespace: its hashes cover the
		// stream name without that store's prefix.
		err = fmt.Errorf("%w: written in namespace %q", errNoEnvelope, f.Namespace)
	}
	if err != nil {
		e.Metadata = r.UserMetadata
		return e, fmt.Errorf("event %s of %s at revision %d: %w", e.ID, r.StreamID, r.EventNumber, err)
	}
	e.Metadata, e.SchemaVersion, e.PrevHash, e.Hash = meta, f.SchemaVersion, f.Prev, f.Hash
	return e, nil
}
