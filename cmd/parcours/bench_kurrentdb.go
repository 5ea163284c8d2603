package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"

	"github.com/parcours/parcours/eventstore/kurrentdb"
)

// kurrentDBBenchTarget opens the store on the server at --store
// (PARCOURS_STORE) and, as the baseline, a raw client that appends the same
// events without the adapter's work (no head read, no hash chain, no
// metadata envelope, no read-back): only the server's own optimistic
// concurrency check. A server cannot be wiped, so both write under a fresh
// random stream prefix; the streams stay on the server.
func kurrentDBBenchTarget(ctx context.Context, sc *storeConfig) (*benchTarget, error) {
	if kind, _ := sc.kind(); kind != "kurrentdb" {
		return nil, usageError("bench --backend kurrentdb: set --store (or PARCOURS_STORE) to an esdb:// or kurrentdb:// URL")
	}
	var b [4]byte
	rand.Read(b[:])
	prefix := "parcours-bench-" + hex.EncodeToString(b[:])
	store, err := kurrentdb.Open(ctx, sc.Store, kurrentdb.Options{MaxEventSize: sc.MaxEventSize, StreamPrefix: prefix + "-store."})
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	cfg, err := kurrentdb.ClientConfig(sc.Store)
	if err != nil {
		store.Close()
		return nil, fmt.Errorf("bench: %w", err)
	}
	cfg.Logger = esdb.NoopLogging()
	client, err := esdb.NewClient(cfg)
	if err != nil {
		store.Close()
		return nil, fmt.Errorf("bench: raw client for %s: %w", kurrentdb.Redact(sc.Store), err)
	}
	return &benchTarget{
		backend: "kurrentdb",
		durable: "acknowledged after the server's commit (quorum of a cluster)",
		store:   store,
		raw:     &kurrentRaw{client: client, prefix: prefix + "-raw."},
		close:   func() error { return errors.Join(store.Close(), client.Close()) },
	}, nil
}

// kurrentRaw appends rows with the plain client, one append per run of
// rows of the same stream, expecting the revision before the run.
type kurrentRaw struct {
	client *esdb.Client
	prefix string
}

func (r *kurrentRaw) InsertTx(ctx context.Context, rows []rawRow) error {
	for len(rows) > 0 {
		n := 1
		for n < len(rows) && rows[n].Stream == rows[0].Stream {
			n++
		}
		var exp esdb.ExpectedRevision = esdb.NoStream{}
		if rows[0].Revision > 0 {
			exp = esdb.Revision(rows[0].Revision - 1)
		}
		data := make([]esdb.EventData, n)
		for i, row := range rows[:n] {
			data[i] = esdb.EventData{EventID: uuid.UUID(row.ID), EventType: row.Type, ContentType: esdb.ContentTypeJson, Data: row.Data, Metadata: row.Metadata}
		}
		if _, err := r.client.AppendToStream(ctx, r.prefix+rows[0].Stream, esdb.AppendToStreamOptions{ExpectedRevision: exp}, data...); err != nil {
			return fmt.Errorf("raw append to %s: %w", rows[0].Stream, err)
		}
		rows = rows[n:]
	}
	return nil
}
