package eventstore

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	// Its Valid accepts exactly what encoding/json's does (FuzzValidJSON)
	// in half the time, on the path of every append.
	"github.com/segmentio/encoding/json"
)

// MaxStreamNameLen bounds stream names.
const MaxStreamNameLen = 200

// ValidateStreamName checks that name is a stream name Parcours accepts:
// 1 to 200 bytes of ASCII letters, digits and "-_.:@", not starting with "$"
// (reserved by KurrentDB for system streams).
func ValidateStreamName(name string) error {
	if name == "" || len(name) > MaxStreamNameLen {
		return fmt.Errorf("stream name must be 1 to %d bytes: %w", MaxStreamNameLen, ErrInvalidEvent)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || bytes.IndexByte([]byte("-_.:@"), c) >= 0
		if !ok {
			return fmt.Errorf("stream name %q: byte %d (%q) not allowed: %w", name, i, c, ErrInvalidEvent)
		}
	}
	return nil
}

// ValidateAppend checks an append before any storage is touched: stream
// name, at least one event, non-nil and distinct IDs, a type, JSON data, a
// JSON object as metadata, and each event's data plus metadata within
// maxSize bytes (DefaultMaxEventSize if maxSize <= 0).
func ValidateAppend(stream string, events []Proposed, maxSize int) error {
	if err := ValidateStreamName(stream); err != nil {
		return err
	}
	if len(events) == 0 {
		return fmt.Errorf("append to %s: no event: %w", stream, ErrInvalidEvent)
	}
	if maxSize <= 0 {
		maxSize = DefaultMaxEventSize
	}
	seen := make(map[EventID]struct{}, len(events))
	for i, e := range events {
		bad := func(why string) error {
			return fmt.Errorf("append to %s: event #%d (%s): %s: %w", stream, i, e.ID, why, ErrInvalidEvent)
		}
		if e.ID.IsZero() {
			return bad("nil event id")
		}
		if _, dup := seen[e.ID]; dup {
			return bad("event id repeated in one append")
		}
		seen[e.ID] = struct{}{}
		if e.Type == "" || len(e.Type) > 200 {
			return bad("type must be 1 to 200 bytes")
		}
		if size := len(e.Data) + len(e.Metadata); size > maxSize {
			return fmt.Errorf("append to %s: event #%d (%s) is %d bytes, limit %d: %w", stream, i, e.ID, size, maxSize, ErrEventTooLarge)
		}
		if !utf8.Valid(e.Data) || !json.Valid(e.Data) {
			return bad("data is not valid UTF-8 JSON")
		}
		if !utf8.Valid(e.Metadata) || !json.Valid(e.Metadata) || firstNonSpace(e.Metadata) != '{' {
			return bad("metadata is not a UTF-8 JSON object")
		}
	}
	return nil
}

func firstNonSpace(b []byte) byte {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return c
	}
	return 0
}

// SameEvent reports whether a stored event holds exactly what p proposes;
// backends use it to recognise an idempotent retry.
func SameEvent(stored Event, p Proposed) bool {
	return stored.ID == p.ID && stored.Type == p.Type && stored.SchemaVersion == p.SchemaVersion &&
		bytes.Equal(stored.Data, p.Data) && bytes.Equal(stored.Metadata, p.Metadata)
}

// MatchRetry decides whether an append of proposed to stream, some of whose
// IDs are already stored as found (the stored events with those IDs, in any
// order), is an idempotent retry. It returns the original result if every
// proposed event is stored, in order, at consecutive revisions of stream
// with the same content; otherwise ErrIdempotencyConflict.
func MatchRetry(stream string, proposed []Proposed, found []Event) (AppendResult, error) {
	byID := make(map[EventID]Event, len(found))
	for _, e := range found {
		byID[e.ID] = e
	}
	conflict := func(why string) (AppendResult, error) {
		return AppendResult{}, fmt.Errorf("append to %s: %s: %w", stream, why, ErrIdempotencyConflict)
	}
	var res AppendResult
	for i, p := range proposed {
		e, ok := byID[p.ID]
		switch {
		case !ok:
			return conflict(fmt.Sprintf("event %s is new but event %s is already stored (partial retry)", p.ID, proposed[0].ID))
		case e.Stream != stream:
			return conflict(fmt.Sprintf("event %s is already stored in stream %s", p.ID, e.Stream))
		case !SameEvent(e, p):
			return conflict(fmt.Sprintf("event %s is already stored with other content", p.ID))
		case i > 0 && e.Revision != res.LastRevision+1:
			return conflict(fmt.Sprintf("event %s is stored at revision %d, not after revision %d", p.ID, e.Revision, res.LastRevision))
		}
		if i == 0 {
			res.FirstRevision = e.Revision
		}
		res.LastRevision, res.Position = e.Revision, e.Position
	}
	return res, nil
}
