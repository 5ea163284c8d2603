package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/parcours/parcours/eventstore"
)

// Options configure a Store. The zero value gives the defaults.
type Options struct {
	// MaxEventSize limits one event's data plus metadata
	// (eventstore.DefaultMaxEventSize if 0).
	MaxEventSize int
	// MaxConns is the size of the connection pool (default 16). The
	// listening connection is extra.
	MaxConns int32
	// StatementTimeout is set as statement_timeout on every connection
	// (default 30s; negative leaves the server's setting).
	StatementTimeout time.Duration
	// IdleInTxTimeout is set as idle_in_transaction_session_timeout on
	// every connection (default 30s; negative leaves the server's setting),
	// so that a session stuck inside a transaction cannot hold subscribers
	// back for long (see the package doc).
	IdleInTxTimeout time.Duration
	// PollInterval is how often a caught-up subscriber reads the log when
	// no notification came (default 1s): the fallback for a lost one.
	PollInterval time.Duration
	// SettleTimeout bounds how long ReadAll and Head wait for transactions
	// still in flight below the newest committed event (default 1s).
	SettleTimeout time.Duration
	// Writers is how many group commits may be in flight at once, each on
	// a connection of the pool and for its share of the streams (default
	// 2: with one, the server sat idle while this process answered a batch
	// and gathered the next, and this process while the server ran it; two
	// overlap, and on a 2-core machine beat one by a quarter with 64
	// writers, while three lost again to the smaller batches).
	Writers int
	// MaxBatch bounds the events one group commit takes (default 1024).
	MaxBatch int
	// Logger receives the listener's connection troubles (default: none).
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	if o.MaxEventSize <= 0 {
		o.MaxEventSize = eventstore.DefaultMaxEventSize
	}
	if o.MaxConns <= 0 {
		o.MaxConns = 16
	}
	def(&o.StatementTimeout, 30*time.Second)
	def(&o.IdleInTxTimeout, 30*time.Second)
	if o.PollInterval <= 0 {
		o.PollInterval = time.Second
	}
	if o.SettleTimeout <= 0 {
		o.SettleTimeout = time.Second
	}
	if o.Writers <= 0 {
		o.Writers = 2
	}
	if o.MaxBatch <= 0 {
		o.MaxBatch = 1024
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Store is the PostgreSQL event store. Open it with Open.
type Store struct {
	opts    Options
	pool    *pgxpool.Pool
	channel string // the NOTIFY channel of this schema
	disps   []*dispatcher
	signal  eventstore.Signal
	poke    chan struct{} // asks the notifier for a NOTIFY

	mu     sync.RWMutex // held shared by appends in flight, exclusively by Close
	closed bool
	life   context.Context // ends with Close; bounds background work
	stop   context.CancelFunc
	bg     sync.WaitGroup // dispatchers, notifier and listener
	once   sync.Once

	listens atomic.Int64 // successful LISTENs, so tests can see a reconnection
}

var _ eventstore.Store = (*Store)(nil)

// Open connects to the database at connString (a postgres:// URL or a
// key=value string; a search_path parameter selects the schema), whose
// schema Migrate must have brought to SchemaVersion (ErrSchemaTooOld,
// ErrSchemaTooNew otherwise). It creates nothing.
func Open(ctx context.Context, connString string, opts Options) (*Store, error) {
	opts = opts.withDefaults()
	cfg, err := PoolConfig(connString, opts)
	if err != nil {
		return nil, fmt.Errorf("open postgres store: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres store: %w", err)
	}
	s := &Store{opts: opts, pool: pool}
	if s.channel, err = s.checkSchema(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	s.life, s.stop = context.WithCancel(context.WithoutCancel(ctx))
	s.poke = make(chan struct{}, 1)
	for range opts.Writers {
		d := newDispatcher(s)
		s.disps = append(s.disps, d)
		s.bg.Add(1)
		go d.run()
	}
	s.bg.Add(1)
	go s.notifier()
	listenCfg := cfg.ConnConfig.Copy()
	delete(listenCfg.RuntimeParams, "statement_timeout")
	s.bg.Add(1)
	go s.listen(listenCfg)
	return s, nil
}

// PoolConfig returns the pool configuration Open uses for connString and
// opts: pool size, and statement_timeout and
// idle_in_transaction_session_timeout on every connection. Benchmarks use
// it to give a baseline the store's very settings.
func PoolConfig(connString string, opts Options) (*pgxpool.Config, error) {
	opts = opts.withDefaults()
	cfg, err := pgxpool.ParseConfig(connString)
	if err != nil {
		return nil, fmt.Errorf("parse connection string: %w", err)
	}
	cfg.MaxConns = opts.MaxConns
	params := cfg.ConnConfig.RuntimeParams
	if opts.StatementTimeout > 0 {
		params["statement_timeout"] = strconv.FormatInt(opts.StatementTimeout.Milliseconds(), 10)
	}
	if opts.IdleInTxTimeout > 0 {
		params["idle_in_transaction_session_timeout"] = strconv.FormatInt(opts.IdleInTxTimeout.Milliseconds(), 10)
	}
	if params["application_name"] == "" {
		params["application_name"] = "parcours"
	}
	return cfg, nil
}

// checkSchema refuses a schema at another version than this binary's and
// returns the notification channel of the schema.
func (s *Store) checkSchema(ctx context.Context) (string, error) {
	v, err := currentVersion(ctx, s.pool)
	if err != nil {
		return "", fmt.Errorf("open postgres store: %w", err)
	}
	switch {
	case v > SchemaVersion:
		return "", fmt.Errorf("open postgres store: schema version %d, this binary knows up to %d: %w", v, SchemaVersion, ErrSchemaTooNew)
	case v < SchemaVersion:
		return "", fmt.Errorf("open postgres store: schema version %d, want %d: %w", v, SchemaVersion, ErrSchemaTooOld)
	}
	var schema string
	if err := s.pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return "", fmt.Errorf("open postgres store: read current schema: %w", err)
	}
	return channelName(schema), nil
}

// channelName names the NOTIFY channel of a schema, so that stores in
// different schemas of one database do not wake each other. Channel names
// are identifiers, at most 63 bytes.
func channelName(schema string) string {
	name := "parcours_events." + schema
	if len(name) > 63 {
		sum := sha256.Sum256([]byte(schema))
		name = "parcours_events." + hex.EncodeToString(sum[:16])
	}
	return name
}

// Close waits for the appends in flight, then stops the dispatchers, the
// notifier and the listener and closes the pool. Subscriptions end with ErrClosed.
func (s *Store) Close() error {
	s.once.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		s.stop()
		s.bg.Wait()
		s.pool.Close()
	})
	return nil
}

// Append implements eventstore.Store. Appends are grouped: those that
// arrive while their dispatcher is busy are committed together, in one
// statement and one transaction; each is still checked on its own.
func (s *Store) Append(ctx context.Context, stream string, expected eventstore.ExpectedRevision, events ...eventstore.Proposed) (eventstore.AppendResult, error) {
	if err := eventstore.ValidateAppend(stream, events, s.opts.MaxEventSize); err != nil {
		return eventstore.AppendResult{}, err
	}
	if err := ctx.Err(); err != nil {
		return eventstore.AppendResult{}, fmt.Errorf("append to %s: %w", stream, err)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return eventstore.AppendResult{}, fmt.Errorf("append to %s: %w", stream, eventstore.ErrClosed)
	}
	r := &request{ctx: ctx, stream: stream, expected: expected, events: events, reply: make(chan reply, 1)}
	select {
	case s.disps[shardOf(stream, len(s.disps))].reqs <- r:
	case <-ctx.Done():
		return eventstore.AppendResult{}, fmt.Errorf("append to %s: %w", stream, ctx.Err())
	}
	// Once a dispatcher holds the request, its outcome is decided by one
	// statement; waiting for it gives the caller a true answer.
	rep := <-r.reply
	return rep.res, rep.err
}

// classify makes the error of an operation cut short by Close match
// ErrClosed, and one cut short by ctx match ctx's error, whatever the
// driver reported.
func (s *Store) classify(ctx context.Context, err error) error {
	switch {
	case err == nil:
		return nil
	case s.life.Err() != nil && !errors.Is(err, eventstore.ErrClosed):
		return fmt.Errorf("%w: %w", eventstore.ErrClosed, err)
	case ctx.Err() != nil && !errors.Is(err, ctx.Err()):
		return fmt.Errorf("%w: %w", ctx.Err(), err)
	}
	return err
}

// shardOf picks the dispatcher of a stream among n (FNV-1a).
func shardOf(stream string, n int) int {
	h := uint32(2166136261)
	for i := 0; i < len(stream); i++ {
		h = (h ^ uint32(stream[i])) * 16777619
	}
	return int(h % uint32(n))
}
