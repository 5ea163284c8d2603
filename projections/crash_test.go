package projections_test

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"reflect"
	"syscall"
	"testing"
	"time"

	"github.com/parcours/parcours/projections"
)

const crashChildEnv = "PARCOURS_PROJECTIONS_CRASH_CHILD"

// TestMain runs the crash child or the lease child (processes_test.go)
// when the test binary is started as one.
func TestMain(m *testing.M) {
	if dir := os.Getenv(crashChildEnv); dir != "" {
		crashChild(dir)
		return
	}
	if dir := os.Getenv(leaseChildEnv); dir != "" {
		leaseChild(dir)
		return
	}
	os.Exit(m.Run())
}

// crashChild writes commands while the runner projects them, until killed.
func crashChild(dir string) {
	e, _, err := openEnv(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	r, err := projections.NewRunner(e.store, e.codec, e.db, slog.New(slog.DiscardHandler), projections.All()...)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	go r.Run(context.Background())
	fmt.Println("ready")
	rnd := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	for {
		e.randomCommands(rnd, 1)
	}
}

// TestKilledMidBatch: a process that projects while commands flow is
// killed at random moments; restarted, its read models end equal to a
// rebuild from the log.
func TestKilledMidBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("kills child processes")
	}
	dir := t.TempDir()
	e := reopenEnv(t, dir)
	e.seed()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for cycle := 0; cycle < 5; cycle++ {
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
		cmd.Stderr = os.Stderr
		out, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "ready\n" {
			cmd.Process.Kill()
			t.Fatalf("child: %q %v", line, err)
		}
		time.Sleep(time.Duration(100+rand.IntN(400)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
	}
	e = reopenEnv(t, dir)
	ps := projections.All()
	r := e.startRunner(ps...)
	e.waitHead(r)
	live := e.dumpAll(ps)
	if err := projections.Rebuild(e.ctx, e.store, e.codec, e.db, ps, nil); err != nil {
		t.Fatal(err)
	}
	rebuilt := e.dumpAll(ps)
	for _, p := range ps {
		if !reflect.DeepEqual(live[p.Name()], rebuilt[p.Name()]) {
			t.Errorf("%s: after kill -9 and restart, the read model differs from a rebuild", p.Name())
		}
	}
	if len(live["audit"].logs["portfolio/p-zoe"]) < 5 {
		t.Fatalf("the children wrote almost nothing: %d events for p-zoe", len(live["audit"].logs["portfolio/p-zoe"]))
	}
}
