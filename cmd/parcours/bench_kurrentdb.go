package main

import (
	"context"
	"errors"
)

// TODO(kurrentdb): the KurrentDB bench target (baseline: raw client appends).

func kurrentDBBenchTarget(ctx context.Context, sc *storeConfig) (*benchTarget, error) {
	return nil, errors.New("bench: the KurrentDB store is not built yet")
}
