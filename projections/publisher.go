package projections

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/parcours/parcours/eventstore"
)

// Publisher is a Watermill message.Publisher that appends each message to
// its topic's stream in the event store (TopicStream). The event ID is
// derived from the topic and the message UUID, so publishing a message
// again does not duplicate it. It lets other parts of the system, and Watermill's own test suite,
// publish into the log that Subscriber reads.
type Publisher struct {
	store eventstore.Store
	actor string
}

var _ message.Publisher = (*Publisher)(nil)

// NewPublisher returns a publisher over store; actor names it in the
// events' metadata.
func NewPublisher(store eventstore.Store, actor string) *Publisher {
	return &Publisher{store: store, actor: actor}
}

// Publish implements message.Publisher.
func (p *Publisher) Publish(topic string, messages ...*message.Message) error {
	for _, m := range messages {
		data, err := json.Marshal(wrapped{UUID: m.UUID, Payload: m.Payload, Metadata: m.Metadata})
		if err != nil {
			return fmt.Errorf("publish %s: %w", m.UUID, err)
		}
		// The event ID derives from the topic and the message UUID: the same
		// message may go to several topics, and publishing it again to one
		// stores it once.
		var id eventstore.EventID
		sum := sha256.Sum256([]byte(topic + "\x00" + m.UUID))
		copy(id[:], sum[:16])
		id[6], id[8] = id[6]&0x0f|0x50, id[8]&0x3f|0x80
		meta, _ := json.Marshal(map[string]string{"actor": p.actor})
		if _, err := p.store.Append(m.Context(), TopicStream(topic), eventstore.Any, eventstore.Proposed{
			ID: id, Type: messageType, SchemaVersion: 1, Data: data, Metadata: meta}); err != nil {
			return fmt.Errorf("publish %s to %s: %w", m.UUID, topic, err)
		}
	}
	return nil
}

// Close implements message.Publisher.
func (p *Publisher) Close() error { return nil }
