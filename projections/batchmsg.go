package projections

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/parcours/parcours/eventstore"
)

// MetaBatch, on a message of a Subscriber with MaxBatch above 1, counts
// the stored events the message carries (EventsOf returns them); the
// message's other metadata describe the last of them.
const MetaBatch = "parcours_batch"

// wireEvent is a stored event inside a batch message's payload.
type wireEvent struct {
	ID         string          `json:"id"`
	Stream     string          `json:"stream"`
	Revision   uint64          `json:"revision"`
	Position   string          `json:"position"`
	Type       string          `json:"type"`
	Schema     uint32          `json:"schema_version"`
	RecordedAt time.Time       `json:"recorded_at"`
	Hash       string          `json:"hash"`
	PrevHash   string          `json:"prev_hash"`
	Metadata   json.RawMessage `json:"metadata,omitempty"`
	Data       json.RawMessage `json:"data,omitempty"`
}

// toBatchMessage carries events, consecutive in the log, as one message:
// their JSON array is the payload, and the metadata are those of the last
// event, whose ID is the message UUID.
func toBatchMessage(events []eventstore.Event) (*message.Message, error) {
	if len(events) == 1 {
		return toMessage(events[0])
	}
	wire := make([]wireEvent, len(events))
	for i, e := range events {
		if e.Type == messageType {
			return nil, fmt.Errorf("event %s: a message published through Publisher cannot travel in a batch", e.ID)
		}
		wire[i] = wireEvent{ID: e.ID.String(), Stream: e.Stream, Revision: e.Revision, Position: e.Position.String(), Type: e.Type,
			Schema: e.SchemaVersion, RecordedAt: e.RecordedAt, Hash: e.Hash.String(), PrevHash: e.PrevHash.String(),
			Metadata: e.Metadata, Data: e.Data}
	}
	payload, err := json.Marshal(wire)
	if err != nil {
		return nil, fmt.Errorf("batch of %d events: %w", len(events), err)
	}
	last, err := toMessage(events[len(events)-1])
	if err != nil {
		return nil, err
	}
	m := message.NewMessage(last.UUID, payload)
	m.Metadata = last.Metadata
	m.Metadata.Set(MetaBatch, strconv.Itoa(len(events)))
	return m, nil
}

// EventsOf returns the stored events a message carries: those of a batch
// message (MetaBatch), or the one event of any other (EventOf).
func EventsOf(m *message.Message) ([]eventstore.Event, error) {
	if m.Metadata.Get(MetaBatch) == "" {
		e, err := EventOf(m)
		if err != nil {
			return nil, err
		}
		return []eventstore.Event{e}, nil
	}
	var wire []wireEvent
	if err := json.Unmarshal(m.Payload, &wire); err != nil {
		return nil, fmt.Errorf("batch message %s: %w", m.UUID, err)
	}
	out := make([]eventstore.Event, len(wire))
	for i, w := range wire {
		e := eventstore.Event{Stream: w.Stream, Revision: w.Revision, Type: w.Type, SchemaVersion: w.Schema,
			RecordedAt: w.RecordedAt, Metadata: []byte(w.Metadata), Data: []byte(w.Data)}
		var err error
		if e.ID, err = eventstore.ParseEventID(w.ID); err == nil {
			if e.Position, err = eventstore.ParsePosition(w.Position); err == nil {
				if e.Hash, err = eventstore.ParseHash(w.Hash); err == nil {
					e.PrevHash, err = eventstore.ParseHash(w.PrevHash)
				}
			}
		}
		if err != nil {
			return nil, fmt.Errorf("batch message %s, event %d: %w", m.UUID, i, err)
		}
		out[i] = e
	}
	return out, nil
}
