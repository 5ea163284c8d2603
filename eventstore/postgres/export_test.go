package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// The helpers here are exported so that the black-box tests of package
// postgres_test share them.

// DefaultTestURL is the server the tests use unless
// PARCOURS_TEST_POSTGRES_URL says otherwise.
const DefaultTestURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// ServerURL returns the test server's connection string. If the server is
// unreachable the test is skipped, or fails under CI=true.
func ServerURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("PARCOURS_TEST_POSTGRES_URL")
	if u == "" {
		u = DefaultTestURL
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL unreachable at %s (CI=true, so this fails instead of skipping): %v", u, err)
		}
		t.Skipf("PostgreSQL unreachable at %s; start it or set PARCOURS_TEST_POSTGRES_URL: %v", u, err)
	}
	conn.Close(ctx)
	return u
}

// WithSearchPath returns connString with its search_path set to schema.
func WithSearchPath(connString, schema string) string {
	if strings.HasPrefix(connString, "postgres://") || strings.HasPrefix(connString, "postgresql://") {
		u, err := url.Parse(connString)
		if err == nil {
			q := u.Query()
			q.Set("search_path", schema)
			u.RawQuery = q.Encode()
			return u.String()
		}
	}
	return connString + " search_path=" + schema
}

// NewTestSchema creates an empty schema with a random name on the test
// server, dropped with everything in it when the test ends, and returns a
// connection string whose search_path selects it.
func NewTestSchema(t testing.TB) string {
	t.Helper()
	base := ServerURL(t)
	var b [6]byte
	rand.Read(b[:])
	schema := "parcours_test_" + hex.EncodeToString(b[:])
	ExecSQL(t, base, `CREATE SCHEMA `+schema)
	t.Cleanup(func() { ExecSQL(t, base, `DROP SCHEMA `+schema+` CASCADE`) })
	return WithSearchPath(base, schema)
}

// ExecSQL runs statements on a connection of its own, failing the test on
// error.
func ExecSQL(t testing.TB, connString string, statements ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, connString)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	for _, q := range statements {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// TryExecSQL runs one statement on a connection of its own.
func TryExecSQL(ctx context.Context, connString, query string) error {
	conn, err := pgx.Connect(ctx, connString)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, query)
	return err
}

// OpenTestStore migrates connString and opens a store on it, closed when
// the test ends.
func OpenTestStore(t testing.TB, connString string, opts Options) *Store {
	t.Helper()
	ctx := context.Background()
	if _, err := Migrate(ctx, connString); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, connString, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
