package auditlog

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/parcours/parcours/eventstore"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// add appends events as leaves, in one transaction with the tree's new
// size and position (the follower's checkpoint): a crash leaves either all
// of them or none, and events the tree already holds (a redelivery, or
// another process got there first) are skipped, so each event is one leaf.
func (l *Log) add(ctx context.Context, events []eventstore.Event) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	tx, err := l.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("audit log: begin transaction: %w", err)
	}
	defer tx.Rollback()
	st, err := loadTree(ctx, tx)
	if err != nil {
		return err
	}
	ins, err := prepareInserts(ctx, tx)
	if err != nil {
		return err
	}
	defer ins.close()
	pending := map[int64][]byte{}
	hr := storedHashes(batchBlobs(pending, dbBlobs(ctx, tx)))
	before := st.Size
	for _, e := range events {
		if !st.Position.Less(e.Position) {
			continue
		}
		if eventstore.ComputeHash(e.Stream, e.Revision, e.Proposed(), e.PrevHash) != e.Hash {
			return fmt.Errorf("audit log: %s@%d at %s: %w", e.Stream, e.Revision, e.Position, ErrTampered)
		}
		hashes, err := tlog.StoredHashesForRecordHash(st.Size, tlog.RecordHash(e.Hash[:]), hr)
		if err != nil {
			return fmt.Errorf("audit log: hashes of leaf %d: %w", st.Size, err)
		}
		blob := make([]byte, 0, len(hashes)*tlog.HashSize)
		for _, h := range hashes {
			blob = append(blob, h[:]...)
		}
		pending[st.Size] = blob
		if err := ins.leaf(ctx, st.Size, e.ID[:], e.Hash[:], int64(e.Position.Hi), int64(e.Position.Lo), blob); err != nil {
			return fmt.Errorf("audit log: store leaf %d (%s): %w", st.Size, e.ID, err)
		}
		if portfolio, dossier, ok := submission(e); ok {
			if _, err := ins.anchor.ExecContext(ctx, portfolio, dossier, e.ID[:], st.Size); err != nil {
				return fmt.Errorf("audit log: record submission: %w", err)
			}
		}
		st.Size, st.Position = st.Size+1, e.Position
	}
	if st.Size == before {
		return nil
	}
	if err := ins.flush(ctx); err != nil {
		return fmt.Errorf("audit log: store leaves: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE tree SET size = ?, pos_hi = ?, pos_lo = ? WHERE id = 1`,
		st.Size, int64(st.Position.Hi), int64(st.Position.Lo)); err != nil {
		return fmt.Errorf("audit log: save tree state: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("audit log: commit: %w", err)
	}
	l.signal.Notify()
	return nil
}

// leavesPerInsert is how many leaves one INSERT statement writes: one
// statement per row costs the follower (and so the appenders it shares
// the machine with) far more than the rows themselves.
const leavesPerInsert = 64

// inserts writes a transaction's leaves, leavesPerInsert rows at a time,
// and its anchors.
type inserts struct {
	tx     *sql.Tx
	many   *sql.Stmt
	anchor *sql.Stmt
	rows   []any // the parameters of leaves not yet written
}

const leafColumns = 6

func leafInsert(n int) string {
	return `INSERT INTO leaves (idx, event_id, event_hash, pos_hi, pos_lo, hashes) VALUES (?, ?, ?, ?, ?, ?)` +
		strings.Repeat(`, (?, ?, ?, ?, ?, ?)`, n-1)
}

func prepareInserts(ctx context.Context, tx *sql.Tx) (*inserts, error) {
	ins := &inserts{tx: tx}
	var err error
	if ins.many, err = tx.PrepareContext(ctx, leafInsert(leavesPerInsert)); err == nil {
		ins.anchor, err = tx.PrepareContext(ctx, `INSERT INTO anchors (portfolio, dossier, event_id, leaf) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`)
	}
	if err != nil {
		ins.close()
		return nil, fmt.Errorf("audit log: prepare: %w", err)
	}
	return ins, nil
}

// leaf queues one leaf, writing a full statement's worth when there is one.
func (ins *inserts) leaf(ctx context.Context, values ...any) error {
	ins.rows = append(ins.rows, values...)
	if len(ins.rows) < leavesPerInsert*leafColumns {
		return nil
	}
	_, err := ins.many.ExecContext(ctx, ins.rows...)
	ins.rows = ins.rows[:0]
	return err
}

// flush writes the queued leaves.
func (ins *inserts) flush(ctx context.Context) error {
	if len(ins.rows) == 0 {
		return nil
	}
	_, err := ins.tx.ExecContext(ctx, leafInsert(len(ins.rows)/leafColumns), ins.rows...)
	ins.rows = ins.rows[:0]
	return err
}

func (ins *inserts) close() {
	for _, st := range []*sql.Stmt{ins.many, ins.anchor} {
		if st != nil {
			st.Close()
		}
	}
}

// submission recognises a VAE dossier's submission: the event the anchor
// of that dossier is about.
func submission(e eventstore.Event) (portfolio, dossier string, ok bool) {
	portfolio, isPortfolio := strings.CutPrefix(e.Stream, "portfolio-")
	if e.Type != "VAEDossierSubmitted" || !isPortfolio {
		return "", "", false
	}
	var body struct {
		DossierID string `json:"dossier_id"`
	}
	if json.Unmarshal(e.Data, &body) != nil || body.DossierID == "" {
		return "", "", false
	}
	return portfolio, body.DossierID, true
}

// signIfDue signs a checkpoint of the whole tree when none exists yet, or
// the tree grew and CheckpointEvery events or CheckpointInterval passed
// since the latest (or force is set). Submissions the new checkpoint
// covers get it as their anchor, in the same transaction.
func (l *Log) signIfDue(ctx context.Context, force bool) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.cfg.Now().UTC()
	if l.last.ok {
		st, err := loadTree(ctx, l.r)
		if err != nil {
			return err
		}
		grown := st.Size - l.last.size
		if grown <= 0 || !force && grown < int64(l.cfg.CheckpointEvery) && now.Sub(l.last.at) < l.cfg.CheckpointInterval {
			return nil
		}
	}
	tx, err := l.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("audit log: begin transaction: %w", err)
	}
	defer tx.Rollback()
	st, err := loadTree(ctx, tx)
	if err != nil {
		return err
	}
	var have int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM checkpoints WHERE size >= ?`, st.Size).Scan(&have); err != nil {
		return fmt.Errorf("audit log: read checkpoints: %w", err)
	}
	if have > 0 { // another process signed this tree already
		l.last.size, l.last.at, l.last.ok = st.Size, now, true
		return nil
	}
	root, err := tlog.TreeHash(st.Size, storedHashes(dbBlobs(ctx, tx)))
	if err != nil {
		return fmt.Errorf("audit log: root of tree %d: %w", st.Size, err)
	}
	c := Checkpoint{Origin: l.key.Origin(), Size: st.Size, Root: root, Time: now.Truncate(1e9)}
	signed, err := note.Sign(&note.Note{Text: c.Text()}, l.key.Signer)
	if err != nil {
		return fmt.Errorf("audit log: sign checkpoint: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO checkpoints (size, signed_at, note) VALUES (?, ?, ?)`, c.Size, c.Time.Unix(), signed); err != nil {
		return fmt.Errorf("audit log: store checkpoint: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE anchors SET checkpoint_size = ? WHERE checkpoint_size IS NULL AND leaf < ?`, c.Size, c.Size); err != nil {
		return fmt.Errorf("audit log: anchor submissions: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("audit log: commit checkpoint: %w", err)
	}
	l.last.size, l.last.at, l.last.ok = c.Size, now, true
	l.cfg.Log.Debug("audit checkpoint signed", "size", c.Size)
	l.signal.Notify()
	return nil
}
