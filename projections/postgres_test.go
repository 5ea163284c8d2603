package projections_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/parcours/parcours/projections"
)

// postgresURL returns a connection string whose search_path is a fresh
// schema of the test server, dropped when the test ends; it skips the
// test (fails it under CI=true) when PostgreSQL is unreachable.
func postgresURL(t *testing.T) string {
	t.Helper()
	base := os.Getenv("PARCOURS_TEST_POSTGRES_URL")
	if base == "" {
		base = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, base)
	if err == nil {
		err = admin.Ping(ctx)
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL unreachable at %s (CI=true, so this fails instead of skipping): %v", base, err)
		}
		t.Skipf("PostgreSQL unreachable at %s, skipping (start it or set PARCOURS_TEST_POSTGRES_URL): %v", base, err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "rm_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
		admin.Close(ctx)
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("PARCOURS_TEST_POSTGRES_URL must be a URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// openPostgresDB migrates and opens the read models at connString.
func openPostgresDB(t *testing.T, connString string) *projections.DB {
	t.Helper()
	ctx := context.Background()
	if err := projections.MigratePostgres(ctx, connString); err != nil {
		t.Fatal(err)
	}
	if err := projections.MigratePostgres(ctx, connString); err != nil {
		t.Fatalf("migrating twice: %v", err)
	}
	db, err := projections.OpenPostgres(ctx, connString)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// newPostgresEnv is newEnv with the read models in PostgreSQL; the events
// stay in SQLite.
func newPostgresEnv(t *testing.T) (*env, string) {
	t.Helper()
	e := newEnv(t)
	connString := postgresURL(t)
	e.db = openPostgresDB(t, connString)
	return e, connString
}

// forBackends runs test with the read models in SQLite, then in
// PostgreSQL.
func forBackends(t *testing.T, test func(*testing.T, *env)) {
	t.Run("sqlite", func(t *testing.T) { test(t, newEnv(t)) })
	t.Run("postgres", func(t *testing.T) {
		e, _ := newPostgresEnv(t)
		test(t, e)
	})
}

// TestPostgresSchemaVersion: opening refuses a schema that is not the
// binary's, and migrating refuses a newer one.
func TestPostgresSchemaVersion(t *testing.T) {
	ctx := context.Background()
	connString := postgresURL(t)
	if _, err := projections.OpenPostgres(ctx, connString); err == nil {
		t.Fatal("opened read models that were never migrated")
	}
	db := openPostgresDB(t, connString)
	conn, err := pgx.Connect(ctx, connString)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `INSERT INTO readmodels_schema_version VALUES (1000, 0)`); err != nil {
		t.Fatal(err)
	}
	if err := projections.MigratePostgres(ctx, connString); err == nil {
		t.Fatal("migrated a schema written by a newer binary")
	}
	if _, err := projections.OpenPostgres(ctx, connString); err == nil {
		t.Fatal("opened a schema written by a newer binary")
	}
	_ = db
}
