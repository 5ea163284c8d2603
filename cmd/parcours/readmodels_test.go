package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/parcours/parcours/projections"
)

// postgresStore returns a --store URL whose search_path is a fresh schema
// of the test server, dropped when the test ends; it skips the test (fails
// it under CI=true) when PostgreSQL is unreachable.
func postgresStore(t *testing.T) string {
	t.Helper()
	base := os.Getenv("PARCOURS_TEST_POSTGRES_URL")
	if base == "" {
		base = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL unreachable at %s (CI=true, so this fails instead of skipping): %v", base, err)
		}
		t.Skipf("PostgreSQL unreachable at %s, skipping (start it or set PARCOURS_TEST_POSTGRES_URL): %v", base, err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "cmd_test_" + hex.EncodeToString(b)
	t.Cleanup(func() {
		admin.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
		admin.Close(context.Background())
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// TestReadModelsInPostgres: with the PostgreSQL store, `parcours migrate`
// puts the read models in the same database, not in the data directory,
// and `parcours rebuild` builds them there.
func TestReadModelsInPostgres(t *testing.T) {
	store := postgresStore(t)
	dir := t.TempDir()
	out, err := runCmd(t, "migrate", "--data", dir, "--store", store)
	if err != nil || !strings.Contains(out, "read models: schema up to date") {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "readmodels.db")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("readmodels.db in the data directory with the PostgreSQL store: %v", err)
	}
	if out, err := runCmd(t, "rebuild", "--data", dir, "--store", store); err != nil {
		t.Fatalf("rebuild: %v\n%s", err, out)
	}
	ctx := context.Background()
	db, err := projections.OpenPostgres(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, p := range projections.All() {
		if _, _, err := db.Dump(ctx, p.Name()); err != nil {
			t.Errorf("read model %s in PostgreSQL: %v", p.Name(), err)
		}
	}
}
