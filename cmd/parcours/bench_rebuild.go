package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/projections"
)

// benchRebuild measures a rebuild of every read model from a generated log
// against a raw scan that only reads and decodes the same log, and the
// projections' lag while commands flow at a steady rate.
func benchRebuild(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench rebuild", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per result")
	n := fs.Int("events", 1_000_000, "events to generate")
	size := fs.Int("portfolio-size", 1000, "events per portfolio")
	rate := fs.Int("lag-rate", 100, "commands per second during the lag measurement (0: skip it)")
	lagFor := fs.Duration("lag-duration", 10*time.Second, "how long commands flow during the lag measurement")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the scan and rebuild to this file")
	backend := fs.String("backend", "sqlite", "sqlite (a temporary directory) or postgres (a scratch schema in the database at PARCOURS_STORE, dropped after)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "parcours-bench-rebuild-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	sc := &storeConfig{Data: dir, MaxEventSize: 1 << 20, SQLiteSync: "FULL"}
	durability := "read models: synchronous=NORMAL"
	switch *backend {
	case "sqlite":
	case "postgres":
		url, drop, err := scratchSchema(ctx, os.Getenv("PARCOURS_STORE"), "parcours_bench_rebuild")
		if err != nil {
			return err
		}
		defer drop()
		sc.Store, durability = url, "events and read models in PostgreSQL"
	default:
		return usageError("bench rebuild: --backend sqlite or postgres")
	}
	log := slog.New(slog.DiscardHandler)
	sys, err := openSystem(ctx, sc, true, log)
	if err != nil {
		return err
	}
	defer sys.close()
	t0 := time.Now()
	owners, err := generateLog(ctx, sys, *n, *size)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "generated %d portfolios in %s\n", len(owners), time.Since(t0).Round(time.Second))
	resetPeakRSS()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	c0 := processCPU()
	scanned, scanTime, err := rawScan(ctx, sys)
	if err != nil {
		return err
	}
	c1 := processCPU()
	t1 := time.Now()
	if err := projections.Rebuild(ctx, sys.store, sys.codec, sys.rm, projections.All(), nil); err != nil {
		return err
	}
	rebuildTime := time.Since(t1)
	c2 := processCPU()
	value, base := float64(scanned)/rebuildTime.Seconds(), float64(scanned)/scanTime.Seconds()
	printBench(stdout, *asJSON, benchLine{Bench: "rebuild", Case: fmt.Sprintf("%d-events", scanned), Backend: *backend,
		Value: round1(value), Unit: "events/s", Baseline: round1(base), Ratio: float64(int(value/base*1000)) / 1000,
		Seconds: round1(rebuildTime.Seconds()), PeakRSSMB: peakRSSMB(), Machine: machine(), Durability: durability,
		CPUSeconds: round2((c2 - c1).Seconds()), BaselineCPUSeconds: round2((c1 - c0).Seconds())})
	if *rate <= 0 {
		return nil
	}
	return benchLag(ctx, sys, *backend, owners, *rate, *lagFor, stdout, *asJSON)
}

// generateLog writes about n events: a structure and portfolios of size
// events each, four writers at a time.
func generateLog(ctx context.Context, sys *system, n, size int) ([]string, error) {
	g := &loadgen{store: sys.store, codec: sys.codec, tenant: loadTenant, now: time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC), r: rand.New(rand.NewPCG(1, 1))}
	owners, err := g.structure(ctx, max(1, n/size))
	if err != nil {
		return nil, err
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	next := make(chan string)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			gw := &loadgen{store: sys.store, codec: sys.codec, tenant: loadTenant, now: g.now, r: rand.New(rand.NewPCG(uint64(w), 2))}
			for id := range next {
				if err := gw.portfolio(ctx, id, size); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for _, id := range owners {
		next <- id
	}
	close(next)
	wg.Wait()
	close(errs)
	return owners, <-errs
}

// rawScan reads and decodes the whole log, doing nothing else.
func rawScan(ctx context.Context, sys *system) (int, time.Duration, error) {
	start := time.Now()
	count := 0
	for from := eventstore.Start; ; {
		page, err := sys.store.ReadAll(ctx, from, 4096)
		if err != nil {
			return 0, 0, err
		}
		for _, e := range page {
			if _, err := sys.codec.DecodeClear(e); err != nil {
				return 0, 0, err
			}
			from = e.Position
		}
		count += len(page)
		if len(page) < 4096 {
			return count, time.Since(start), nil
		}
	}
}

// benchLag runs the projections while commands arrive at rate per second,
// and measures for each command the time from its acknowledgement until
// every read model has applied it.
func benchLag(ctx context.Context, sys *system, backend string, owners []string, rate int, d time.Duration, stdout io.Writer, asJSON bool) error {
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- sys.runner.Run(runCtx) }()
	defer func() { stop(); <-done }()
	var mu sync.Mutex
	var lags []time.Duration
	var wg sync.WaitGroup
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	end := time.Now().Add(d)
	for i := 0; time.Now().Before(end); i++ {
		<-tick.C
		id := owners[i%len(owners)]
		call := commands.Call{Actor: domain.Actor{PersonID: id, Tenant: loadTenant, Role: domain.RoleBeneficiary}}
		res, err := sys.h.WriteJournalEntry(ctx, call, commands.WriteJournalEntry{PortfolioID: id, Text: "Point d'étape " + strconv.Itoa(i)})
		if err != nil {
			return err
		}
		acked := time.Now()
		wg.Add(1)
		go func() {
			defer wg.Done()
			wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			if err := sys.runner.WaitFor(wctx, res.Position); err != nil && !errors.Is(err, context.Canceled) {
				return
			}
			mu.Lock()
			lags = append(lags, time.Since(acked))
			mu.Unlock()
		}()
	}
	wg.Wait()
	slices.Sort(lags)
	printBench(stdout, asJSON, benchLine{Bench: "rebuild", Case: "lag", Backend: backend, Value: ms(quantile(lags, 0.99)), Unit: "ms p99",
		P50ms: ms(quantile(lags, 0.5)), P99ms: ms(quantile(lags, 0.99)), MaxMs: ms(quantile(lags, 1)), Appends: int64(len(lags)),
		Writers: rate, Machine: machine(), Durability: fmt.Sprintf("%d commands/s for %s, %d read models", rate, d, len(projections.All()))})
	return nil
}

// processCPU returns the user and system CPU time this process has used
// so far (Linux and other Unix systems; 0 elsewhere).
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// resetPeakRSS resets the kernel's high-water mark of this process's
// resident memory (Linux), so the peak measured is the rebuild's.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSSMB returns the peak resident memory in MB (Linux), or 0.
func peakRSSMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return round1(kb / 1024)
		}
	}
	return 0
}
