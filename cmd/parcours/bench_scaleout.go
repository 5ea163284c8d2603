package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// benchScaleout runs the same command load, from this process, against
// two shapes of deployment on one PostgreSQL, one after the other: one
// serve process that also projects; then two API processes (serve
// --projections=false) with a projection worker (parcours project) and a
// standby worker, the active worker killed with SIGKILL halfway. It
// reports the commands acknowledged per second and their latency for
// each, the ratio of the two, and, for the second, how long the read
// models took to reach the log's end after the load, with every
// acknowledged command in the log.
func benchScaleout(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench scaleout", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per result")
	rate := fs.Int("rate", 500, "commands offered per second")
	clients := fs.Int("clients", 64, "concurrent HTTP clients of the load")
	dur := fs.Duration("duration", 10*time.Second, "load time per shape")
	if err := fs.Parse(args); err != nil {
		return err
	}
	base := os.Getenv("PARCOURS_STORE") // each shape gets a schema of its own there, dropped after
	bin, err := os.Executable()
	if err != nil {
		return err
	}
	single, err := runShape(ctx, bin, base, 0, *rate, *clients, *dur)
	if err != nil {
		return fmt.Errorf("one process: %w", err)
	}
	scaled, err := runShape(ctx, bin, base, 2, *rate, *clients, *dur)
	if err != nil {
		return fmt.Errorf("two API processes and a worker: %w", err)
	}
	for _, r := range []struct {
		name string
		s    shapeResult
	}{{"one-process", single}, {"two-api-one-worker", scaled}} {
		printBench(stdout, *asJSON, benchLine{Bench: "scaleout", Case: r.name, Backend: "postgres", Value: round1(r.s.throughput), Unit: "commands/s",
			Baseline: round1(single.throughput), Ratio: float64(int(r.s.throughput/single.throughput*1000)) / 1000,
			P50ms: ms(quantile(r.s.lat, 0.5)), P99ms: ms(quantile(r.s.lat, 0.99)), MaxMs: ms(quantile(r.s.lat, 1)),
			Appends: r.s.acked, Seconds: round1(dur.Seconds()), Writers: *clients, Machine: machine(),
			Durability: fmt.Sprintf("%d commands/s offered from another process, durable; %d given up%s", *rate, r.s.failed, r.s.note)})
	}
	printBench(stdout, *asJSON, benchLine{Bench: "scaleout", Case: "worker-killed-catch-up", Backend: "postgres", Value: round1(scaled.catchUp.Seconds()), Unit: "s",
		Machine: machine(), Durability: "after the load (the active worker killed halfway, the standby taking over): time until every read model reached the log's end"})
	return nil
}

type shapeResult struct {
	throughput   float64
	lat          []time.Duration
	acked        int64
	failed       int64
	catchUp      time.Duration
	note         string
	eventsLogged int64 // events appended during the load
}

// runShape starts the processes of one shape in a fresh schema, drives
// them for d, and stops them.
func runShape(ctx context.Context, bin, base string, workers, rate, clients int, d time.Duration) (shapeResult, error) {
	var res shapeResult
	store, drop, err := scratchSchema(ctx, base, "bench_scaleout")
	if err != nil {
		return res, err
	}
	defer drop()
	dir, err := os.MkdirTemp("", "parcours-bench-scaleout-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	tokens, err := seedFleet(ctx, filepath.Join(dir, "seed"), store)
	if err != nil {
		return res, err
	}
	master, err := os.ReadFile(filepath.Join(dir, "seed", "master.key"))
	if err != nil {
		return res, err
	}
	n := 0
	envOf := func() []string {
		n++
		return []string{fmt.Sprintf("PARCOURS_DATA=%s/p%d", dir, n), "PARCOURS_STORE=" + store,
			"PARCOURS_MASTER_KEY=" + strings.TrimSpace(string(master))}
	}
	var procs []*fleetProc
	defer func() {
		for _, p := range procs {
			p.close()
		}
	}()
	var ws []*fleetProc
	for i := 0; i < workers; i++ {
		w := &fleetProc{name: fmt.Sprintf("worker-%d", i+1), args: []string{"project"}, env: envOf()}
		if err := w.start(bin, dir); err != nil {
			return res, err
		}
		procs, ws = append(procs, w), append(ws, w)
		if i == 0 {
			time.Sleep(2 * time.Second) // the first takes every lease; the others stand by
		}
	}
	apis := 1
	if workers > 0 {
		apis = 2
	}
	var addrs []string
	for i := 0; i < apis; i++ {
		addr, err := freeAddr()
		if err != nil {
			return res, err
		}
		p := &fleetProc{name: fmt.Sprintf("api-%d", i+1), addr: addr, env: append(envOf(), "PARCOURS_ADDR="+addr)}
		if workers > 0 {
			p.env = append(p.env, "PARCOURS_PROJECTIONS=false")
		}
		if err := p.start(bin, dir); err != nil {
			return res, err
		}
		procs, addrs = append(procs, p), append(addrs, addr)
		if err := p.waitReady(60 * time.Second); err != nil {
			return res, err
		}
	}
	before, err := countEvents(ctx, store)
	if err != nil {
		return res, err
	}
	load := newHTTPLoad(addrs, tokens)
	lctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	if len(ws) > 0 {
		go func() {
			select {
			case <-time.After(d / 2):
				ws[0].kill()
			case <-lctx.Done():
			}
		}()
	}
	start := time.Now()
	load.run(lctx, rate, clients)
	took := time.Since(start)
	res.acked, res.failed, res.lat = load.acked.Load(), load.failed.Load(), load.latencies()
	res.throughput = float64(res.acked) / took.Seconds()
	if bad, ok := load.firstBad.Load().(string); ok {
		res.note = "; first: " + bad
	}
	// The read models reach the log's end (the standby worker took the
	// killed one's leases over).
	caught := time.Now()
	for {
		lags, ok := processMetrics(addrs[0], "parcours_projection_lag_events")
		behind := !ok || len(lags) == 0
		for _, v := range lags {
			behind = behind || v > 0
		}
		if !behind {
			break
		}
		if time.Since(caught) > 60*time.Second {
			return res, fmt.Errorf("read models still behind 60s after the load: %v", lags)
		}
		time.Sleep(100 * time.Millisecond)
	}
	res.catchUp = time.Since(caught)
	after, err := countEvents(ctx, store)
	if err != nil {
		return res, err
	}
	if res.eventsLogged = after - before; res.eventsLogged < res.acked {
		return res, fmt.Errorf("%d commands acknowledged, %d events in the log: acknowledged commands lost", res.acked, res.eventsLogged)
	}
	res.note += fmt.Sprintf("; %d events in the log for %d acknowledged commands", res.eventsLogged, res.acked)
	return res, nil
}

// countEvents counts the events in the store at url.
func countEvents(ctx context.Context, url string) (int64, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return 0, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var n int64
	err = conn.QueryRow(ctx, `SELECT count(*) FROM events`).Scan(&n)
	return n, err
}
