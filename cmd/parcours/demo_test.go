package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parcours/parcours/demo"
	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/eventstore/sqlite"
)

// syncBuffer is written by serve while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var pageLine = regexp.MustCompile(`no login\): (http://[^/\s]+)(/p/[A-Za-z0-9_-]+)\n`)

// serveDemo runs `parcours serve --demo` in this process until the
// published page's address is printed, and returns the output, the
// service's address and the page's path; stop ends the service.
func serveDemo(t *testing.T, args ...string) (out, base, page string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--demo", "--addr", "127.0.0.1:0"}, args...), stdout, io.Discard, slog.New(slog.DiscardHandler))
	}()
	stop = func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve --demo: %v", err)
		}
	}
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := pageLine.FindStringSubmatch(stdout.String()); m != nil {
			return stdout.String(), m[1], m[2], stop
		}
		select {
		case err := <-done:
			t.Fatalf("serve --demo ended: %v\n%s", err, stdout.String())
		default:
		}
	}
	stop()
	t.Fatalf("serve --demo printed no page address:\n%s", stdout.String())
	return
}

// TestServeDemo starts the demo twice on one data directory: it prints
// the logins of every role and the published page's address, the home
// page links to that page, which is published, and the second
// start writes nothing new and prints the same address.
func TestServeDemo(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	out, base, page, stop := serveDemo(t, "--data", dir)
	for _, p := range demo.People() {
		if !strings.Contains(out, p.Email) {
			t.Errorf("no login printed for %s:\n%s", p.Email, out)
		}
	}
	if !strings.Contains(out, "password "+demo.Password) || !strings.Contains(out, "Demo data in "+dir) {
		t.Errorf("output:\n%s", out)
	}
	// The page's content through the API: the pages have their own tests.
	api := "/v1/pages/" + strings.TrimPrefix(page, "/p/")
	for path, want := range map[string]string{"/": `href="` + page + `"`, api: "Employée libre-service"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("GET %s: %s, want %q in\n%s", path, resp.Status, want, body)
		}
	}
	stop()
	if st, err := os.Stat(filepath.Join(dir, demo.StateFile)); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("state file: %v %v", st, err)
	}
	head := headOf(t, dir)
	_, _, again, stop := serveDemo(t, "--data", dir)
	stop()
	if again != page {
		t.Errorf("second start printed %s, want %s", again, page)
	}
	if got := headOf(t, dir); got != head {
		t.Errorf("second start wrote events: head %s, was %s", got, head)
	}
}

func headOf(t *testing.T, dir string) eventstore.Position {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(dir, "events.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	head, err := s.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return head
}

func TestDemoRefusesServerStores(t *testing.T) {
	out, err := runCmd(t, "serve", "--demo", "--store", "postgres://localhost/x")
	if exitCode(err) != 2 || !strings.Contains(out+err.Error(), "embedded default") {
		t.Fatalf("exit %d: %v\n%s", exitCode(err), err, out)
	}
}
