package projections

import (
	"context"
	"database/sql"
	"log/slog"

	"github.com/parcours/parcours/eventstore"
)

// Test hooks for the black-box tests of projections_test.

// Rebind is rebind.
func Rebind(query string) string { return rebind(query) }

// Writer returns the pool that writes the read models.
func (d *DB) Writer() *sql.DB { return d.writer }

// Changed returns a channel closed when any process next tells that a
// read model changed (PostgreSQL; nil otherwise).
func (d *DB) Changed() <-chan struct{} { return d.changedWait() }

// TailSubscriber returns a Subscriber that reads the log through a
// runner's shared tail (started at the log's end), and a function that
// stops the tail.
func TailSubscriber(ctx context.Context, store eventstore.Store, cfg SubscriberConfig) (*Subscriber, func(), error) {
	t, err := startTail(ctx, store, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, nil, err
	}
	return newSubscriber(t, cfg), t.stop, nil
}
