package sqlite_test

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/eventstore/sqlite"
)

var crashCycles = flag.Int("crash.cycles", 20, "kill -9 cycles of TestCrashSafety (100 for the long run)")

const crashChildEnv = "PARCOURS_SQLITE_CRASH_CHILD"

// crashData is the data of the event with id: the parent recomputes it to
// check stored bytes.
func crashData(id eventstore.EventID) []byte {
	return []byte(fmt.Sprintf(`{"id":"%s","text":"é%s"}`, id, strings.Repeat("x", int(id[0])*4)))
}

func crashMeta(id eventstore.EventID) []byte {
	return []byte(fmt.Sprintf(`{"actor":"crash-%02x"}`, id[1]))
}

// TestMain runs the appender when the test binary is started as the child
// of TestCrashSafety.
func TestMain(m *testing.M) {
	if dir := os.Getenv(crashChildEnv); dir != "" {
		crashChild(dir)
		return
	}
	os.Exit(m.Run())
}

// crashChild appends from 16 writers until it is killed, printing one line
// per acknowledged append: stream, first revision, then the event ids.
func crashChild(dir string) {
	ctx := context.Background()
	path := filepath.Join(dir, "events.db")
	if _, err := sqlite.Migrate(ctx, path); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	var mu sync.Mutex
	out := bufio.NewWriter(os.Stdout)
	fmt.Fprintln(out, "ready")
	out.Flush()
	for w := 0; w < 16; w++ {
		go func() {
			stream := fmt.Sprintf("crash-%d", w)
			for i := 0; ; i++ {
				batch := make([]eventstore.Proposed, 1+i%3)
				ids := make([]string, len(batch))
				for j := range batch {
					id := eventstore.NewEventID()
					batch[j] = eventstore.Proposed{ID: id, Type: "Crash", SchemaVersion: 1, Data: crashData(id), Metadata: crashMeta(id)}
					ids[j] = id.String()
				}
				res, err := s.Append(ctx, stream, eventstore.Any, batch...)
				if err != nil {
					fmt.Fprintln(os.Stderr, "append:", err)
					os.Exit(4)
				}
				mu.Lock()
				fmt.Fprintf(out, "%s %d %s\n", stream, res.FirstRevision, strings.Join(ids, " "))
				out.Flush()
				mu.Unlock()
			}
		}()
	}
	select {}
}

type ack struct {
	stream string
	first  uint64
	ids    []eventstore.EventID
}

func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	dir := t.TempDir()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for cycle := 0; cycle < *crashCycles; cycle++ {
		acks := runAndKill(t, exe, dir, time.Duration(20+rand.IntN(300))*time.Millisecond)
		total += len(acks)
		checkAfterCrash(t, dir, acks, cycle)
	}
	t.Logf("%d kill -9 cycles, %d acknowledged appends checked", *crashCycles, total)
}

func runAndKill(t *testing.T, exe, dir string, after time.Duration) []ack {
	t.Helper()
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(stdout)
	if line, err := r.ReadString('\n'); err != nil || line != "ready\n" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("child did not start: %q %v; stderr: %s", line, err, stderr.String())
	}
	timer := time.AfterFunc(after, func() { _ = cmd.Process.Signal(syscall.SIGKILL) })
	defer timer.Stop()
	var acks []ack
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			break // EOF after the kill; a torn last line is not an ack
		}
		f := strings.Fields(line)
		first, _ := strconv.ParseUint(f[1], 10, 64)
		a := ack{stream: f[0], first: first}
		for _, s := range f[2:] {
			id, err := eventstore.ParseEventID(s)
			if err != nil {
				t.Fatalf("child printed %q: %v", line, err)
			}
			a.ids = append(a.ids, id)
		}
		acks = append(acks, a)
	}
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child ended by %v, not by SIGKILL; stderr: %s", err, stderr.String())
	}
	return acks
}

func checkAfterCrash(t *testing.T, dir string, acks []ack, cycle int) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(dir, "events.db")
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatalf("cycle %d: store does not open after kill -9: %v", cycle, err)
	}
	defer s.Close()
	for _, a := range acks {
		events, err := s.ReadStream(ctx, a.stream, eventstore.ReadOptions{From: a.first, Limit: len(a.ids)})
		if err != nil {
			t.Fatalf("cycle %d: acknowledged append to %s lost: %v", cycle, a.stream, err)
		}
		if len(events) != len(a.ids) {
			t.Fatalf("cycle %d: %s at %d: %d of %d acknowledged events present", cycle, a.stream, a.first, len(events), len(a.ids))
		}
		for i, e := range events {
			id := a.ids[i]
			if e.ID != id || !bytes.Equal(e.Data, crashData(id)) || !bytes.Equal(e.Metadata, crashMeta(id)) {
				t.Fatalf("cycle %d: %s revision %d is not the acknowledged event %s byte for byte", cycle, a.stream, e.Revision, id)
			}
		}
	}
	v, err := eventstore.VerifyLog(ctx, s)
	if err != nil {
		t.Fatalf("cycle %d: chain after kill -9: %v", cycle, err)
	}
	// The store accepts appends again, and a retry of an acknowledged
	// append does not duplicate it.
	if _, err := s.Append(ctx, "after-crash", eventstore.Any, eventstore.Proposed{ID: eventstore.NewEventID(), Type: "T", Data: []byte(`{}`), Metadata: []byte(`{}`)}); err != nil {
		t.Fatalf("cycle %d: append after kill -9: %v", cycle, err)
	}
	if len(acks) > 0 {
		a := acks[len(acks)-1]
		batch := make([]eventstore.Proposed, len(a.ids))
		for i, id := range a.ids {
			batch[i] = eventstore.Proposed{ID: id, Type: "Crash", SchemaVersion: 1, Data: crashData(id), Metadata: crashMeta(id)}
		}
		res, err := s.Append(ctx, a.stream, eventstore.Any, batch...)
		if err != nil || res.FirstRevision != a.first {
			t.Fatalf("cycle %d: retry of an acknowledged append: %+v, %v", cycle, res, err)
		}
	}
	after, err := eventstore.VerifyLog(ctx, s)
	if err != nil || after.Events != v.Events+1 {
		t.Fatalf("cycle %d: after retry the log has %d events, want %d (%v)", cycle, after.Events, v.Events+1, err)
	}
}
