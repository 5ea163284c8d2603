package eventstore

import (
	"errors"
	"fmt"
)

// Sentinel errors of the contract. Backends wrap them with context; callers
// test them with errors.Is.
var (
	// ErrWrongExpectedRevision: the stream is not at the expected revision.
	// The error is a *ConflictError, which carries the actual revision.
	ErrWrongExpectedRevision = errors.New("wrong expected revision")
	// ErrStreamNotFound: the stream has no event.
	ErrStreamNotFound = errors.New("stream not found")
	// ErrIdempotencyConflict: some of the event IDs are already stored, but
	// not as exactly these events at consecutive revisions of this stream.
	ErrIdempotencyConflict = errors.New("event ids already used by other events")
	// ErrEventTooLarge: an event's data and metadata together exceed the
	// store's limit.
	ErrEventTooLarge = errors.New("event too large")
	// ErrInvalidEvent: the append is malformed (bad stream name, no event,
	// nil or repeated ID, empty type, data or metadata not JSON).
	ErrInvalidEvent = errors.New("invalid event")
	// ErrClosed: the store was closed.
	ErrClosed = errors.New("store closed")
)

// ConflictError is returned when an append's expectation does not hold.
type ConflictError struct {
	Stream   string
	Expected ExpectedRevision
	// Actual is the stream's last revision; meaningless when !Exists.
	Actual uint64
	Exists bool
}

func (e *ConflictError) Error() string {
	actual := "no stream"
	if e.Exists {
		actual = fmt.Sprintf("revision %d", e.Actual)
	}
	return fmt.Sprintf("append to %s: expected %s, stream is at %s: %v", e.Stream, e.Expected, actual, ErrWrongExpectedRevision)
}

// Is makes errors.Is(err, ErrWrongExpectedRevision) true.
func (e *ConflictError) Is(target error) bool { return target == ErrWrongExpectedRevision }

// ChainError reports the first event at which a stream's hash chain breaks.
type ChainError struct {
	Stream   string
	Revision uint64 // revision of the first event that does not verify
	Index    int    // its index in the events checked
	Reason   string
}

// ErrChainBroken matches every *ChainError.
var ErrChainBroken = errors.New("hash chain broken")

func (e *ChainError) Error() string {
	return fmt.Sprintf("stream %s: chain breaks at revision %d (event #%d): %s", e.Stream, e.Revision, e.Index, e.Reason)
}

// Is makes errors.Is(err, ErrChainBroken) true.
func (e *ChainError) Is(target error) bool { return target == ErrChainBroken }
