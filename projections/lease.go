package projections

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
)

// With PostgreSQL, a projection is run by the process that holds its
// lease: a session-level advisory lock on a key derived from the schema
// and the projection's name. The lock lasts as long as the session that
// took it, so a process that dies, or whose connection breaks, loses its
// leases at once and another process takes them over.

// lockKey is the advisory-lock key for kind and name in schema: a stable
// 64-bit hash, the same in every process and release. The schema is part
// of it because advisory locks are per database, and two deployments may
// share a database in two schemas.
func lockKey(kind, name string, schema ...string) int64 {
	h := fnv.New64a()
	h.Write([]byte("parcours." + kind + "."))
	for _, s := range schema {
		h.Write([]byte(s + "."))
	}
	h.Write([]byte(name))
	return int64(h.Sum64())
}

func (d *DB) leaseKey(name string) int64   { return lockKey("projection", name, d.schema) }
func (d *DB) rebuildKey(name string) int64 { return lockKey("rebuild", name, d.schema) }

// lockSession is a PostgreSQL session of its own that holds advisory
// locks. It is a connection outside the pools: closing it really ends the
// session and frees its locks, where a pooled connection would go back to
// the pool still holding them.
type lockSession struct {
	conn *pgx.Conn
	pid  uint32 // the server process of the session, as pg_locks shows it
}

// lockSession opens a session named for this process in
// pg_stat_activity, so an operator can see who holds which lease.
func (d *DB) lockSession(ctx context.Context, role string) (*lockSession, error) {
	if d.pg == nil {
		return nil, errors.New("advisory locks: read models are not in PostgreSQL")
	}
	cfg := d.pg.Copy()
	host, _ := os.Hostname()
	cfg.RuntimeParams["application_name"] = fmt.Sprintf("parcours %s %s pid %d", role, host, os.Getpid())
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open a session for %s: %w", role, err)
	}
	return &lockSession{conn: conn, pid: conn.PgConn().PID()}, nil
}

// try takes the lock key if it is free (or already this session's).
func (s *lockSession) try(ctx context.Context, key int64) (bool, error) {
	var ok bool
	if err := s.conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&ok); err != nil {
		return false, fmt.Errorf("try advisory lock: %w", err)
	}
	return ok, nil
}

// wait takes the lock key, waiting for it as long as ctx allows.
func (s *lockSession) wait(ctx context.Context, key int64) error {
	if _, err := s.conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
		return fmt.Errorf("wait for advisory lock: %w", err)
	}
	return nil
}

// alive reports whether the session still answers, within a few seconds.
func (s *lockSession) alive(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return s.conn.Ping(ctx)
}

// close ends the session, which frees its locks.
func (s *lockSession) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s.conn.Close(ctx)
}

// errLeaseLost: the session that held a projection's lease is gone; its
// handler stops without applying the event, and the runner tries to take
// the lease again.
var errLeaseLost = errors.New("projection lease lost")

// holds checks, in the transaction that is about to change key's
// projection, that session pid still holds the lease: a handler whose
// lease went with its session must not apply one more event, even in the
// moments before its runner notices. (The state row lock taken just
// before keeps exactly-once either way; this keeps one runner at a time.)
func holds(ctx context.Context, tx *sql.Tx, key int64, pid uint32) error {
	var ok bool
	err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
		AND classid::text::bigint = $1 AND objid::text::bigint = $2 AND objsubid = 1 AND pid = $3)`,
		int64(uint64(key)>>32), int64(uint64(key)&0xffffffff), int64(pid)).Scan(&ok)
	if err != nil {
		return fmt.Errorf("check the projection's lease: %w", err)
	}
	if !ok {
		return errLeaseLost
	}
	return nil
}

// lockRebuild makes rebuilds of the same projections by several
// processes take turns (PostgreSQL; SQLite has one writer). The returned
// function releases the locks.
func (d *DB) lockRebuild(ctx context.Context, projections []Projection) (func(), error) {
	if d.dialect != postgresDialect {
		return func() {}, nil
	}
	s, err := d.lockSession(ctx, "rebuild")
	if err != nil {
		return nil, err
	}
	keys := make([]int64, len(projections))
	for i, p := range projections {
		keys[i] = d.rebuildKey(p.Name())
	}
	slices.Sort(keys) // one order everywhere: no deadlock between rebuilds
	for _, k := range keys {
		if err := s.wait(ctx, k); err != nil {
			s.close()
			return nil, fmt.Errorf("rebuild: %w", err)
		}
	}
	return s.close, nil
}
