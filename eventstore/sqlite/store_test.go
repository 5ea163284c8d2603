package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"

	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/eventstore/sqlite"
	"github.com/parcours/parcours/eventstore/storetest"
	"github.com/parcours/parcours/internal/sqlitedriver"
)

func openStore(t testing.TB, dir string, opts sqlite.Options) *sqlite.Store {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(dir, "events.db")
	if _, err := sqlite.Migrate(ctx, path); err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.Open(ctx, path, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// rawExec runs SQL on the file behind the store's back, as an attacker with
// file access would, with the immutability triggers dropped.
func rawExec(t *testing.T, s eventstore.Store, query string, args ...any) {
	t.Helper()
	db, err := sql.Open(sqlitedriver.Name, "file:"+s.(*sqlite.Store).Path()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{`DROP TRIGGER IF EXISTS events_immutable_update`, `DROP TRIGGER IF EXISTS events_immutable_delete`, query} {
		if _, err := db.Exec(q, args...); err != nil && q == query {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		New: func(t *testing.T, cfg storetest.Config) eventstore.Store {
			return openStore(t, t.TempDir(), sqlite.Options{MaxEventSize: cfg.MaxEventSize})
		},
		Tamper: func(t *testing.T, s eventstore.Store, stream string, rev uint64, data []byte) {
			rawExec(t, s, `UPDATE events SET data = ? WHERE stream = ? AND revision = ?`, data, stream, int64(rev))
		},
		Delete: func(t *testing.T, s eventstore.Store, stream string, rev uint64) {
			rawExec(t, s, `DELETE FROM events WHERE stream = ? AND revision = ?`, stream, int64(rev))
		},
	})
}

func TestEventsAreImmutable(t *testing.T) {
	s := openStore(t, t.TempDir(), sqlite.Options{})
	ctx := context.Background()
	if _, err := s.Append(ctx, "s", eventstore.NoStream, eventstore.Proposed{ID: eventstore.NewEventID(), Type: "T", Data: []byte(`{}`), Metadata: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open(sqlitedriver.Name, "file:"+s.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{`UPDATE events SET data = '{"x":1}'`, `DELETE FROM events`} {
		if _, err := db.Exec(q); err == nil {
			t.Fatalf("%s succeeded on the events table", q)
		}
	}
}

func TestSchemaVersionGuards(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "events.db")
	if _, err := sqlite.Open(ctx, path, sqlite.Options{}); !errors.Is(err, sqlite.ErrSchemaTooOld) {
		t.Fatalf("open before migrate: want ErrSchemaTooOld, got %v", err)
	}
	if v, err := sqlite.Migrate(ctx, path); err != nil || v != sqlite.SchemaVersion {
		t.Fatalf("migrate: %d, %v", v, err)
	}
	if v, err := sqlite.Migrate(ctx, path); err != nil || v != sqlite.SchemaVersion {
		t.Fatalf("migrate again: %d, %v", v, err)
	}
	db, err := sql.Open(sqlitedriver.Name, "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO schema_version (version) VALUES (?)`, sqlite.SchemaVersion+1); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := sqlite.Open(ctx, path, sqlite.Options{}); !errors.Is(err, sqlite.ErrSchemaTooNew) {
		t.Fatalf("open a newer schema: want ErrSchemaTooNew, got %v", err)
	}
	if _, err := sqlite.Migrate(ctx, path); !errors.Is(err, sqlite.ErrSchemaTooNew) {
		t.Fatalf("migrate a newer schema: want ErrSchemaTooNew, got %v", err)
	}
}

// TestTwoWritersOnOneFile: two stores on one file, as a server and an
// admin command in another process would be. Each remembers the heads of
// the streams it wrote; when the other one appends to the same stream,
// the first must notice (PRAGMA data_version) instead of trusting its
// memory: an exact expectation then conflicts, and an append with any
// expectation continues the chain after the other's events.
func TestTwoWritersOnOneFile(t *testing.T) {
	dir := t.TempDir()
	a := openStore(t, dir, sqlite.Options{})
	b, err := sqlite.Open(context.Background(), filepath.Join(dir, "events.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()
	ev := func() eventstore.Proposed {
		return eventstore.Proposed{ID: eventstore.NewEventID(), Type: "E", SchemaVersion: 1, Data: []byte(`{}`), Metadata: []byte(`{}`)}
	}
	for range 3 { // a remembers s at revision 2
		if _, err := a.Append(ctx, "s", eventstore.Any, ev()); err != nil {
			t.Fatal(err)
		}
	}
	if res, err := b.Append(ctx, "s", eventstore.Exactly(2), ev()); err != nil || res.LastRevision != 3 {
		t.Fatalf("the other writer: %+v %v", res, err)
	}
	_, err = a.Append(ctx, "s", eventstore.Exactly(2), ev())
	var conflict *eventstore.ConflictError
	if !errors.As(err, &conflict) || conflict.Actual != 3 {
		t.Fatalf("an expectation the other writer made stale: %v", err)
	}
	if res, err := a.Append(ctx, "s", eventstore.Any, ev()); err != nil || res.LastRevision != 4 {
		t.Fatalf("after the other writer: %+v %v", res, err)
	}
	if _, err := b.Append(ctx, "s", eventstore.Exactly(4), ev()); err != nil {
		t.Fatalf("the other writer again: %v", err)
	}
	if res, err := a.Append(ctx, "s", eventstore.Exactly(5), ev()); err != nil || res.LastRevision != 6 {
		t.Fatalf("after the other writer again: %+v %v", res, err)
	}
	if v, err := eventstore.VerifyStream(ctx, a, "s"); err != nil || v.Events != 7 {
		t.Fatalf("chain: %+v %v", v, err)
	}
}
