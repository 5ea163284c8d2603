package eventstore

import (
	"context"
	"fmt"
)

// LogVerification summarises a verified global log.
type LogVerification struct {
	Events  uint64
	Streams int
	Head    Position
}

// VerifyLog reads the whole global log and checks every stream's chain as
// its events go by: each event must follow its stream's previous event
// (revision and hash) and match its own hash. It also checks that positions
// strictly increase. It returns a *ChainError at the first break.
func VerifyLog(ctx context.Context, s Store) (LogVerification, error) {
	type tip struct {
		rev  uint64
		hash Hash
	}
	tips := map[string]tip{}
	var v LogVerification
	from := Start
	for {
		events, err := s.ReadAll(ctx, from, 1000)
		if err != nil {
			return v, fmt.Errorf("verify log: %w", err)
		}
		for i, e := range events {
			fail := func(format string, args ...any) error {
				return &ChainError{Stream: e.Stream, Revision: e.Revision, Index: int(v.Events) + i, Reason: fmt.Sprintf(format, args...)}
			}
			if !from.Less(e.Position) {
				return v, fail("position %s does not follow %s", e.Position, from)
			}
			t, seen := tips[e.Stream]
			switch {
			case !seen && (e.Revision != 0 || e.PrevHash != Hash{}):
				return v, fail("first event of the stream has revision %d", e.Revision)
			case seen && e.Revision != t.rev+1:
				return v, fail("revision %d follows %d", e.Revision, t.rev)
			case seen && e.PrevHash != t.hash:
				return v, fail("previous hash does not match revision %d", t.rev)
			}
			if ComputeHash(e.Stream, e.Revision, e.Proposed(), e.PrevHash) != e.Hash {
				return v, fail("content does not match its hash")
			}
			tips[e.Stream] = tip{e.Revision, e.Hash}
			from = e.Position
		}
		v.Events += uint64(len(events))
		v.Streams, v.Head = len(tips), from
		if len(events) < 1000 {
			return v, nil
		}
	}
}
