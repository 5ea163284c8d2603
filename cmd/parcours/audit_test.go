package main

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/parcours/parcours/auditlog/auditlogtest"
	"github.com/parcours/parcours/commands"
)

// seedAuditDossier writes a submitted VAE dossier into a fresh data
// directory, through the real store, key ring and command handler.
func seedAuditDossier(t *testing.T, dir string, files int) auditlogtest.Seeded {
	t.Helper()
	if out, err := runCmd(t, "migrate", "--data", dir); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	ctx := context.Background()
	sc := &storeConfig{Data: dir, MaxEventSize: 1 << 20, SQLiteSync: "FULL"}
	store, err := openStore(ctx, sc, false)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	v, err := openVault(ctx, sc, false)
	if err != nil {
		t.Fatal(err)
	}
	defer v.close()
	now := time.Now().UTC().Truncate(time.Second)
	h := commands.New(store, v.ring, commands.Options{Now: func() time.Time { return now }})
	s, err := auditlogtest.SeedDossier(ctx, h, v.files, auditlogtest.Options{Files: files, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAuditBundleAndVerify(t *testing.T) {
	dir := t.TempDir()
	s := seedAuditDossier(t, dir, 2)
	out := filepath.Join(t.TempDir(), "dossier.zip")
	res, err := runCmd(t, "audit", "bundle", "--data", dir, "--portfolio", s.Portfolio, "--dossier", s.Dossier, "--out", out)
	if err != nil || !strings.Contains(res, "2 fichiers/files") {
		t.Fatalf("audit bundle: %v\n%s", err, res)
	}
	key, err := runCmd(t, "audit", "public-key", "--data", dir)
	if err != nil || !strings.HasPrefix(key, "parcours.audit/") {
		t.Fatalf("public key: %v %q", err, key)
	}
	if st, err := os.Stat(filepath.Join(dir, "audit.key")); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("audit.key: %v %v", st.Mode(), err)
	}
	key = strings.TrimSpace(key)
	res, err = runCmd(t, "verify", out, "--key", key)
	if err != nil || !strings.Contains(res, "RÉSULTAT : le paquet est intègre") || !strings.Contains(res, "RESULT: the bundle is intact") {
		t.Fatalf("verify of an honest bundle: %v\n%s", err, res)
	}
	// A copy whose first evidence file was altered fails, exit status 1.
	altered := filepath.Join(t.TempDir(), "altered.zip")
	os.WriteFile(altered, alterZip(t, out, "files/ev-f001.pdf"), 0o644)
	res, err = runCmd(t, "verify", "--key", key, altered)
	if exitCode(err) != 1 || !strings.Contains(res, "ÉCHEC/FAIL") || !strings.Contains(res, "RESULT: FAILED") {
		t.Fatalf("verify of an altered bundle: %v\n%s", err, res)
	}
	if _, err := runCmd(t, "verify", filepath.Join(t.TempDir(), "missing.zip")); exitCode(err) != 1 {
		t.Fatalf("verify of a missing file: %v", err)
	}
}

// alterZip returns the zip at path with one byte of entry name flipped.
func alterZip(t *testing.T, path, name string) []byte {
	t.Helper()
	b, _ := os.ReadFile(path)
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, _ := f.Open()
		body, _ := io.ReadAll(rc)
		rc.Close()
		if f.Name == name {
			body[len(body)/2] ^= 1
		}
		w, _ := zw.Create(f.Name)
		w.Write(body)
	}
	zw.Close()
	return buf.Bytes()
}

// The audit log mounted under /v1/audit by chi (as httpapi's Deps.Extra
// does) answers on its full paths; `parcours audit watch` reads it.
func TestAuditEndpointsMountedAndWatched(t *testing.T) {
	dir := t.TempDir()
	seedAuditDossier(t, dir, 1)
	ctx := context.Background()
	sc := &storeConfig{Data: dir, MaxEventSize: 1 << 20, SQLiteSync: "FULL"}
	store, err := openStore(ctx, sc, false)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	l, stop, err := startAuditLog(ctx, sc, &auditConfig{Every: 1, Interval: time.Second}, store, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	head, _ := store.Head(ctx)
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := l.WaitFor(wctx, head); err != nil {
		t.Fatal(err)
	}
	r := chi.NewRouter()
	r.Mount("/v1/audit", l.Handler())
	srv := httptest.NewServer(r)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/v1/audit/public-key")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("mounted public key: %v %v", resp.Status, err)
	}
	resp.Body.Close()
	state := filepath.Join(t.TempDir(), "watch.json")
	for i := 0; i < 2; i++ {
		res, err := runCmd(t, "audit", "watch", "--url", srv.URL, "--state", state, "--key", l.PublicKey(), "--once")
		if err != nil || !strings.Contains(res, "OK:") {
			t.Fatalf("watch: %v\n%s", err, res)
		}
	}
}

// TestMigrateCreatesAuditLog: `parcours migrate` brings every file of the
// data directory up to date, the audit log's included, and says so.
func TestMigrateCreatesAuditLog(t *testing.T) {
	dir := t.TempDir()
	out, err := runCmd(t, "migrate", "--data", dir)
	if err != nil || !strings.Contains(out, "audit log: schema up to date") {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "auditlog.db")); err != nil {
		t.Fatalf("no auditlog.db after migrate: %v", err)
	}
	if out, err := runCmd(t, "migrate", "--data", dir); err != nil {
		t.Fatalf("second migrate: %v\n%s", err, out)
	}
}
