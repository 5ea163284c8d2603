package projections

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/parcours/parcours/eventstore"
)

// MetaBatch, on a message of a Subscriber with MaxBatch above 1, counts
// the stored events the message carries (EventsOf returns them); the
// message's other metadata describe the last of them.
const MetaBatch = "parcours_batch"

// batchKey is the context key of a batch message's events. A batch goes
// from the Subscriber to its handler in this process only, so its events
// travel as they are, in the message's context, rather than encoded into
// the payload and decoded again (that cost more than applying them); the
// payload lists their IDs.
type batchKey struct{}

// toBatchMessage carries events, consecutive in the log, as one message
// whose metadata are those of the last event, whose ID is the message
// UUID; ctx becomes the message's context, with the events.
func toBatchMessage(ctx context.Context, events []eventstore.Event) (*message.Message, error) {
	if len(events) == 1 {
		m, err := toMessage(events[0])
		if err == nil {
			m.SetContext(ctx)
		}
		return m, err
	}
	ids := make([]string, len(events))
	for i, e := range events {
		if e.Type == messageType {
			return nil, fmt.Errorf("event %s: a message published through Publisher cannot travel in a batch", e.ID)
		}
		ids[i] = e.ID.String()
	}
	last, err := toMessage(events[len(events)-1])
	if err != nil {
		return nil, err
	}
	m := message.NewMessage(last.UUID, []byte(strings.Join(ids, "\n")))
	m.Metadata = last.Metadata
	m.Metadata.Set(MetaBatch, strconv.Itoa(len(events)))
	m.SetContext(context.WithValue(ctx, batchKey{}, slices.Clone(events)))
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
	events, ok := m.Context().Value(batchKey{}).([]eventstore.Event)
	if !ok {
		return nil, fmt.Errorf("batch message %s without its events: a batch goes only from a Subscriber to its handler, in process", m.UUID)
	}
	return events, nil
}
