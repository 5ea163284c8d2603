package projections

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	"github.com/parcours/parcours/eventstore"
)

// Metadata keys of the Watermill messages that carry stored events.
const (
	MetaStream     = "parcours_stream"
	MetaRevision   = "parcours_revision"
	MetaPosition   = "parcours_position"
	MetaType       = "parcours_type"
	MetaSchema     = "parcours_schema_version"
	MetaMetadata   = "parcours_metadata"
	MetaRecordedAt = "parcours_recorded_at"
	MetaHash       = "parcours_hash"
	MetaPrevHash   = "parcours_prev_hash"
)

// messageType is the event type of a message published through Publisher.
const messageType = "watermill.Message"

// toMessage carries a stored event as a Watermill message: the event ID
// is the message UUID (for a message published through Publisher, its
// original UUID), the data is the payload (for a message published
// through Publisher, its original payload), and everything else is in the
// metadata, so the handler can rebuild the event exactly.
func toMessage(e eventstore.Event) (*message.Message, error) {
	payload, uuid := e.Data, e.ID.String()
	meta := message.Metadata{}
	if e.Type == messageType {
		var w wrapped
		if err := json.Unmarshal(e.Data, &w); err != nil {
			return nil, fmt.Errorf("message %s: %w", e.ID, err)
		}
		payload, uuid = w.Payload, w.UUID
		for k, v := range w.Metadata {
			meta[k] = v
		}
	}
	m := message.NewMessage(uuid, payload)
	for k, v := range meta {
		m.Metadata.Set(k, v)
	}
	m.Metadata.Set(MetaStream, e.Stream)
	m.Metadata.Set(MetaRevision, strconv.FormatUint(e.Revision, 10))
	m.Metadata.Set(MetaPosition, e.Position.String())
	m.Metadata.Set(MetaType, e.Type)
	m.Metadata.Set(MetaSchema, strconv.FormatUint(uint64(e.SchemaVersion), 10))
	m.Metadata.Set(MetaMetadata, string(e.Metadata))
	m.Metadata.Set(MetaRecordedAt, e.RecordedAt.Format(time.RFC3339Nano))
	m.Metadata.Set(MetaHash, e.Hash.String())
	m.Metadata.Set(MetaPrevHash, e.PrevHash.String())
	var em eventstore.Metadata
	if json.Unmarshal(e.Metadata, &em) == nil && em.CorrelationID != "" && meta[middleware.CorrelationIDMetadataKey] == "" {
		middleware.SetCorrelationID(em.CorrelationID, m)
	}
	return m, nil
}

// wrapped is the stored form of a message published through Publisher.
type wrapped struct {
	UUID     string            `json:"uuid"`
	Payload  []byte            `json:"payload"`
	Metadata map[string]string `json:"metadata,omitempty"`
}

// EventOf rebuilds the stored event a message carries.
func EventOf(m *message.Message) (eventstore.Event, error) {
	var e eventstore.Event
	var err error
	bad := func(field string, err error) (eventstore.Event, error) {
		return eventstore.Event{}, fmt.Errorf("message %s: %s: %w", m.UUID, field, err)
	}
	if e.ID, err = eventstore.ParseEventID(m.UUID); err != nil {
		return bad("uuid", err)
	}
	e.Stream, e.Type = m.Metadata.Get(MetaStream), m.Metadata.Get(MetaType)
	if e.Revision, err = strconv.ParseUint(m.Metadata.Get(MetaRevision), 10, 64); err != nil {
		return bad("revision", err)
	}
	if e.Position, err = eventstore.ParsePosition(m.Metadata.Get(MetaPosition)); err != nil {
		return bad("position", err)
	}
	sv, err := strconv.ParseUint(m.Metadata.Get(MetaSchema), 10, 32)
	if err != nil {
		return bad("schema version", err)
	}
	e.SchemaVersion = uint32(sv)
	if e.RecordedAt, err = time.Parse(time.RFC3339Nano, m.Metadata.Get(MetaRecordedAt)); err != nil {
		return bad("recorded at", err)
	}
	if e.Hash, err = eventstore.ParseHash(m.Metadata.Get(MetaHash)); err != nil {
		return bad("hash", err)
	}
	if e.PrevHash, err = eventstore.ParseHash(m.Metadata.Get(MetaPrevHash)); err != nil {
		return bad("previous hash", err)
	}
	e.Metadata = []byte(m.Metadata.Get(MetaMetadata))
	e.Data = m.Payload // for a message published through Publisher: its payload
	return e, nil
}
