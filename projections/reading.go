package projections

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventcodec"
)

// reading is one query's view of one read model and of the items read
// model it resolves references in: a read transaction over their current
// generations, so that a query that reads several documents sees them as
// of one moment, even while events are applied or a rebuild swaps
// generations.
type reading struct {
	ctx   context.Context
	codec *eventcodec.Codec
	tx    *sql.Tx
	db    *DB
	docs  string // the read model's documents
	log   string // the read model's log
	items string // the items read model's documents
}

// begin starts a reading of read model name; close ends it.
func (q *Queries) begin(ctx context.Context, name string) (*reading, error) {
	tx, err := q.db.reader.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("read %s: begin transaction: %w", name, err)
	}
	r := &reading{ctx: ctx, codec: q.codec, tx: tx, db: q.db}
	for _, m := range []struct {
		name       string
		docs, logs *string
	}{{name, &r.docs, &r.log}, {itemsModel, &r.items, new(string)}} {
		st, ok, err := loadState(ctx, r, m.name)
		if err == nil && !ok {
			err = fmt.Errorf("read model %s is not built yet", m.name)
		}
		if err != nil {
			tx.Rollback()
			return nil, err
		}
		*m.docs, *m.logs = docsTable(m.name, st.Generation), logTable(m.name, st.Generation)
	}
	return r, nil
}

func (r *reading) close() { r.tx.Rollback() }

// QueryRowContext runs a query of the reading through a statement prepared
// once per reader connection (SQLite parses SQL slowly; a page reads many
// documents). PostgreSQL caches statements by itself.
func (r *reading) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := r.db.readStmt(ctx, query); st != nil {
		return r.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return r.tx.QueryRowContext(ctx, query, args...)
}

// QueryContext is QueryRowContext for several rows.
func (r *reading) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := r.db.readStmt(ctx, query); st != nil {
		return r.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return r.tx.QueryContext(ctx, query, args...)
}

// table returns the documents table of namespace ns: the items read
// model's for items and people, the read model's own otherwise.
func (r *reading) table(ns string) string {
	if itemNamespaces[ns] {
		return r.items
	}
	return r.docs
}

// load returns the document ns/key decoded into a new T, and whether it
// exists.
func load[T any](r *reading, ns, key string) (*T, bool, error) {
	v := new(T)
	var raw []byte
	err := r.QueryRowContext(r.ctx, `SELECT doc FROM `+r.table(ns)+` WHERE ns = $1 AND key = $2`, ns, key).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return v, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read %s/%s: %w", ns, key, err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return nil, false, fmt.Errorf("decode %s/%s: %w", ns, key, err)
	}
	return v, true, nil
}

// scan calls fn with every document of ns whose key starts with prefix
// (not empty, and not ending in byte 0xff), in key order. The rows are
// all read before fn is called, so fn may query too (a PostgreSQL
// connection runs one query at a time).
func (r *reading) scan(ns, prefix string, fn func(key string, raw []byte) error) error {
	end := []byte(prefix)
	end[len(end)-1]++
	rows, err := r.QueryContext(r.ctx, `SELECT key, doc FROM `+r.table(ns)+` WHERE ns = $1 AND key >= $2 AND key < $3 ORDER BY key`,
		ns, prefix, string(end))
	if err != nil {
		return fmt.Errorf("list %s/%s…: %w", ns, prefix, err)
	}
	var keys []string
	var docs [][]byte
	for rows.Next() {
		var key string
		var raw []byte
		if err := rows.Scan(&key, &raw); err != nil {
			rows.Close()
			return err
		}
		keys, docs = append(keys, key), append(docs, raw)
	}
	if err := closeRows(rows); err != nil {
		return fmt.Errorf("list %s/%s…: %w", ns, prefix, err)
	}
	for i := range keys {
		if err := fn(keys[i], docs[i]); err != nil {
			return err
		}
	}
	return nil
}

// entries calls fn with the entries of log ns/key after sequence number
// after, oldest first, up to limit; it returns the last sequence number
// seen (the next cursor). The rows are all read before fn is called.
func (r *reading) entries(ns, key string, after int64, limit int, fn func(seq int64, raw []byte) error) (int64, error) {
	rows, err := r.QueryContext(r.ctx, `SELECT seq, doc FROM `+r.log+` WHERE ns = $1 AND key = $2 AND seq > $3 ORDER BY seq LIMIT $4`,
		ns, key, after, limit)
	if err != nil {
		return after, fmt.Errorf("read log %s/%s: %w", ns, key, err)
	}
	var seqs []int64
	var docs [][]byte
	for rows.Next() {
		var seq int64
		var raw []byte
		if err := rows.Scan(&seq, &raw); err != nil {
			rows.Close()
			return after, err
		}
		seqs, docs = append(seqs, seq), append(docs, raw)
	}
	if err := closeRows(rows); err != nil {
		return after, fmt.Errorf("read log %s/%s: %w", ns, key, err)
	}
	for i, seq := range seqs {
		if err := fn(seq, docs[i]); err != nil {
			return after, err
		}
		after = seq
	}
	return after, nil
}

// closeRows closes rows and returns the error that ended them, if any.
func closeRows(rows *sql.Rows) error {
	err := rows.Err()
	return errors.Join(err, rows.Close())
}

// openEvent returns a new event of ref's type with its personal part
// opened from ref, or erased = true once its person was erased. Opening
// into the event itself keeps read models independent of how each event
// type lays out its personal part. A nil ref gives a nil event.
func (r *reading) openEvent(ref *eventcodec.PersonalRef) (domain.Event, bool, error) {
	if ref == nil {
		return nil, false, nil
	}
	spec, ok := r.codec.Spec(ref.Type)
	if !ok {
		return nil, false, fmt.Errorf("open personal part: unknown event type %q", ref.Type)
	}
	e := spec.New()
	wp, ok := e.(domain.WithPersonal)
	if !ok {
		return nil, false, fmt.Errorf("open personal part: %s has none", ref.Type)
	}
	erased, err := r.codec.OpenInto(r.ctx, ref, wp.PersonalPart())
	if err != nil {
		return nil, false, fmt.Errorf("open personal part of %s@%d: %w", ref.Stream, ref.Revision, err)
	}
	if erased {
		return nil, true, nil
	}
	return e, false, nil
}
