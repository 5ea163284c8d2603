package personaldata_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/parcours/parcours/personaldata"
)

func sqliteKeys(t testing.TB, dir string) *personaldata.SQLiteKeys {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(dir, "keys.db")
	if err := personaldata.MigrateSQLiteKeys(ctx, path); err != nil {
		t.Fatal(err)
	}
	k, err := personaldata.OpenSQLiteKeys(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.Close() })
	return k
}

// postgresPool returns a pool on a fresh schema of the test server, or
// skips (fails under CI=true) when PostgreSQL is unreachable.
func postgresPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	url := os.Getenv("PARCOURS_TEST_POSTGRES_URL")
	if url == "" {
		url = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	admin, err := pgxpool.New(ctx, url)
	if err == nil {
		err = admin.Ping(ctx)
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL unreachable at %s (CI=true, so this fails instead of skipping): %v", url, err)
		}
		t.Skipf("PostgreSQL unreachable at %s, skipping (set PARCOURS_TEST_POSTGRES_URL): %v", url, err)
	}
	schema := "keys_test_" + hex.EncodeToString(randBytes(6))
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		pool.Close()
		_, _ = admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	return pool
}

func randBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// TestKeyStores runs the same cases against every KeyStore.
func TestKeyStores(t *testing.T) {
	stores := map[string]func(t *testing.T) personaldata.KeyStore{
		"sqlite": func(t *testing.T) personaldata.KeyStore { return sqliteKeys(t, t.TempDir()) },
		"postgres": func(t *testing.T) personaldata.KeyStore {
			pool := postgresPool(t)
			ctx := context.Background()
			if err := personaldata.MigratePostgresKeys(ctx, pool); err != nil {
				t.Fatal(err)
			}
			if err := personaldata.MigratePostgresKeys(ctx, pool); err != nil {
				t.Fatalf("migrating twice: %v", err)
			}
			k, err := personaldata.NewPostgresKeys(ctx, pool)
			if err != nil {
				t.Fatal(err)
			}
			return k
		},
	}
	for name, open := range stores {
		t.Run(name, func(t *testing.T) { keyStoreCases(t, open(t)) })
	}
}

func keyStoreCases(t *testing.T, ks personaldata.KeyStore) {
	ctx := context.Background()
	if _, err := ks.Get(ctx, "p1"); !errors.Is(err, personaldata.ErrNoKey) {
		t.Fatalf("get of an unknown subject: %v", err)
	}
	first, err := ks.PutIfAbsent(ctx, "p1", []byte("wrapped-1"))
	if err != nil || string(first) != "wrapped-1" {
		t.Fatalf("put: %q %v", first, err)
	}
	// A racing second key loses: everyone keeps the first.
	second, err := ks.PutIfAbsent(ctx, "p1", []byte("wrapped-2"))
	if err != nil || string(second) != "wrapped-1" {
		t.Fatalf("second put: %q %v", second, err)
	}
	if got, err := ks.Get(ctx, "p1"); err != nil || string(got) != "wrapped-1" {
		t.Fatalf("get: %q %v", got, err)
	}
	for i := 0; i < 3; i++ {
		if err := ks.PutFileKey(ctx, fmt.Sprintf("f%d", i), "p1", []byte("fk")); err != nil {
			t.Fatal(err)
		}
	}
	if err := ks.PutFileKey(ctx, "g0", "p2", []byte("gk")); err != nil {
		t.Fatal(err)
	}
	if ids, err := ks.FileIDs(ctx, "p1"); err != nil || fmt.Sprint(ids) != "[f0 f1 f2]" {
		t.Fatalf("file ids: %v %v", ids, err)
	}
	if s, w, err := ks.GetFileKey(ctx, "f1"); err != nil || s != "p1" || string(w) != "fk" {
		t.Fatalf("file key: %s %q %v", s, w, err)
	}
	n, err := ks.Erase(ctx, "p1")
	if err != nil || n != 3 {
		t.Fatalf("erase: %d %v", n, err)
	}
	if _, err := ks.Get(ctx, "p1"); !errors.Is(err, personaldata.ErrErased) {
		t.Fatalf("get after erase: %v", err)
	}
	if _, err := ks.PutIfAbsent(ctx, "p1", []byte("new")); !errors.Is(err, personaldata.ErrErased) {
		t.Fatalf("a new key for an erased subject: %v", err)
	}
	if _, _, err := ks.GetFileKey(ctx, "f0"); !errors.Is(err, personaldata.ErrErased) {
		t.Fatalf("file key after erase: %v", err)
	}
	if _, _, err := ks.GetFileKey(ctx, "g0"); err != nil {
		t.Fatalf("another person's file key after erase: %v", err)
	}
	if _, err := ks.Erase(ctx, "p1"); err != nil {
		t.Fatalf("erasing twice: %v", err)
	}
}

func TestMasterKey(t *testing.T) {
	dir := t.TempDir()
	k1, err := personaldata.LoadMasterKey("", dir)
	if err != nil || len(k1) != 32 {
		t.Fatalf("create: %v", err)
	}
	st, err := os.Stat(filepath.Join(dir, personaldata.MasterKeyFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, %v", st.Mode().Perm(), err)
	}
	k2, err := personaldata.LoadMasterKey("", dir)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatalf("reload gave another key: %v", err)
	}
	os.Chmod(filepath.Join(dir, personaldata.MasterKeyFile), 0o644)
	if _, err := personaldata.LoadMasterKey("", dir); err == nil {
		t.Fatal("a world-readable key file was accepted")
	}
	hexKey := hex.EncodeToString(k1)
	if k, err := personaldata.LoadMasterKey(hexKey, t.TempDir()); err != nil || !bytes.Equal(k, k1) {
		t.Fatalf("hex key from the environment: %v", err)
	}
	if _, err := personaldata.LoadMasterKey("too-short", t.TempDir()); err == nil {
		t.Fatal("a short key was accepted")
	}
}
