package domain

import "slices"

// Event is a domain event. Its JSON form (encoding/json) is its clear
// part: IDs, kinds, dates, states, framework codes, hashes. Personal
// fields are tagged `json:"-"` and reached through WithPersonal, so the
// command layer seals them with the data subject's key.
type Event interface {
	EventType() string
}

// WithPersonal is implemented by events that carry personal data.
// PersonalPart returns a pointer to the struct of personal fields, which the
// codec marshals and seals, and fills when it opens them.
type WithPersonal interface {
	Event
	PersonalPart() any
}

// WithSubject is implemented by events whose personal data belongs to
// someone other than the owner of their stream (a person enrolled in a
// structure).
type WithSubject interface {
	DataSubject() string
}

// EventSpec describes one event type: its name, its current schema
// version, how to make an empty one to decode into, and how to upgrade the
// clear JSON of older versions (Upcast[v] turns version v into v+1).
type EventSpec struct {
	Type    string
	Version uint32
	New     func() Event
	Upcast  map[uint32]func(clear []byte) ([]byte, error)
}

// Events returns the spec of every event type of the domain.
func Events() []EventSpec {
	return slices.Concat(structureEvents, portfolioEvents, grantEvents, experienceEvents,
		competenceEvents, evidenceEvents, feedbackEvents, goalEvents, journalEvents,
		documentEvents, cvEvents, pageEvents, dossierEvents, erasureEvents, conversationEvents, badgeEvents,
		notificationEvents, frameworkEvents)
}

// Stream names.
func StructureStream(id string) string { return "structure-" + id }
func PortfolioStream(id string) string { return "portfolio-" + id }
