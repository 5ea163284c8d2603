package projections_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/tests"
	"github.com/parcours/parcours/eventstore/sqlite"
	"github.com/parcours/parcours/projections"
)

// TestUniversalPubSub runs Watermill's universal Pub/Sub test suite on our
// Subscriber (and the Publisher that feeds it), over a real SQLite event
// store and a real checkpoint table, for the features we declare:
// guaranteed order, persistence, and Kafka-like replay for a new consumer.
// Delivery is at least once at the Watermill level; projections get
// exactly-once effect by committing their checkpoint with their changes.
func TestUniversalPubSub(t *testing.T) {
	if testing.Short() {
		t.Skip("the universal suite takes a while")
	}
	dir := t.TempDir()
	ctx := context.Background()
	path := filepath.Join(dir, "events.db")
	if _, err := sqlite.Migrate(ctx, path); err != nil {
		t.Fatal(err)
	}
	store, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	rmPath := filepath.Join(dir, "readmodels.db")
	if err := projections.MigrateSQLite(ctx, rmPath); err != nil {
		t.Fatal(err)
	}
	db, err := projections.OpenSQLite(ctx, rmPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var mu sync.Mutex
	constructor := func(t *testing.T, group string) (message.Publisher, message.Subscriber) {
		mu.Lock()
		defer mu.Unlock()
		if group == "" {
			group = watermill.NewShortUUID() // a new consumer: it replays the topic from the start
		}
		sub := projections.NewSubscriber(store, projections.SubscriberConfig{Checkpoints: db, ConsumerGroup: group})
		return projections.NewPublisher(store, "pubsub-test"), sub
	}
	tests.TestPubSub(t, tests.Features{
		ConsumerGroups:                   false,
		ExactlyOnceDelivery:              false,
		GuaranteedOrder:                  true,
		Persistent:                       true,
		NewSubscriberReceivesOldMessages: true,
		ForceShort:                       raceEnabled, // 5000 messages in 45s is out of reach under -race on 2 cores
	}, func(t *testing.T) (message.Publisher, message.Subscriber) { return constructor(t, "") }, constructor)
}
