package eventstore

import "context"

// Store is the contract every backend implements. All methods are safe for
// concurrent use.
type Store interface {
	// Append stores events at the end of stream if expected holds, all or
	// none, and returns where they landed. Errors: ErrWrongExpectedRevision
	// (a *ConflictError), ErrIdempotencyConflict, ErrEventTooLarge,
	// ErrInvalidEvent, ErrClosed, or the context's error. After a context
	// error or a lost connection the outcome is unknown: retry with the same
	// event IDs.
	Append(ctx context.Context, stream string, expected ExpectedRevision, events ...Proposed) (AppendResult, error)

	// ReadStream returns up to opts.Limit events of stream, forwards from
	// opts.From or backwards from it. ErrStreamNotFound if the stream has no
	// event.
	ReadStream(ctx context.Context, stream string, opts ReadOptions) ([]Event, error)

	// ReadAll returns up to limit events of the global log after from
	// (excluded), in log order. It returns only events that no later commit
	// can precede, so a reader that continues from the last position it got
	// never skips one.
	ReadAll(ctx context.Context, from Position, limit int) ([]Event, error)

	// Subscribe calls fn for every event after from (excluded), in log
	// order: first those already stored, then new ones as they commit. It
	// returns fn's error if fn fails, or the context's error when ctx ends.
	Subscribe(ctx context.Context, from Position, fn func(Event) error) error

	// Head returns the position of the last event that ReadAll can return
	// (Start for an empty log).
	Head(ctx context.Context) (Position, error)

	// Close releases the store's resources. Appends in flight finish first.
	Close() error
}

// AppendResult says where an append landed.
type AppendResult struct {
	// FirstRevision and LastRevision are the revisions of the first and
	// last event appended; the next append expects Exactly(LastRevision).
	FirstRevision, LastRevision uint64
	// Position is the global position of the last event appended.
	Position Position
}

// Direction of a stream read.
type Direction uint8

const (
	Forwards Direction = iota
	Backwards
)

// ReadOptions select events of a stream. The zero value reads forwards from
// revision 0 up to DefaultReadLimit events.
type ReadOptions struct {
	Direction Direction
	// From is the first revision returned. Backwards with FromEnd set starts
	// at the stream's last event.
	From    uint64
	FromEnd bool
	// Limit caps the number of events; 0 means DefaultReadLimit.
	Limit int
}

// DefaultReadLimit is the page size when ReadOptions.Limit is 0.
const DefaultReadLimit = 1000

// EffectiveLimit returns opts.Limit, or DefaultReadLimit when it is not set.
func (o ReadOptions) EffectiveLimit() int {
	if o.Limit <= 0 {
		return DefaultReadLimit
	}
	return o.Limit
}

// DefaultMaxEventSize is the default limit on one event's data plus metadata.
const DefaultMaxEventSize = 1 << 20
