package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/eventstore/postgres"
	"github.com/parcours/parcours/eventstore/storetest"
)

// tamperConns remembers the connection string of each store the harness
// opened, so Tamper and Delete can reach its rows behind its back.
var tamperConns sync.Map // eventstore.Store → string

// rawExec runs SQL on a store's schema as an administrator with database
// access would, with the immutability triggers disabled.
func rawExec(t *testing.T, s eventstore.Store, query string) {
	t.Helper()
	conn, ok := tamperConns.Load(s)
	if !ok {
		t.Fatal("store not opened by the harness")
	}
	postgres.ExecSQL(t, conn.(string), `ALTER TABLE events DISABLE TRIGGER USER`, query, `ALTER TABLE events ENABLE TRIGGER USER`)
}

func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		New: func(t *testing.T, cfg storetest.Config) eventstore.Store {
			conn := postgres.NewTestSchema(t)
			s := postgres.OpenTestStore(t, conn, postgres.Options{MaxEventSize: cfg.MaxEventSize})
			tamperConns.Store(eventstore.Store(s), conn)
			t.Cleanup(func() { tamperConns.Delete(eventstore.Store(s)) })
			return s
		},
		Tamper: func(t *testing.T, s eventstore.Store, stream string, rev uint64, data []byte) {
			rawExec(t, s, fmt.Sprintf(`UPDATE events SET data = '\x%x'::bytea WHERE stream = '%s' AND revision = %d`, data, stream, rev))
		},
		Delete: func(t *testing.T, s eventstore.Store, stream string, rev uint64) {
			rawExec(t, s, fmt.Sprintf(`DELETE FROM events WHERE stream = '%s' AND revision = %d`, stream, rev))
		},
	})
}

func TestEventsAreImmutable(t *testing.T) {
	conn := postgres.NewTestSchema(t)
	s := postgres.OpenTestStore(t, conn, postgres.Options{})
	ctx := context.Background()
	if _, err := s.Append(ctx, "s", eventstore.NoStream, eventstore.Proposed{ID: eventstore.NewEventID(), Type: "T", Data: []byte(`{}`), Metadata: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`UPDATE events SET data = '\x7b7d'`, `DELETE FROM events`, `TRUNCATE events`} {
		if err := postgres.TryExecSQL(ctx, conn, q); err == nil {
			t.Errorf("%s succeeded on the events table", q)
		}
	}
}

func TestSchemaVersionGuards(t *testing.T) {
	ctx := context.Background()
	conn := postgres.NewTestSchema(t)
	if _, err := postgres.Open(ctx, conn, postgres.Options{}); !errors.Is(err, postgres.ErrSchemaTooOld) {
		t.Fatalf("open before migrate: want ErrSchemaTooOld, got %v", err)
	}
	for i := 0; i < 2; i++ {
		if v, err := postgres.Migrate(ctx, conn); err != nil || v != postgres.SchemaVersion {
			t.Fatalf("migrate (run %d): %d, %v", i+1, v, err)
		}
	}
	postgres.ExecSQL(t, conn, fmt.Sprintf(`INSERT INTO schema_version (version) VALUES (%d)`, postgres.SchemaVersion+1))
	if _, err := postgres.Open(ctx, conn, postgres.Options{}); !errors.Is(err, postgres.ErrSchemaTooNew) {
		t.Fatalf("open a newer schema: want ErrSchemaTooNew, got %v", err)
	}
	if _, err := postgres.Migrate(ctx, conn); !errors.Is(err, postgres.ErrSchemaTooNew) {
		t.Fatalf("migrate a newer schema: want ErrSchemaTooNew, got %v", err)
	}
}
