package main

import (
	"context"
	"errors"

	"github.com/parcours/parcours/eventstore"
)

// TODO(kurrentdb): open the KurrentDB store.

func openKurrentDB(ctx context.Context, c *storeConfig) (eventstore.Store, error) {
	return nil, errors.New("the KurrentDB store is not built yet")
}
