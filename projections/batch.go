package projections

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	// A drop-in encoding/json, about twice as fast on these hot paths
	// (decoding every event, encoding every read-model document).
	"github.com/segmentio/encoding/json"
)

// A read model is a set of JSON documents, each named by a namespace and a
// key ("portfolio", "p-zoe"), plus append-only logs (a timeline, an audit
// trail). Every projection generation has its own two tables, so a
// rebuild fills fresh ones and swaps them in at once.

func docsTable(name string, gen int) string { return "rm_" + name + "_" + strconv.Itoa(gen) + "_docs" }
func logTable(name string, gen int) string  { return "rm_" + name + "_" + strconv.Itoa(gen) + "_log" }

// createTables creates a generation's tables. A rebuild fills a log
// without its index and builds the index once the log is written
// (createLogIndex): one sort instead of an index insert per entry.
func createTables(ctx context.Context, tx *sql.Tx, d dialect, name string, gen int, logIndex bool) error {
	ddl := d.tablesDDL(docsTable(name, gen), logTable(name, gen))
	if !logIndex {
		ddl = ddl[:2]
	}
	for _, q := range ddl {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("create tables of %s: %w", name, err)
		}
	}
	return nil
}

// createLogIndex creates the index of a generation's log that createTables
// left out.
func createLogIndex(ctx context.Context, tx *sql.Tx, d dialect, name string, gen int) error {
	ddl := d.tablesDDL(docsTable(name, gen), logTable(name, gen))
	if _, err := tx.ExecContext(ctx, ddl[2]); err != nil {
		return fmt.Errorf("index the log of %s: %w", name, err)
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
	// logRows holds the ns, key and doc of each log entry not yet
	// written: flush inserts them many rows to a statement.
	logRows []any
	// txs numbers the rebuild page the batch is applying.
	txs int
	// A pipelined rebuild's batch has no transaction: rec collects its
	// statements for the writer goroutine, pend holds the documents handed
	// over and not yet committed, and reads go to the reader pool through
	// pend (pipeline.go).
	rec  *[]recorded
	pend *pending
	db   *DB
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
	used    int  // the last rebuild page (Batch.txs) that read or wrote it
}

func newBatch(ctx context.Context, tx *sql.Tx, db *DB, name string, gen int) *Batch {
	return &Batch{ctx: ctx, tx: tx, docs: docsTable(name, gen), log: logTable(name, gen), cache: map[docKey]*cached{},
		stmts: map[string]*sql.Stmt{}, prepare: db.dialect == sqliteDialect, shared: &db.stmts, writer: db.writer, db: db}
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
	if b.rec != nil {
		*b.rec = append(*b.rec, recorded{query: query, args: append([]any(nil), args...)})
		return nil
	}
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
		b.cache[k] = &cached{v: v, dirty: true, deleted: true, used: b.txs}
		return v, false, nil
	}
	if c, ok := b.cache[k]; ok {
		c.used = b.txs
		v, ok := c.v.(*T)
		if !ok {
			return nil, false, fmt.Errorf("document %s/%s read as %T and as %T", ns, key, c.v, new(T))
		}
		return v, c.exists, nil
	}
	v := new(T)
	var raw []byte
	var err error
	if b.pend != nil {
		raw, err = b.pend.read(b, k)
	} else {
		var row *sql.Row
		if row, err = b.queryRow(`SELECT doc FROM `+b.docs+` WHERE ns = $1 AND key = $2`, ns, key); err != nil {
			return nil, false, err
		}
		err = row.Scan(&raw)
	}
	switch {
	case errors.Is(err, sql.ErrNoRows):
		b.cache[k] = &cached{v: v, used: b.txs}
		return v, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("read %s/%s: %w", ns, key, err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return nil, false, fmt.Errorf("decode %s/%s: %w", ns, key, err)
	}
	b.cache[k] = &cached{v: v, exists: true, used: b.txs}
	return v, true, nil
}

// Put marks v (usually the *T from Get) as the document ns/key.
func (b *Batch) Put(ns, key string, v any) {
	b.cache[docKey{ns, key}] = &cached{v: v, exists: true, dirty: true, used: b.txs}
}

// Delete removes the document ns/key.
func (b *Batch) Delete(ns, key string) {
	b.cache[docKey{ns, key}] = &cached{v: nil, exists: false, dirty: true, deleted: true, used: b.txs}
}

// Append adds an entry to the log ns/key. Entries are written, in the
// order appended, when the batch is flushed.
func (b *Batch) Append(ns, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s/%s entry: %w", ns, key, err)
	}
	b.logRows = append(b.logRows, ns, key, raw)
	return nil
}

// flush writes the changed documents and the log entries, and releases
// the statements.
func (b *Batch) flush() error {
	defer b.close()
	if err := b.writeDocs(func(*cached) bool { return true }); err != nil {
		return err
	}
	return b.flushLog()
}

// writeDocs writes the changed documents that pick selects, the upserts
// many rows to a statement.
func (b *Batch) writeDocs(pick func(*cached) bool) error {
	var rows []any
	for k, c := range b.cache {
		if !c.dirty || !pick(c) {
			continue
		}
		if c.deleted {
			if err := b.exec(`DELETE FROM `+b.docs+` WHERE ns = $1 AND key = $2`, k.ns, k.key); err != nil {
				return fmt.Errorf("delete %s/%s: %w", k.ns, k.key, err)
			}
			b.pend.handOver(k, nil, b.txs)
			c.dirty = false
			continue
		}
		raw, err := json.Marshal(c.v)
		if err != nil {
			return fmt.Errorf("encode %s/%s: %w", k.ns, k.key, err)
		}
		b.pend.handOver(k, raw, b.txs)
		rows = append(rows, k.ns, k.key, raw)
		c.dirty = false
	}
	if err := b.insertRows(b.docs, ` ON CONFLICT (ns, key) DO UPDATE SET doc = excluded.doc`, rows); err != nil {
		return fmt.Errorf("write documents: %w", err)
	}
	return nil
}

// maxRowsPerInsert is the most rows one INSERT writes. Rows go in
// statements of 128, 64, … 1 rows, so a table needs at most eight
// distinct (prepared, shared) statements of each kind.
const maxRowsPerInsert = 128

// insertRows inserts rows (ns, key, doc, flattened) into table, with
// suffix after the VALUES list.
func (b *Batch) insertRows(table, suffix string, rows []any) error {
	for len(rows) > 0 {
		n := maxRowsPerInsert
		for 3*n > len(rows) {
			n /= 2
		}
		if err := b.exec(b.insertSQL(table, n)+suffix, rows[:3*n]...); err != nil {
			return err
		}
		rows = rows[3*n:]
	}
	return nil
}

// insertSQL is the statement that inserts n rows (ns, key, doc) into
// table. SQLite gets anonymous parameters: the driver looks each numbered
// one up by name, which costs quadratically in a statement of many rows.
// The text is built once per table, size and dialect (a live projection
// flushes once per event).
func (b *Batch) insertSQL(table string, n int) string {
	k := insertKey{table, n, b.prepare}
	if q, ok := insertTexts.Load(k); ok {
		return q.(string)
	}
	var q strings.Builder
	q.WriteString(`INSERT INTO ` + table + ` (ns, key, doc) VALUES `)
	for i := range n {
		if i > 0 {
			q.WriteString(", ")
		}
		if b.prepare {
			q.WriteString("(?, ?, ?)")
		} else {
			fmt.Fprintf(&q, "($%d, $%d, $%d)", 3*i+1, 3*i+2, 3*i+3)
		}
	}
	insertTexts.Store(k, q.String())
	return q.String()
}

type insertKey struct {
	table     string
	n         int
	anonymous bool
}

// insertTexts caches insertSQL's statements: a few per generation table
// (sizes are powers of two up to maxRowsPerInsert).
var insertTexts sync.Map

// flushLog writes the log entries appended since the last flush, in the
// order appended.
func (b *Batch) flushLog() error {
	if err := b.insertRows(b.log, "", b.logRows); err != nil {
		return fmt.Errorf("append to %s: %w", b.log, err)
	}
	clear(b.logRows)
	b.logRows = b.logRows[:0]
	return nil
}

// settle ends a rebuild page's share of the batch: it writes the log
// entries, and writes and forgets the documents this page did not use
// (all of them if final), so that the cache holds what recent
// transactions used, and documents many of them change (a structure's
// overview, a counsellor's caseload) are read, decoded and written once
// rather than once per transaction.
func (b *Batch) settle(final bool) error {
	idle := func(c *cached) bool { return final || c.used < b.txs }
	if err := b.writeDocs(idle); err != nil {
		return err
	}
	for k, c := range b.cache {
		if idle(c) {
			delete(b.cache, k)
		}
	}
	return b.flushLog()
}
