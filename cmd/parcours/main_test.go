package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/eventstore/sqlite"
	"github.com/parcours/parcours/internal/sqlitedriver"
)

func runCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, &out, &errOut, slog.New(slog.NewTextHandler(io.Discard, nil)))
	return out.String() + errOut.String(), err
}

func exitCode(err error) int {
	var ee *exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.code
	}
	return 1
}

func seed(t *testing.T, dir string) {
	t.Helper()
	if out, err := runCmd(t, "migrate", "--data", dir); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(dir, "events.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := 0; i < 5; i++ {
		p := eventstore.Proposed{ID: eventstore.NewEventID(), Type: "Noted", SchemaVersion: 1,
			Data: []byte(fmt.Sprintf(`{"i":%d}`, i)), Metadata: []byte(`{"actor":"t"}`)}
		if _, err := s.Append(ctx, "notes-1", eventstore.Any, p); err != nil {
			t.Fatal(err)
		}
	}
}

func TestVerify(t *testing.T) {
	dir := t.TempDir()
	seed(t, dir)
	out, err := runCmd(t, "verify", "--data", dir, "--stream", "notes-1")
	if err != nil || !strings.Contains(out, "OK: stream notes-1, 5 events") {
		t.Fatalf("verify of an intact stream: %v\n%s", err, out)
	}
	out, err = runCmd(t, "verify", "--data", dir, "--all")
	if err != nil || !strings.Contains(out, "OK: 5 events in 1 streams") {
		t.Fatalf("verify --all: %v\n%s", err, out)
	}
	if _, err := runCmd(t, "verify", "--data", dir, "--stream", "missing"); exitCode(err) != 1 || !errors.Is(err, eventstore.ErrStreamNotFound) {
		t.Fatalf("verify of a missing stream: %v", err)
	}
	if _, err := runCmd(t, "verify", "--data", dir); exitCode(err) != 2 {
		t.Fatalf("verify without a stream: want usage error, got %v", err)
	}
	// Change one byte of revision 3 behind the store's back.
	db, err := sql.Open(sqlitedriver.Name, "file:"+filepath.Join(dir, "events.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP TRIGGER events_immutable_update`, `UPDATE events SET data = '{"i":9}' WHERE revision = 3`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	for _, args := range [][]string{{"--stream", "notes-1"}, {"--all"}} {
		out, err = runCmd(t, append([]string{"verify", "--data", dir}, args...)...)
		if exitCode(err) != 1 || !strings.Contains(out, "BROKEN: stream notes-1, revision 3") {
			t.Fatalf("verify %v of a tampered stream: exit %d\n%s", args, exitCode(err), out)
		}
	}
}

func TestVerifyWithoutStore(t *testing.T) {
	out, err := runCmd(t, "verify", "--data", t.TempDir(), "--all")
	if err == nil || !strings.Contains(err.Error(), "no event store") {
		t.Fatalf("verify of an empty directory: %v\n%s", err, out)
	}
}

func TestBadConfiguration(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--store", "mysql://x"},
		{"serve", "--sqlite-synchronous", "OFF"},
		{"serve", "--projections=false", "--data", t.TempDir()}, // the embedded store's read models are this process's
		{"project", "--data", t.TempDir()},
		{"frobnicate"},
		{},
	} {
		if _, err := runCmd(t, args...); exitCode(err) != 2 {
			t.Errorf("%v: want exit 2, got %v", args, err)
		}
	}
	if got := redact("postgres://user:secret@host/db"); strings.Contains(got, "secret") {
		t.Errorf("redact kept the password: %s", got)
	}
}

func TestBenchAppendJSON(t *testing.T) {
	out, err := runCmd(t, "bench", "append", "--json", "--duration", "150ms", "--data", t.TempDir())
	if err != nil {
		t.Fatalf("bench: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("want 3 JSON lines, got:\n%s", out)
	}
	for i, want := range []string{"1-writer", "64-writers", "sealed"} {
		var l map[string]any
		if err := json.Unmarshal([]byte(lines[i]), &l); err != nil {
			t.Fatalf("line %d is not JSON: %v", i, err)
		}
		for _, k := range []string{"bench", "case", "value", "unit", "baseline", "ratio"} {
			if _, ok := l[k]; !ok {
				t.Fatalf("line %d lacks %q: %s", i, k, lines[i])
			}
		}
		if l["case"] != want || l["bench"] != "append" || l["value"].(float64) <= 0 || l["baseline"].(float64) <= 0 {
			t.Fatalf("line %d: %s", i, lines[i])
		}
	}
}

// TestServe runs the real binary: it creates its data directory, answers
// /healthz and /readyz, and stops cleanly on SIGTERM.
func TestServe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildParcours(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	data := filepath.Join(t.TempDir(), "data")
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "PARCOURS_ADDR="+addr, "PARCOURS_DATA="+data)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var resp *http.Response
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err = http.Get("http://" + addr + "/healthz"); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("serve did not answer: %v\n%s", err, out.String())
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("/healthz: %s", resp.Status)
	}
	if resp, err = http.Get("http://" + addr + "/readyz"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("/readyz: %v %v", resp, err)
	}
	resp.Body.Close()
	if st, err := os.Stat(filepath.Join(data, "events.db")); err != nil || st.Size() == 0 {
		t.Fatalf("serve did not create the store in its data directory: %v", err)
	}
	if st, _ := os.Stat(data); st.Mode().Perm() != 0o700 {
		t.Fatalf("data directory mode %v, want 0700", st.Mode().Perm())
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("serve did not stop cleanly on SIGTERM: %v\n%s", err, out.String())
	}
}

func TestBenchCommandJSON(t *testing.T) {
	out, err := runCmd(t, "bench", "command", "--json", "--long", "60", "--commands", "5")
	if err != nil {
		t.Fatalf("bench command: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("want 3 lines:\n%s", out)
	}
	var last map[string]any
	if err := json.Unmarshal([]byte(lines[2]), &last); err != nil || last["case"] != "60-vs-10" || last["ratio"].(float64) <= 0 {
		t.Fatalf("ratio line: %v %s", err, lines[2])
	}
}

func TestRebuildCommand(t *testing.T) {
	dir := t.TempDir()
	seed(t, dir)
	out, err := runCmd(t, "rebuild", "--data", dir)
	if err != nil || !strings.Contains(out, "rebuilt") {
		t.Fatalf("rebuild: %v\n%s", err, out)
	}
	if _, err := runCmd(t, "rebuild", "--data", dir, "nosuch"); exitCode(err) != 2 {
		t.Fatalf("rebuild of an unknown read model: %v", err)
	}
	if line := progressLine(450, 1000, time.Second); !strings.Contains(line, "45%") || !strings.Contains(line, "450/1000") {
		t.Fatalf("progress line %q", line)
	}
}

func TestBenchExportJSON(t *testing.T) {
	out, err := runCmd(t, "bench", "export", "--json", "--events", "10,40", "--requests", "3")
	if err != nil {
		t.Fatalf("bench export: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("want 4 lines:\n%s", out)
	}
	for i, want := range []string{"jsonresume-10-events", "jsonresume-40-events", "pdf-cv-10-events", "pdf-cv-40-events"} {
		var l map[string]any
		if err := json.Unmarshal([]byte(lines[i]), &l); err != nil || l["bench"] != "export" || l["case"] != want ||
			l["p50_ms"].(float64) <= 0 || l["baseline"].(float64) <= 0 || l["ratio"].(float64) <= 0 {
			t.Fatalf("line %d (want %s): %v %s", i, want, err, lines[i])
		}
	}
	if _, err := runCmd(t, "bench", "export", "--events", "5"); exitCode(err) != 2 {
		t.Fatalf("bench export --events 5: %v", err)
	}
}
