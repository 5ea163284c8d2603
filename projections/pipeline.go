package projections

import (
	"context"
	"database/sql"
	"errors"
	"hash/maphash"
	"sync"
)

// A rebuild runs in three goroutines: one reads and decodes pages of
// events (readPages), one applies them to the projections' batches, and
// one writes what each page changed and commits it (writePages), so that
// applying page n+1 overlaps writing page n. The applying batches have no
// transaction: their statements are recorded, and a document they need
// that is not in their cache is read from the reader pool, which sees
// what the writer committed, or from the documents handed to the writer
// and not yet committed (pending). Nothing else writes the new
// generation's tables, so the two together are exactly its state.

// recorded is a statement deferred to the writer.
type recorded struct {
	query string
	args  []any
}

// pending holds, for one batch, the documents written by pages the
// writer has not committed yet: their encoded form, or nil if deleted.
// It also remembers a hash of every document key ever handed over: the
// generation's tables start empty and only the writer fills them, so a
// key whose hash is not there has never been written, and reading it
// needs no query (a rebuild asks for many documents that do not exist
// yet: the first reference to an item, a person's first entry).
type pending struct {
	mu      sync.Mutex
	docs    map[docKey]pendingDoc
	written map[uint64]struct{}
}

func newPending() *pending {
	return &pending{docs: map[docKey]pendingDoc{}, written: map[uint64]struct{}{}}
}

var keySeed = maphash.MakeSeed()

// keyHash hashes a document key for pending.written.
func keyHash(k docKey) uint64 {
	var h maphash.Hash
	h.SetSeed(keySeed)
	h.WriteString(k.ns)
	h.WriteByte(0)
	h.WriteString(k.key)
	return h.Sum64()
}

type pendingDoc struct {
	raw  []byte
	page int
}

// handOver records the document k as written by page (a no-op on a nil
// pending: batches that are not pipelined).
func (p *pending) handOver(k docKey, raw []byte, page int) {
	if p == nil {
		return
	}
	h := keyHash(k)
	p.mu.Lock()
	p.docs[k] = pendingDoc{raw: raw, page: page}
	p.written[h] = struct{}{}
	p.mu.Unlock()
}

// committed forgets the documents of pages up to page, now in the tables.
func (p *pending) committed(page int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for k, d := range p.docs {
		if d.page <= page {
			delete(p.docs, k)
		}
	}
}

// read returns document k of b's table: handed over and not yet
// committed, or else as committed (sql.ErrNoRows if it does not exist).
func (p *pending) read(b *Batch, k docKey) ([]byte, error) {
	h := keyHash(k)
	p.mu.Lock()
	d, ok := p.docs[k]
	_, ever := p.written[h]
	p.mu.Unlock()
	if !ever {
		return nil, sql.ErrNoRows
	}
	if ok {
		if d.raw == nil {
			return nil, sql.ErrNoRows
		}
		return d.raw, nil
	}
	q := `SELECT doc FROM ` + b.docs + ` WHERE ns = $1 AND key = $2`
	var raw []byte
	var err error
	if st := b.db.readStmt(b.ctx, q); st != nil {
		err = st.QueryRowContext(b.ctx, k.ns, k.key).Scan(&raw)
	} else {
		err = b.db.reader.QueryRowContext(b.ctx, q, k.ns, k.key).Scan(&raw)
	}
	return raw, err
}

// writeSet is what applying one page changed, for the writer.
type writeSet struct {
	page  int
	stmts []recorded
	final func(*sql.Tx) error // run last in the last page's transaction
}

// writePages runs the write sets in order, each set waiting when the
// last transaction ends going into one transaction together (up to
// maxSetsPerTx: fewer commits, and pages changed by several sets written
// once), and tells the batches' pending documents what is committed. It
// returns at the first error, or when in closes.
func writePages(ctx context.Context, db *DB, in <-chan writeSet, pends []*pending) error {
	prepared := map[string]*sql.Stmt{} // SQLite: statements prepared on the writer
	defer func() {
		for _, st := range prepared {
			st.Close()
		}
	}()
	for ws := range in {
		sets := []writeSet{ws}
	more:
		for len(sets) < maxSetsPerTx && sets[len(sets)-1].final == nil {
			select {
			case next, ok := <-in:
				if !ok {
					break more
				}
				sets = append(sets, next)
			default:
				break more
			}
		}
		if db.dialect == sqliteDialect {
			// Prepared before the transaction: the writer pool has one
			// connection, which the transaction then holds.
			for _, ws := range sets {
				for _, r := range ws.stmts {
					if _, ok := prepared[r.query]; ok {
						continue
					}
					st, err := db.writer.PrepareContext(ctx, r.query)
					if err != nil {
						return err
					}
					prepared[r.query] = st
				}
			}
		}
		err := inTx(ctx, db, func(tx *sql.Tx) error {
			for _, ws := range sets {
				for _, r := range ws.stmts {
					var err error
					if st, ok := prepared[r.query]; ok {
						_, err = tx.StmtContext(ctx, st).ExecContext(ctx, r.args...)
					} else {
						_, err = tx.ExecContext(ctx, r.query, r.args...)
					}
					if err != nil {
						return err
					}
				}
				if ws.final != nil {
					return ws.final(tx)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, p := range pends {
			p.committed(sets[len(sets)-1].page)
		}
	}
	return nil
}

// maxSetsPerTx bounds the pages one writer transaction takes.
const maxSetsPerTx = 2

// errWriterStopped: the writer goroutine ended before the applier handed
// it everything (its own error is returned instead).
var errWriterStopped = errors.New("rebuild writer stopped")
