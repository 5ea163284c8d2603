package main

import (
	"context"

	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/eventstore/kurrentdb"
)

// openKurrentDB opens the KurrentDB (EventStoreDB) store that --store names:
// esdb://, esdb+discover://, kurrentdb:// or kurrentdb+discover://, with the
// client's settings (?tls=false, credentials, node preference …). KurrentDB
// has no schema to migrate; read models live in SQLite or PostgreSQL as
// configured.
func openKurrentDB(ctx context.Context, c *storeConfig) (eventstore.Store, error) {
	return kurrentdb.Open(ctx, c.Store, kurrentdb.Options{MaxEventSize: c.MaxEventSize})
}
