package eventstore

import "strconv"

// ExpectedRevision is what an append expects of its stream.
type ExpectedRevision struct {
	kind expectKind
	rev  uint64
}

type expectKind uint8

const (
	expectAny expectKind = iota
	expectNoStream
	expectStreamExists
	expectExact
)

var (
	// Any accepts the stream in whatever state it is.
	Any = ExpectedRevision{kind: expectAny}
	// NoStream requires that the stream has no event yet.
	NoStream = ExpectedRevision{kind: expectNoStream}
	// StreamExists requires that the stream has at least one event.
	StreamExists = ExpectedRevision{kind: expectStreamExists}
)

// Exactly requires that the stream's last event has revision n.
func Exactly(n uint64) ExpectedRevision { return ExpectedRevision{kind: expectExact, rev: n} }

// IsAny, IsNoStream, IsStreamExists report the kind; Revision reports the
// exact revision expected and whether there is one. Backends that map the
// expectation onto their own client use them.
func (e ExpectedRevision) IsAny() bool          { return e.kind == expectAny }
func (e ExpectedRevision) IsNoStream() bool     { return e.kind == expectNoStream }
func (e ExpectedRevision) IsStreamExists() bool { return e.kind == expectStreamExists }
func (e ExpectedRevision) Revision() (uint64, bool) {
	return e.rev, e.kind == expectExact
}

// Check reports whether a stream whose last revision is current (exists
// false for a stream with no event) satisfies e.
func (e ExpectedRevision) Check(current uint64, exists bool) bool {
	switch e.kind {
	case expectNoStream:
		return !exists
	case expectStreamExists:
		return exists
	case expectExact:
		return exists && current == e.rev
	}
	return true
}

func (e ExpectedRevision) String() string {
	switch e.kind {
	case expectNoStream:
		return "no stream"
	case expectStreamExists:
		return "stream exists"
	case expectExact:
		return "revision " + strconv.FormatUint(e.rev, 10)
	}
	return "any"
}
