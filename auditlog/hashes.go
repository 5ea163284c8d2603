package auditlog

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

// The tree's stored hashes (tlog's dense numbering: each leaf's record
// hash, and the hash of every complete subtree) are kept with the leaf
// whose addition computed them: leaf m's row holds, concatenated, what
// tlog.StoredHashesForRecordHash returned for it, its record hash first,
// then one hash per subtree it completed. One row per event, not three,
// keeps the follower's writes small.

// hashOwner returns the leaf that computed stored hash index, and the
// hash's place among that leaf's hashes: the hash of level L, number n,
// completes with leaf ((n+1) << L) - 1, at place L.
func hashOwner(index int64) (leaf int64, place int) {
	level, n := tlog.SplitStoredHashIndex(index)
	return (n+1)<<level - 1, level
}

// blobSource returns the hashes blobs of leaves (missing ones absent).
type blobSource func(leaves []int64) (map[int64][]byte, error)

// readStored implements tlog.HashReader over a blob source.
func readStored(indexes []int64, blobs blobSource) ([]tlog.Hash, error) {
	if len(indexes) == 0 {
		return nil, nil
	}
	leaves := make([]int64, 0, len(indexes))
	for _, idx := range indexes {
		leaf, _ := hashOwner(idx)
		leaves = append(leaves, leaf)
	}
	got, err := blobs(leaves)
	if err != nil {
		return nil, err
	}
	out := make([]tlog.Hash, len(indexes))
	for i, idx := range indexes {
		leaf, place := hashOwner(idx)
		b := got[leaf]
		if len(b) < (place+1)*tlog.HashSize {
			return nil, fmt.Errorf("stored hash %d (leaf %d): %w", idx, leaf, ErrNotFound)
		}
		copy(out[i][:], b[place*tlog.HashSize:])
	}
	return out, nil
}

type queryer interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}

// dbBlobs reads leaves' hashes blobs with one query.
func dbBlobs(ctx context.Context, q queryer) blobSource {
	return func(leaves []int64) (map[int64][]byte, error) {
		args := make([]any, len(leaves))
		for i, l := range leaves {
			args[i] = l
		}
		rows, err := q.QueryContext(ctx, `SELECT idx, hashes FROM leaves WHERE idx IN (?`+strings.Repeat(",?", len(leaves)-1)+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("read stored hashes: %w", err)
		}
		defer rows.Close()
		out := make(map[int64][]byte, len(leaves))
		for rows.Next() {
			var idx int64
			var b []byte
			if err := rows.Scan(&idx, &b); err != nil {
				return nil, fmt.Errorf("read stored hashes: %w", err)
			}
			out[idx] = b
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read stored hashes: %w", err)
		}
		return out, nil
	}
}

// batchBlobs reads the blobs of the leaves being added from memory, the
// others from the transaction.
func batchBlobs(pending map[int64][]byte, db blobSource) blobSource {
	return func(leaves []int64) (map[int64][]byte, error) {
		out := make(map[int64][]byte, len(leaves))
		var rest []int64
		for _, l := range leaves {
			if b, ok := pending[l]; ok {
				out[l] = b
			} else {
				rest = append(rest, l)
			}
		}
		if len(rest) == 0 {
			return out, nil
		}
		more, err := db(rest)
		for l, b := range more {
			out[l] = b
		}
		return out, err
	}
}

// storedHashes is a tlog.HashReader over a blob source.
type storedHashes blobSource

func (s storedHashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	return readStored(indexes, blobSource(s))
}
