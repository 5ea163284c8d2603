package eventstore

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
)

// Hash is a SHA-256 digest in the chain.
type Hash [32]byte

// String returns the hash in lower-case hex.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// ParseHash reads a hash written by Hash.String.
func ParseHash(s string) (Hash, error) {
	var h Hash
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(h) {
		return h, fmt.Errorf("hash %q: want 64 hex digits", s)
	}
	copy(h[:], b)
	return h, nil
}

const hashDomain = "parcours.event.v1\n"

// ComputeHash returns the hash of an event at revision rev of stream whose
// predecessor has hash prev; the layout is in the package doc.
func ComputeHash(stream string, rev uint64, e Proposed, prev Hash) Hash {
	h := sha256.New()
	var n [8]byte
	u64 := func(v uint64) {
		binary.BigEndian.PutUint64(n[:], v)
		h.Write(n[:])
	}
	bytes := func(b []byte) {
		u64(uint64(len(b)))
		h.Write(b)
	}
	h.Write([]byte(hashDomain))
	bytes([]byte(stream))
	u64(rev)
	h.Write(e.ID[:])
	bytes([]byte(e.Type))
	u64(uint64(e.SchemaVersion))
	bytes(e.Data)
	bytes(e.Metadata)
	h.Write(prev[:])
	var out Hash
	h.Sum(out[:0])
	return out
}

// Proposed returns the writer's part of a stored event.
func (e Event) Proposed() Proposed {
	return Proposed{ID: e.ID, Type: e.Type, SchemaVersion: e.SchemaVersion, Data: e.Data, Metadata: e.Metadata}
}

// Chain links new events onto a stream whose last event has hash prev and
// revision next-1, filling in revisions and hashes. Backends that compute the
// chain in Go use it.
type Chain struct {
	Prev Hash
	Next uint64
}

// Link returns the hash of e as the next event and advances the chain.
func (c *Chain) Link(stream string, e Proposed) (rev uint64, prev, hash Hash) {
	rev, prev = c.Next, c.Prev
	hash = ComputeHash(stream, rev, e, prev)
	c.Prev, c.Next = hash, c.Next+1
	return rev, prev, hash
}

// VerifyChain checks that events are the consecutive events of one stream
// from revision events[0].Revision, each with the right hash and linked to
// its predecessor. If start is not nil, events[0] must link to *start (use
// the zero Hash for a read from revision 0). It returns a *ChainError for the
// first event that does not verify, or nil.
func VerifyChain(events []Event, start *Hash) error {
	for i, e := range events {
		fail := func(format string, args ...any) error {
			return &ChainError{Stream: e.Stream, Revision: e.Revision, Index: i, Reason: fmt.Sprintf(format, args...)}
		}
		switch {
		case i == 0 && start != nil && e.PrevHash != *start:
			return fail("previous hash %s, want %s", e.PrevHash, *start)
		case i == 0 && start != nil && *start == (Hash{}) && e.Revision != 0:
			return fail("first event has revision %d, want 0", e.Revision)
		case i > 0 && e.Stream != events[0].Stream:
			return fail("event of stream %q inside stream %q", e.Stream, events[0].Stream)
		case i > 0 && e.Revision != events[i-1].Revision+1:
			return fail("revision %d follows %d: an event is missing, inserted or out of order", e.Revision, events[i-1].Revision)
		case i > 0 && e.PrevHash != events[i-1].Hash:
			return fail("previous hash %s does not match the hash %s of revision %d", e.PrevHash, events[i-1].Hash, events[i-1].Revision)
		}
		if got := ComputeHash(e.Stream, e.Revision, e.Proposed(), e.PrevHash); got != e.Hash {
			return fail("content does not match its hash (computed %s, stored %s)", got, e.Hash)
		}
	}
	return nil
}

// StreamVerification summarises a verified stream.
type StreamVerification struct {
	Stream   string
	Events   uint64
	LastHash Hash
}

// VerifyStream reads the whole stream from s, page by page, and checks its
// chain from revision 0. It returns a *ChainError at the first break,
// ErrStreamNotFound if the stream has no event, or a read error.
func VerifyStream(ctx context.Context, s Store, stream string) (StreamVerification, error) {
	const page = 1000
	v := StreamVerification{Stream: stream}
	var prev Hash
	var last *Event
	for from := uint64(0); ; {
		events, err := s.ReadStream(ctx, stream, ReadOptions{From: from, Limit: page})
		if err != nil {
			return v, fmt.Errorf("verify %s: %w", stream, err)
		}
		if last != nil {
			events = append([]Event{*last}, events...)
		}
		start := &prev
		if last != nil {
			start = &last.PrevHash
		}
		if err := VerifyChain(events, start); err != nil {
			return v, err
		}
		if last != nil {
			events = events[1:]
		}
		if len(events) == 0 {
			return v, nil
		}
		v.Events += uint64(len(events))
		l := events[len(events)-1]
		v.LastHash, last = l.Hash, &l
		if len(events) < page {
			return v, nil
		}
		from = l.Revision + 1
	}
}
