package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
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

// WithParam returns connString with the run-time parameter key set to
// value (a URL or a key=value string).
func WithParam(connString, key, value string) string {
	if strings.HasPrefix(connString, "postgres://") || strings.HasPrefix(connString, "postgresql://") {
		u, err := url.Parse(connString)
		if err == nil {
			q := u.Query()
			q.Set(key, value)
			u.RawQuery = q.Encode()
			return u.String()
		}
	}
	return connString + " " + key + "=" + value
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
	return WithParam(base, "search_path", schema)
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
// the test ends. Unless opts says otherwise, reads wait up to 15s for
// transactions in flight: other tests on the same server may hold write
// transactions open for a while, which delays the global log (see the
// package doc) without making it wrong.
func OpenTestStore(t testing.TB, connString string, opts Options) *Store {
	t.Helper()
	if opts.SettleTimeout == 0 {
		opts.SettleTimeout = 15 * time.Second
	}
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

// NewTestPool returns a pool of size conns on connString, closed when the
// test ends.
func NewTestPool(t testing.TB, connString string, conns int32) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(connString)
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = conns
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// BackendCPU returns the CPU time used so far by the server processes of
// the sessions with application_name app (read from /proc: same machine).
func BackendCPU(t testing.TB, app string) time.Duration {
	conn, err := pgx.Connect(context.Background(), ServerURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	rows, _ := conn.Query(context.Background(), `SELECT pid FROM pg_stat_activity WHERE application_name = $1`, app)
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		t.Fatal(err)
	}
	var ticks int64
	for _, pid := range pids {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
		u, _ := strconv.ParseInt(f[11], 10, 64)
		s, _ := strconv.ParseInt(f[12], 10, 64)
		ticks += u + s
	}
	return time.Duration(ticks) * 10 * time.Millisecond
}
