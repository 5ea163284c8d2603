package auditlog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/parcours/parcours/eventstore"
	"golang.org/x/mod/sumdb/tlog"
)

// Latest returns the latest signed checkpoint, parsed and as the signed
// note. ErrNotFound before the first one (Run signs it at start).
func (l *Log) Latest(ctx context.Context) (Checkpoint, []byte, error) {
	return l.checkpoint(ctx, `SELECT note FROM checkpoints ORDER BY size DESC LIMIT 1`)
}

// CheckpointAt returns the signed checkpoint of exactly size leaves, if
// one was signed (ErrNotFound otherwise).
func (l *Log) CheckpointAt(ctx context.Context, size int64) (Checkpoint, []byte, error) {
	return l.checkpoint(ctx, `SELECT note FROM checkpoints WHERE size = ?`, size)
}

func (l *Log) checkpoint(ctx context.Context, q string, args ...any) (Checkpoint, []byte, error) {
	var signed []byte
	err := l.r.QueryRowContext(ctx, q, args...).Scan(&signed)
	if errors.Is(err, sql.ErrNoRows) {
		return Checkpoint{}, nil, fmt.Errorf("checkpoint: %w", ErrNotFound)
	}
	if err != nil {
		return Checkpoint{}, nil, fmt.Errorf("read checkpoint: %w", err)
	}
	c, err := OpenCheckpoint(signed, l.key.Verifier)
	if err != nil {
		return Checkpoint{}, nil, fmt.Errorf("stored checkpoint: %w", err)
	}
	return c, signed, nil
}

// Inclusion proves that an event is a leaf of the tree of some size.
type Inclusion struct {
	EventID   eventstore.EventID
	EventHash eventstore.Hash
	Position  eventstore.Position
	LeafIndex int64
	TreeSize  int64
	Proof     []tlog.Hash
}

// InclusionOf proves event id's inclusion in the tree of size leaves (0:
// the latest signed checkpoint's size). ErrNotFound if the tree does not
// hold the event (yet), ErrInvalid if size is beyond the tree or does not
// cover the event.
func (l *Log) InclusionOf(ctx context.Context, id eventstore.EventID, size int64) (Inclusion, error) {
	return l.inclusion(ctx, size, `WHERE event_id = ?`, id[:])
}

// InclusionAt is InclusionOf for the event at a global-log position.
func (l *Log) InclusionAt(ctx context.Context, pos eventstore.Position, size int64) (Inclusion, error) {
	idx, err := l.leafAt(ctx, pos)
	if err != nil {
		return Inclusion{}, err
	}
	return l.inclusion(ctx, size, `WHERE idx = ?`, idx)
}

// leafAt finds the leaf of the event at pos by bisection: positions grow
// with leaf indexes, so no index on them is kept (one less B-tree for the
// follower to write).
func (l *Log) leafAt(ctx context.Context, pos eventstore.Position) (int64, error) {
	st, err := l.Tree(ctx)
	if err != nil {
		return 0, err
	}
	lo, hi := int64(0), st.Size // the leaf, if any, is in [lo, hi)
	for lo < hi {
		mid := lo + (hi-lo)/2
		var h, o int64
		if err := l.r.QueryRowContext(ctx, `SELECT pos_hi, pos_lo FROM leaves WHERE idx = ?`, mid).Scan(&h, &o); err != nil {
			return 0, fmt.Errorf("read leaf %d: %w", mid, err)
		}
		switch c := (eventstore.Position{Hi: uint64(h), Lo: uint64(o)}).Compare(pos); {
		case c == 0:
			return mid, nil
		case c < 0:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return 0, fmt.Errorf("event at %s: %w", pos, ErrNotFound)
}

func (l *Log) inclusion(ctx context.Context, size int64, where string, args ...any) (Inclusion, error) {
	var in Inclusion
	var id, hash []byte
	var hi, lo int64
	err := l.r.QueryRowContext(ctx, `SELECT idx, event_id, event_hash, pos_hi, pos_lo FROM leaves `+where, args...).
		Scan(&in.LeafIndex, &id, &hash, &hi, &lo)
	if errors.Is(err, sql.ErrNoRows) {
		return in, fmt.Errorf("event: %w", ErrNotFound)
	}
	if err != nil {
		return in, fmt.Errorf("read leaf: %w", err)
	}
	copy(in.EventID[:], id)
	copy(in.EventHash[:], hash)
	in.Position = eventstore.Position{Hi: uint64(hi), Lo: uint64(lo)}
	if in.TreeSize, err = l.resolveSize(ctx, size); err != nil {
		return in, err
	}
	if in.LeafIndex >= in.TreeSize {
		return in, fmt.Errorf("leaf %d is not in the tree of size %d (ask with a later checkpoint): %w", in.LeafIndex, in.TreeSize, ErrInvalid)
	}
	if in.Proof, err = tlog.ProveRecord(in.TreeSize, in.LeafIndex, l.hashes(ctx)); err != nil {
		return in, fmt.Errorf("prove leaf %d in tree %d: %w", in.LeafIndex, in.TreeSize, err)
	}
	return in, nil
}

// Consistency proves that the tree of size old is a prefix of the tree of
// size new (old ≤ new ≤ the tree's size). The proof is empty when old is
// 0 or old equals new.
func (l *Log) Consistency(ctx context.Context, old, new int64) ([]tlog.Hash, error) {
	st, err := l.Tree(ctx)
	if err != nil {
		return nil, err
	}
	if old < 0 || old > new || new > st.Size {
		return nil, fmt.Errorf("consistency from %d to %d in a tree of %d: %w", old, new, st.Size, ErrInvalid)
	}
	if old == 0 || old == new {
		return []tlog.Hash{}, nil
	}
	p, err := tlog.ProveTree(new, old, l.hashes(ctx))
	if err != nil {
		return nil, fmt.Errorf("prove tree %d in %d: %w", old, new, err)
	}
	return p, nil
}

// resolveSize returns size, or the latest checkpoint's size for 0, after
// checking it is within the tree.
func (l *Log) resolveSize(ctx context.Context, size int64) (int64, error) {
	if size == 0 {
		var latest sql.NullInt64
		if err := l.r.QueryRowContext(ctx, `SELECT max(size) FROM checkpoints`).Scan(&latest); err != nil {
			return 0, fmt.Errorf("read latest checkpoint: %w", err)
		}
		if !latest.Valid {
			return 0, fmt.Errorf("checkpoint: %w", ErrNotFound)
		}
		return latest.Int64, nil
	}
	st, err := l.Tree(ctx)
	if err != nil {
		return 0, err
	}
	if size < 0 || size > st.Size {
		return 0, fmt.Errorf("tree size %d: the tree has %d leaves: %w", size, st.Size, ErrInvalid)
	}
	return size, nil
}

// hashes reads stored hashes from the reader pool: they never change once
// written, and proofs only ask for those of a tree already stored.
func (l *Log) hashes(ctx context.Context) tlog.HashReader {
	return storedHashes(dbBlobs(ctx, l.r))
}
