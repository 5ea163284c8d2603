package auditlog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/parcours/parcours/eventstore"
)

// Config configures a Log. The zero value takes the defaults.
type Config struct {
	// CheckpointEvery signs a checkpoint once this many events were added
	// since the last one (default 1000).
	CheckpointEvery int
	// CheckpointInterval signs a checkpoint when events were added and
	// this much time passed since the last one (default 10s).
	CheckpointInterval time.Duration
	// Batch bounds the events added in one transaction (default 4096).
	Batch int
	// Poll is how often the follower reads what was appended since its
	// last look (default 250ms); everything new goes into the tree in one
	// transaction per Batch events. An event is a leaf about Poll after
	// its commit. Each look costs a transaction of its own, so a longer
	// Poll leaves more of the machine to the appenders.
	Poll time.Duration
	// Now is the clock (default time.Now); tests pass their own.
	Now func() time.Time
	Log *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.CheckpointEvery <= 0 {
		c.CheckpointEvery = 1000
	}
	if c.CheckpointInterval <= 0 {
		c.CheckpointInterval = 10 * time.Second
	}
	if c.Batch <= 0 {
		c.Batch = 4096
	}
	if c.Poll <= 0 {
		c.Poll = 250 * time.Millisecond
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return c
}

// Log is the Merkle log over a store's global log: it adds one leaf per
// event (Run), signs checkpoints, and answers proofs. It is safe for
// concurrent use; several processes may follow into the same file (each
// append re-reads the tree in its transaction and skips what is there).
type Log struct {
	store  eventstore.Store
	key    Key
	cfg    Config
	w, r   *sql.DB
	signal eventstore.Signal

	mu   sync.Mutex // serialises this process's appends and signatures
	last struct {   // the latest checkpoint this process knows of
		size int64
		at   time.Time
		ok   bool
	}
}

// Open opens the audit log in the file at path (auditlog.db, brought up to
// date by Migrate) over store, signing with key.
func Open(ctx context.Context, path string, store eventstore.Store, key Key, cfg Config) (*Log, error) {
	w, r, err := openDB(ctx, path)
	if err != nil {
		return nil, err
	}
	l := &Log{store: store, key: key, cfg: cfg.withDefaults(), w: w, r: r}
	var size, at int64
	err = r.QueryRowContext(ctx, `SELECT size, signed_at FROM checkpoints ORDER BY size DESC LIMIT 1`).Scan(&size, &at)
	switch {
	case err == nil:
		l.last.size, l.last.at, l.last.ok = size, time.Unix(at, 0), true
	case !errors.Is(err, sql.ErrNoRows):
		l.Close()
		return nil, fmt.Errorf("read latest checkpoint: %w", err)
	}
	return l, nil
}

// Close closes the file.
func (l *Log) Close() error { return errors.Join(l.w.Close(), l.r.Close()) }

// PublicKey returns the verifier key of the log's signatures, as served at
// /v1/audit/public-key and printed by `parcours audit public-key`.
func (l *Log) PublicKey() string { return l.key.Public }

// Origin returns the log's name, the first line of its checkpoints.
func (l *Log) Origin() string { return l.key.Origin() }

// Run follows the store's global log from the tree's checkpoint, adding
// every event as a leaf and signing checkpoints as configured, until ctx
// ends (it then returns ctx's error) or an event fails to verify against
// its hash (ErrTampered: the log stops rather than notarise it).
//
// It polls ReadAll every Poll rather than taking every commit as
// Subscribe delivers it: the tree needs no lower latency than that, and
// one read and one transaction per poll cost the appenders far less than
// one per commit (see `parcours bench audit`).
func (l *Log) Run(ctx context.Context) error {
	if err := l.signIfDue(ctx, false); err != nil {
		return stopped(ctx, err)
	}
	tick := time.NewTicker(l.cfg.Poll)
	defer tick.Stop()
	for {
		if err := l.pass(ctx); err != nil {
			return stopped(ctx, err)
		}
		if err := l.signIfDue(ctx, false); err != nil {
			return stopped(ctx, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// pass adds every event after the tree's position, one transaction per
// page of Batch events, until a page comes back short.
func (l *Log) pass(ctx context.Context) error {
	for {
		st, err := l.Tree(ctx)
		if err != nil {
			return err
		}
		events, err := l.store.ReadAll(ctx, st.Position, l.cfg.Batch)
		if err != nil {
			return fmt.Errorf("audit log: read from %s: %w", st.Position, err)
		}
		if len(events) > 0 {
			if err := l.add(ctx, events); err != nil {
				return err
			}
		}
		if len(events) < l.cfg.Batch {
			return nil
		}
	}
}

// stopped returns ctx's error when ctx ended (whatever failed because of
// it), else err.
func stopped(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// CatchUp adds every event up to the store's head and returns; tools that
// run without the service (a bundle built from the command line) use it.
// With sign set, it then signs a checkpoint of the whole tree if it grew.
func (l *Log) CatchUp(ctx context.Context, sign bool) error {
	if err := l.pass(ctx); err != nil {
		return err
	}
	return l.signIfDue(ctx, sign)
}

// TreeState is how far the tree has come.
type TreeState struct {
	Size     int64               // leaves in the tree
	Position eventstore.Position // global-log position of the last leaf
}

// Tree returns the tree's current size and position.
func (l *Log) Tree(ctx context.Context) (TreeState, error) {
	return loadTree(ctx, l.r)
}

// WaitFor blocks until the tree covers the event at pos (or ctx ends).
func (l *Log) WaitFor(ctx context.Context, pos eventstore.Position) error {
	for {
		woken := l.signal.Wait()
		st, err := l.Tree(ctx)
		if err != nil {
			return err
		}
		if !st.Position.Less(pos) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-woken:
		case <-time.After(time.Second): // another process may be the one adding
		}
	}
}

type rowQueryer interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}

func loadTree(ctx context.Context, q rowQueryer) (TreeState, error) {
	var st TreeState
	var hi, lo int64
	if err := q.QueryRowContext(ctx, `SELECT size, pos_hi, pos_lo FROM tree WHERE id = 1`).Scan(&st.Size, &hi, &lo); err != nil {
		return st, fmt.Errorf("audit log: read tree state: %w", err)
	}
	st.Position = eventstore.Position{Hi: uint64(hi), Lo: uint64(lo)}
	return st, nil
}
