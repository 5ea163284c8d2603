package main

import (
	"context"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestProjectionLagAcrossKills is the operator's scenario of two
// `parcours serve` processes on one PostgreSQL: clients post varied
// commands through both, and every few seconds one process, chosen at
// random, is killed with SIGKILL and started again at once. After each
// restart the read models must be back within a second of the log's end
// within recoverBy; a lag that grows from cycle to cycle fails the test.
// PARCOURS_TEST_PG_KILLS sets the number of cycles (default 6; 0 skips
// the test), PARCOURS_TEST_PG_RATE the commands per second (default 50).
func TestProjectionLagAcrossKills(t *testing.T) { lagAcrossKills(t, 0) }

// TestProjectionWorkersAcrossKills is the scale-out shape: two API
// processes (serve --projections=false) and two `parcours project`
// workers on one PostgreSQL; the workers are the ones killed, and the
// survivor takes the read models over.
func TestProjectionWorkersAcrossKills(t *testing.T) { lagAcrossKills(t, 2) }

// lagAcrossKills runs the scenario with two serve processes and, if
// workers > 0, that many projection workers: then the serve processes
// do not project, and the workers are killed instead.
func lagAcrossKills(t *testing.T, workers int) {
	if testing.Short() {
		t.Skip("starts two service processes on PostgreSQL")
	}
	cycles := 6
	if v := os.Getenv("PARCOURS_TEST_PG_KILLS"); v == "0" {
		t.Skip("PARCOURS_TEST_PG_KILLS=0 (CI runs it alone, after the other tests)")
	} else if v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("PARCOURS_TEST_PG_KILLS=%q: want a number of cycles", v)
		}
		cycles = n
	}
	rate := 50 // commands per second, through both processes
	if v := os.Getenv("PARCOURS_TEST_PG_RATE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("PARCOURS_TEST_PG_RATE=%q: want commands per second", v)
		}
		rate = n
	}
	const (
		clients   = 16
		recoverBy = 5 * time.Second
	)
	store := postgresStore(t)
	dir, logs := t.TempDir(), t.TempDir()
	tokens, err := seedFleet(context.Background(), dir, store)
	if err != nil {
		t.Fatal(err)
	}
	bin := buildParcours(t)
	master, err := os.ReadFile(filepath.Join(dir, "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	envOf := func() []string { // each process in a data directory of its own, sharing the master key
		return []string{"PARCOURS_DATA=" + t.TempDir(), "PARCOURS_STORE=" + store, "PARCOURS_MASTER_KEY=" + strings.TrimSpace(string(master))}
	}
	start := func(p *fleetProc) {
		t.Helper()
		if err := p.start(bin, logs); err != nil {
			t.Fatal(err)
		}
	}
	var procs, victims []*fleetProc
	for _, name := range []string{"A", "B"} {
		addr, err := freeAddr()
		if err != nil {
			t.Fatal(err)
		}
		procs = append(procs, &fleetProc{name: name, addr: addr})
	}
	victims = procs
	if workers > 0 {
		victims = nil
		for i := 0; i < workers; i++ {
			w := &fleetProc{name: fmt.Sprintf("worker-%d", i+1), args: []string{"project"}, env: envOf()}
			start(w)
			defer w.close()
			victims = append(victims, w)
		}
	}
	for _, p := range procs {
		p.env = append(envOf(), "PARCOURS_ADDR="+p.addr)
		if workers > 0 {
			p.env = append(p.env, "PARCOURS_PROJECTIONS=false")
		}
		start(p)
		defer p.close()
	}
	for _, p := range procs {
		if err := p.waitReady(60 * time.Second); err != nil {
			t.Fatal(err)
		}
	}
	if workers > 0 {
		for _, p := range procs {
			if owned, ok := processMetrics(p.addr, "parcours_projection_owned"); !ok || len(owned) == 0 {
				t.Fatalf("%s: no parcours_projection_owned in /metrics", p.name)
			} else {
				for name, v := range owned {
					if v != 0 {
						t.Fatalf("serve --projections=false runs the projection %s", name)
					}
				}
			}
		}
	}

	ctx, stopLoad := context.WithCancel(context.Background())
	defer stopLoad()
	addrs := make([]string, len(procs))
	for i, p := range procs {
		addrs[i] = p.addr
	}
	load := newHTTPLoad(addrs, tokens)
	loaded := make(chan struct{})
	go func() { defer close(loaded); load.run(ctx, rate, clients) }()

	time.Sleep(2 * time.Second) // load before the first kill
	var took []time.Duration
	failed := 0
	for c := 0; c < cycles; c++ {
		victim := victims[mrand.IntN(len(victims))]
		victim.kill()
		// Restarted at once, or after a pause (a supervisor's restart
		// delay) in which the other process must take its leases over;
		// the lag is watched from the kill on.
		down := time.Duration(mrand.IntN(3)) * 1200 * time.Millisecond
		var peak, final float64
		var lastAbove time.Duration
		watched := make(chan struct{})
		go func() {
			defer close(watched)
			peak, lastAbove, final = watchLag(ctx, procs, 1, down+recoverBy)
		}()
		time.Sleep(down)
		start(victim)
		<-watched
		lastAbove = max(0, lastAbove-down) // from the restart on
		took = append(took, lastAbove)
		if final >= 1 {
			failed++
			t.Errorf("cycle %d (killed %s): read models still %.1fs behind %v after the restart: %s", c+1, victim.name, final, recoverBy, lagReport(procs))
		}
		t.Logf("cycle %d: killed %s, down %v; lag peaked at %.2fs, under 1s from %v after the restart on", c+1, victim.name, down, peak, lastAbove.Round(time.Millisecond))
		if failed >= 3 {
			break
		}
		time.Sleep(time.Duration(mrand.IntN(1500)) * time.Millisecond)
	}
	stopLoad()
	<-loaded
	acked, lost := load.acked.Load(), load.failed.Load()
	t.Logf("%d commands acknowledged, %d given up (first: %v); catch-up after each restart: %v", acked, lost, load.firstBad.Load(), took)
	if acked < int64(rate) || lost > acked/100 {
		t.Fatalf("only %d commands acknowledged: the load did not run (%d given up)", acked, lost)
	}
	for _, p := range procs {
		if err := p.waitReady(30 * time.Second); err != nil {
			t.Error(err)
		}
	}
	if t.Failed() || testing.Verbose() {
		logged := procs
		if workers > 0 {
			logged = append(append([]*fleetProc{}, procs...), victims...)
		}
		for _, p := range logged {
			t.Logf("log of %s (last lines):\n%s", p.name, p.tail())
		}
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if parcoursBinary.path != "" {
		os.RemoveAll(filepath.Dir(parcoursBinary.path))
	}
	os.Exit(code)
}

var parcoursBinary struct {
	once sync.Once
	path string
	err  error
	out  []byte
}

// buildParcours builds the binary once for the package's tests
// (PARCOURS_TEST_BINARY names another build to run instead, e.g. an older
// one to compare with).
func buildParcours(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("PARCOURS_TEST_BINARY"); bin != "" {
		return bin
	}
	b := &parcoursBinary
	b.once.Do(func() {
		dir, err := os.MkdirTemp("", "parcours-bin-")
		if err != nil {
			b.err = err
			return
		}
		b.path = filepath.Join(dir, "parcours")
		b.out, b.err = exec.Command("go", "build", "-o", b.path, ".").CombinedOutput()
	})
	if b.err != nil {
		t.Fatalf("build: %v\n%s", b.err, b.out)
	}
	return b.path
}

// watchLag samples the worst read-model lag the processes report, every
// 100ms for window; it returns the peak and how long after the start the
// lag was last at or above limit (0 if never).
func watchLag(ctx context.Context, procs []*fleetProc, limit float64, window time.Duration) (peak float64, lastAbove time.Duration, final float64) {
	start := time.Now()
	for time.Since(start) < window && ctx.Err() == nil {
		for _, p := range procs {
			if worst, ok := worstLag(p.addr); ok {
				peak, final = max(peak, worst), worst
				if worst >= limit {
					lastAbove = time.Since(start)
				}
				break
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return peak, lastAbove, final
}

func lagReport(procs []*fleetProc) string {
	for _, p := range procs {
		if lags, ok := processMetrics(p.addr, "parcours_projection_lag_seconds"); ok {
			return fmt.Sprintf("lags seen by %s: %v", p.name, lags)
		}
	}
	return "no process answered /metrics"
}
