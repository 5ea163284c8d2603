package eventstore

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// EventID identifies an event across all streams. It is a UUID; writers
// choose it, and reuse it when they retry an append whose outcome they did
// not learn.
type EventID [16]byte

// NewEventID returns a time-ordered (version 7, RFC 9562) UUID: 48 bits
// of Unix milliseconds, then random bits. IDs made one after another sort
// one after another, so the unique indexes on event IDs (the stores', the
// audit log's) grow at their right edge instead of touching a random page
// per insert; the time it reveals is no more than the event's own
// recorded time.
func NewEventID() EventID {
	id, err := uuid.NewV7()
	if err != nil {
		panic("eventstore: crypto/rand failed: " + err.Error()) // never happens on supported systems
	}
	return EventID(id)
}

// IsZero reports whether id is the nil UUID, which no event may have.
func (id EventID) IsZero() bool { return id == EventID{} }

// String returns the canonical UUID form, 8-4-4-4-12 lower-case hex.
func (id EventID) String() string {
	var b [36]byte
	hex.Encode(b[0:8], id[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], id[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], id[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], id[8:10])
	b[23] = '-'
	hex.Encode(b[24:36], id[10:16])
	return string(b[:])
}

// ParseEventID parses the canonical UUID form.
func ParseEventID(s string) (EventID, error) {
	var id EventID
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return id, fmt.Errorf("event id %q: not a UUID: %w", s, ErrInvalidEvent)
	}
	hexPart := s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:36]
	if _, err := hex.Decode(id[:], []byte(hexPart)); err != nil {
		return EventID{}, fmt.Errorf("event id %q: %w", s, ErrInvalidEvent)
	}
	return id, nil
}

// Proposed is an event a writer asks to append.
type Proposed struct {
	ID            EventID
	Type          string
	SchemaVersion uint32
	Data          []byte // a JSON value, stored byte for byte
	Metadata      []byte // a JSON object, stored byte for byte; see Metadata
}

// Event is a stored event.
type Event struct {
	Stream        string
	Revision      uint64
	Position      Position
	ID            EventID
	Type          string
	SchemaVersion uint32
	Data          []byte
	Metadata      []byte
	RecordedAt    time.Time // when the store committed it; not covered by the hash
	PrevHash      Hash
	Hash          Hash
}

// Metadata is the shape Parcours writes in an event's metadata: who did it,
// in which role and tenant, why, and when. Stores do not interpret it; they
// only require a JSON object.
type Metadata struct {
	Actor         string    `json:"actor"`
	Role          string    `json:"role,omitempty"`
	Tenant        string    `json:"tenant,omitempty"`
	CorrelationID string    `json:"correlation_id,omitempty"`
	CausationID   string    `json:"causation_id,omitempty"`
	OccurredAt    time.Time `json:"occurred_at"`
}

// Marshal encodes m as JSON.
func (m Metadata) Marshal() []byte {
	b, err := json.Marshal(m)
	if err != nil {
		panic("eventstore: marshal metadata: " + err.Error()) // only plain fields: cannot fail
	}
	return b
}

// Position is a place in the global log. Its two parts mean what the backend
// says (SQLite: Lo is the row id; PostgreSQL: transaction id and sequence;
// KurrentDB: commit and prepare positions); positions compare as the pair
// (Hi, Lo). The zero Position is before every event.
type Position struct {
	Hi, Lo uint64
}

// Start is the position before the first event.
var Start = Position{}

// Compare returns -1, 0 or +1 as p is before, at or after q.
func (p Position) Compare(q Position) int {
	switch {
	case p.Hi < q.Hi:
		return -1
	case p.Hi > q.Hi:
		return 1
	case p.Lo < q.Lo:
		return -1
	case p.Lo > q.Lo:
		return 1
	}
	return 0
}

// Less reports whether p is before q.
func (p Position) Less(q Position) bool { return p.Compare(q) < 0 }

// IsZero reports whether p is Start.
func (p Position) IsZero() bool { return p == Position{} }

// String encodes p as "hi.lo"; ParsePosition reads it back.
func (p Position) String() string {
	return strconv.FormatUint(p.Hi, 10) + "." + strconv.FormatUint(p.Lo, 10)
}

// ParsePosition parses the form written by Position.String.
func ParsePosition(s string) (Position, error) {
	hi, lo, ok := strings.Cut(s, ".")
	if !ok {
		return Position{}, fmt.Errorf("position %q: want HI.LO", s)
	}
	h, err := strconv.ParseUint(hi, 10, 64)
	if err != nil {
		return Position{}, fmt.Errorf("position %q: %w", s, err)
	}
	l, err := strconv.ParseUint(lo, 10, 64)
	if err != nil {
		return Position{}, fmt.Errorf("position %q: %w", s, err)
	}
	return Position{Hi: h, Lo: l}, nil
}
