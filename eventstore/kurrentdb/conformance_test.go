package kurrentdb

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/eventstore/storetest"
)

// liveEnv names the server the live conformance test runs against.
const liveEnv = "PARCOURS_TEST_KURRENTDB_URL"

const howToRunLive = `set ` + liveEnv + ` to run the conformance suite against a live KurrentDB, for example:

	docker run --rm -p 2113:2113 docker.kurrent.io/kurrent-latest/kurrentdb:latest --insecure --run-projections=All
	` + liveEnv + `='esdb://127.0.0.1:2113?tls=false' go test -race -run Live -v ./eventstore/kurrentdb/

(EventStoreDB works too: docker run --rm -p 2113:2113 eventstore/eventstore:latest --insecure --run-projections=All)`

// TestConformanceLive runs the shared suite against the server named by
// PARCOURS_TEST_KURRENTDB_URL. The server cannot be wiped between cases,
// so each store the suite opens gets a stream prefix of its own: it sees
// only its own streams, in ReadStream as in its global log.
func TestConformanceLive(t *testing.T) {
	url := os.Getenv(liveEnv)
	if url == "" {
		t.Skip(howToRunLive)
	}
	run := fmt.Sprintf("ct%d", time.Now().UnixNano())
	raw := rawClient(t, url)
	runSuite(t, url, run, func(t *testing.T, prefix, stream string, rev uint64) {
		// KurrentDB events cannot be removed one by one; truncating the
		// stream before rev+1 removes rev and everything before it, as an
		// operator could. The suite deletes revision 0 only.
		var meta esdb.StreamMetadata
		meta.SetTruncateBefore(rev + 1)
		if _, err := raw.SetStreamMetadata(context.Background(), prefix+stream, esdb.AppendToStreamOptions{}, meta); err != nil {
			t.Fatalf("truncate %s: %v", stream, err)
		}
	})
}

// TestConformanceFake runs the shared suite against the in-process fake
// server, with every store in its own prefix on one shared log as in the
// live test. It checks the adapter's logic end to end through the real
// client; it says nothing of the real server.
func TestConformanceFake(t *testing.T) {
	_, conn := startFake(t)
	runSuite(t, conn, "fake", nil)
}

func runSuite(t *testing.T, url, run string, truncate func(t *testing.T, prefix, stream string, rev uint64)) {
	var n atomic.Int64
	var prefixes sync.Map // *Store → its prefix
	h := storetest.Harness{
		New: func(t *testing.T, cfg storetest.Config) eventstore.Store {
			prefix := fmt.Sprintf("%s-%d.", run, n.Add(1))
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			s, err := Open(ctx, url, Options{MaxEventSize: cfg.MaxEventSize, StreamPrefix: prefix, ReconnectDelay: 20 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			prefixes.Store(s, prefix)
			t.Cleanup(func() { s.Close() })
			return s
		},
	}
	if truncate != nil {
		h.Delete = func(t *testing.T, s eventstore.Store, stream string, rev uint64) {
			prefix, _ := prefixes.Load(s)
			truncate(t, prefix.(string), stream, rev)
		}
	}
	storetest.Run(t, h)
}

func rawClient(t *testing.T, url string) *esdb.Client {
	t.Helper()
	cfg, err := ClientConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Logger = esdb.NoopLogging()
	c, err := esdb.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}
