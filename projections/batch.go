package projections

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
)

// A read model is a set of JSON documents, each named by a namespace and a
// key ("portfolio", "p-zoe"), plus append-only logs (a timeline, an audit
// trail). Every projection generation has its own two tables, so a
// rebuild fills fresh ones and swaps them in at once.

func docsTable(name string, gen int) string { return "rm_" + name + "_" + strconv.Itoa(gen) + "_docs" }
func logTable(name string, gen int) string  { return "rm_" + name + "_" + strconv.Itoa(gen) + "_log" }

func createTables(ctx context.Context, tx *sql.Tx, d dialect, name string, gen int) error {
	for _, q := range d.tablesDDL(docsTable(name, gen), logTable(name, gen)) {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("create tables of %s: %w", name, err)
		}
	}
	return nil
}

func dropTables(ctx context.Context, tx *sql.Tx, name string, gen int) error {
	for _, t := range []string{docsTable(name, gen), logTable(name, gen)} {
		if _, err := tx.ExecContext(ctx, `DROP TABLE IF EXISTS `+t); err != nil {
			return fmt.Errorf("drop %s: %w", t, err)
		}
	}
	return nil
}

// Batch is the read-model side of one transaction: documents read are
// cached, changed ones are written once at the end, log entries are
// inserted at once.
type Batch struct {
	ctx   context.Context
	tx    *sql.Tx
	docs  string
	log   string
	cache map[docKey]*cached
	stmts map[string]*sql.Stmt // SQLite: the transaction's handles on the shared statements
	// shared holds the statements prepared on the write connection, by
	// query; writer is that connection's pool.
	shared *sync.Map
	writer *sql.DB
	missed []string // queries to share once the transaction ends
	// prepare is false on PostgreSQL, where pgx keeps prepared statements
	// per connection: preparing per batch would only add round trips.
	prepare bool
}

type docKey struct{ ns, key string }

type cached struct {
	v       any
	exists  bool
	dirty   bool
	deleted bool // deleted in this batch (until a Put)
}

func newBatch(ctx context.Context, tx *sql.Tx, db *DB, name string, gen int) *Batch {
	return &Batch{ctx: ctx, tx: tx, docs: docsTable(name, gen), log: logTable(name, gen), cache: map[docKey]*cached{},
		stmts: map[string]*sql.Stmt{}, prepare: db.dialect == sqliteDialect, shared: &db.stmts, writer: db.writer}
}

// stmt returns the batch's prepared statement for query.
func (b *Batch) stmt(query string) (*sql.Stmt, error) {
	if st, ok := b.stmts[query]; ok {
		return st, nil
	}
	// Statements prepared once on the write connection are reused by every
	// transaction (a live projection commits one event at a time: parsing
	// its SQL each time would cost more than running it). One not yet
	// shared is prepared in the transaction, and shared after it (the one
	// write connection is busy until then).
	if shared, ok := b.shared.Load(query); ok {
		st := b.tx.StmtContext(b.ctx, shared.(*sql.Stmt))
		b.stmts[query] = st
		return st, nil
	}
	st, err := b.tx.PrepareContext(b.ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare %q: %w", query, err)
	}
	b.stmts[query] = st
	b.missed = append(b.missed, query)
	return st, nil
}

// exec runs query in the batch's transaction.
func (b *Batch) exec(query string, args ...any) error {
	if !b.prepare {
		_, err := b.tx.ExecContext(b.ctx, query, args...)
		return err
	}
	st, err := b.stmt(query)
	if err != nil {
		return err
	}
	_, err = st.ExecContext(b.ctx, args...)
	return err
}

// queryRow runs query, which returns at most one row, in the batch's
// transaction.
func (b *Batch) queryRow(query string, args ...any) (*sql.Row, error) {
	if !b.prepare {
		return b.tx.QueryRowContext(b.ctx, query, args...), nil
	}
	st, err := b.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.QueryRowContext(b.ctx, args...), nil
}

// close releases the prepared statements.
func (b *Batch) close() {
	for _, st := range b.stmts {
		st.Close()
	}
}

// share prepares, on the now free write connection, the statements the
// batch had to prepare in its transaction.
func (b *Batch) share(ctx context.Context) {
	for _, q := range b.missed {
		if _, ok := b.shared.Load(q); ok {
			continue
		}
		if st, err := b.writer.PrepareContext(ctx, q); err == nil {
			if _, loaded := b.shared.LoadOrStore(q, st); loaded {
				st.Close()
			}
		}
	}
	b.missed = nil
}

// Context returns the batch's context.
func (b *Batch) Context() context.Context { return b.ctx }

// Get returns the document ns/key, decoded into a *T that stays cached in
// the batch (changes to it are written when it is Put), and whether it
// existed. A missing document comes back as a new zero T.
func Get[T any](b *Batch, ns, key string) (*T, bool, error) {
	k := docKey{ns, key}
	if c, ok := b.cache[k]; ok && c.deleted {
		v := new(T) // deleted earlier in this batch: a new, empty document
		b.cache[k] = &cached{v: v, dirty: true, deleted: true}
		return v, false, nil
	}
	if c, ok := b.cache[k]; ok {
		v, ok := c.v.(*T)
		if !ok {
			return nil, false, fmt.Errorf("document %s/%s read as %T and as %T", ns, key, c.v, new(T))
		}
		return v, c.exists, nil
	}
	v := new(T)
	var raw []byte
	row, err := b.queryRow(`SELECT doc FROM `+b.docs+` WHERE ns = $1 AND key = $2`, ns, key)
	if err != nil {
		return nil, false, err
	}
	err = row.Scan(&raw)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		b.cache[k] = &cached{v: v}
		return v, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("read %s/%s: %w", ns, key, err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return nil, false, fmt.Errorf("decode %s/%s: %w", ns, key, err)
	}
	b.cache[k] = &cached{v: v, exists: true}
	return v, true, nil
}

// Put marks v (usually the *T from Get) as the document ns/key.
func (b *Batch) Put(ns, key string, v any) {
	b.cache[docKey{ns, key}] = &cached{v: v, exists: true, dirty: true}
}

// Delete removes the document ns/key.
func (b *Batch) Delete(ns, key string) {
	b.cache[docKey{ns, key}] = &cached{v: nil, exists: false, dirty: true, deleted: true}
}

// Append adds an entry to the log ns/key.
func (b *Batch) Append(ns, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s/%s entry: %w", ns, key, err)
	}
	if err := b.exec(`INSERT INTO `+b.log+` (ns, key, doc) VALUES ($1, $2, $3)`, ns, key, raw); err != nil {
		return fmt.Errorf("append to %s/%s: %w", ns, key, err)
	}
	return nil
}

// flush writes the changed documents and releases the statements.
func (b *Batch) flush() error {
	defer b.close()
	for k, c := range b.cache {
		if !c.dirty {
			continue
		}
		if c.deleted {
			if err := b.exec(`DELETE FROM `+b.docs+` WHERE ns = $1 AND key = $2`, k.ns, k.key); err != nil {
				return fmt.Errorf("delete %s/%s: %w", k.ns, k.key, err)
			}
			continue
		}
		raw, err := json.Marshal(c.v)
		if err != nil {
			return fmt.Errorf("encode %s/%s: %w", k.ns, k.key, err)
		}
		if err := b.exec(`INSERT INTO `+b.docs+` (ns, key, doc) VALUES ($1, $2, $3) ON CONFLICT (ns, key) DO UPDATE SET doc = excluded.doc`, k.ns, k.key, raw); err != nil {
			return fmt.Errorf("write %s/%s: %w", k.ns, k.key, err)
		}
		c.dirty = false
	}
	return nil
}
