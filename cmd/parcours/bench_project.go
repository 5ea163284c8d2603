package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore"
)

// benchProject measures how fast the read models apply events live while
// commands keep arriving: with the projections stopped, commands at a
// steady rate build a backlog; then the projections start while the
// commands go on, and the time each read model takes to apply the
// backlog gives its apply rate, compared with the write rate of the same
// run. A ratio below 1 means read models that fall further behind under
// that load, whatever the lag they start from.
func benchProject(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench project", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per result")
	backend := fs.String("backend", "sqlite", "sqlite or postgres (address from PARCOURS_STORE)")
	rate := fs.Int("rate", 500, "commands per second, all along")
	backlog := fs.Duration("backlog", 6*time.Second, "how long commands arrive with the projections stopped")
	window := fs.Duration("window", 30*time.Second, "longest wait for the read models to apply the backlog")
	steady := fs.Duration("steady", 5*time.Second, "how long the lag is sampled once caught up, commands going on")
	if err := fs.Parse(args); err != nil {
		return err
	}
	sys, closeSys, err := openBenchSystem(ctx, "project", *backend)
	if err != nil {
		return err
	}
	defer closeSys()
	stopRunner := runInBackground(ctx, sys)
	if _, _, err := benchSeed(ctx, sys, ""); err != nil {
		stopRunner()
		return err
	}
	stopRunner()
	seeded, err := sys.store.Head(ctx)
	if err != nil {
		return err
	}

	load := &commandLoad{sys: sys, rate: *rate}
	loadCtx, stopLoad := context.WithCancel(ctx)
	defer stopLoad()
	loadDone := make(chan struct{})
	go func() { defer close(loadDone); load.run(loadCtx) }()
	time.Sleep(*backlog)
	mark, err := sys.store.Head(ctx)
	if err != nil {
		return err
	}
	backlogEvents := load.events.Load()
	writtenAtStart, start := backlogEvents, time.Now()
	stopRunner = runInBackground(ctx, sys)
	defer stopRunner()

	// Each read model's time to reach the mark, the end of the backlog.
	took := map[string]time.Duration{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	wctx, cancel := context.WithTimeout(ctx, *window)
	defer cancel()
	for _, name := range projectionNames(sys) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := sys.runner.WaitFor(wctx, mark, name); err != nil {
				return
			}
			mu.Lock()
			took[name] = time.Since(start)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	written := load.events.Load() - writtenAtStart
	partial, err := appliedSince(ctx, sys, seeded, mark) // of the read models that did not finish
	if err != nil {
		return err
	}
	steadyWritten, steadyTook, lags, err := steadyLag(ctx, sys, load, *steady)
	if err != nil {
		return err
	}
	stopLoad()
	<-loadDone
	if load.failed.Load() > 0 {
		fmt.Fprintf(stderr, "bench project: %d commands failed (first: %v)\n", load.failed.Load(), load.firstErr.Load())
	}
	writeRate := float64(written) / elapsed.Seconds()
	slowest, slowestName := math.Inf(1), ""
	for _, name := range projectionNames(sys) {
		d, ok := took[name]
		r := float64(backlogEvents) / d.Seconds()
		if !ok {
			d = elapsed
			r = float64(partial[name]) / d.Seconds()
		}
		printBench(stdout, *asJSON, benchLine{Bench: "project", Case: name, Backend: *backend, Value: round1(r), Unit: "events/s",
			Baseline: round1(writeRate), Ratio: float64(int(r/writeRate*1000)) / 1000, Seconds: round1(d.Seconds()), Appends: backlogEvents,
			Machine: machine(), Durability: fmt.Sprintf("backlog of %d events applied live while commands arrive at %d/s (baseline: events written per second meanwhile)", backlogEvents, *rate)})
		if r < slowest {
			slowest, slowestName = r, name
		}
	}
	slices.Sort(lags)
	steadyRate := float64(steadyWritten) / steadyTook.Seconds()
	printBench(stdout, *asJSON, benchLine{Bench: "project", Case: fmt.Sprintf("steady-%d-per-s", *rate), Backend: *backend,
		Value: ms(quantile(lags, 0.99)), Unit: "ms lag p99", P50ms: ms(quantile(lags, 0.5)), P99ms: ms(quantile(lags, 0.99)), MaxMs: ms(quantile(lags, 1)),
		Baseline: round1(steadyRate), Seconds: round1(steadyTook.Seconds()), Appends: steadyWritten, Machine: machine(),
		Durability: fmt.Sprintf("once caught up: the worst read model's lag, sampled every 250 ms while commands go on (baseline: events written per second, %d offered)", *rate)})
	printBench(stdout, *asJSON, benchLine{Bench: "project", Case: fmt.Sprintf("all-at-%d-per-s", *rate), Backend: *backend, Value: round1(slowest), Unit: "events/s",
		Baseline: round1(writeRate), Ratio: float64(int(slowest/writeRate*1000)) / 1000, Seconds: round1(elapsed.Seconds()), Appends: backlogEvents,
		Machine: machine(), Durability: fmt.Sprintf("the slowest read model (%s); durable commits; one that did not apply the backlog within %v: the part it applied, over that time", slowestName, *window)})
	return nil
}

// steadyLag samples, every 250 ms for d, the lag of the read model
// furthest behind while the load goes on; it returns the events written
// meanwhile, the time it took and the lags.
func steadyLag(ctx context.Context, sys *system, load *commandLoad, d time.Duration) (int64, time.Duration, []time.Duration, error) {
	start, written := time.Now(), load.events.Load()
	var lags []time.Duration
	for time.Since(start) < d {
		time.Sleep(250 * time.Millisecond)
		status, err := sys.runner.Status(ctx)
		if err != nil {
			return 0, 0, nil, err
		}
		worst := 0.0
		for _, s := range status {
			worst = max(worst, s.LagSeconds)
		}
		lags = append(lags, time.Duration(worst*float64(time.Second)))
	}
	return load.events.Load() - written, time.Since(start), lags, nil
}

// appliedSince counts, for each read model, the events of the backlog
// (after from, up to mark) it has applied.
func appliedSince(ctx context.Context, sys *system, from, mark eventstore.Position) (map[string]int, error) {
	status, err := sys.runner.Status(ctx)
	if err != nil {
		return nil, err
	}
	var backlog []eventstore.Event
	for pos := from; pos.Less(mark); {
		page, err := sys.store.ReadAll(ctx, pos, 1000)
		if err != nil {
			return nil, err
		}
		if len(page) == 0 {
			break
		}
		for _, e := range page {
			if !mark.Less(e.Position) {
				backlog = append(backlog, e)
			}
		}
		pos = page[len(page)-1].Position
	}
	out := map[string]int{}
	for _, s := range status {
		for _, e := range backlog {
			if !s.Position.Less(e.Position) {
				out[s.Name]++
			}
		}
	}
	return out, nil
}

// runInBackground runs the system's projections until the returned
// function is called, which waits for them to stop.
func runInBackground(ctx context.Context, sys *system) func() {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); sys.runner.Run(ctx) }()
	return func() { cancel(); <-done }
}

func projectionNames(sys *system) []string {
	status, err := sys.runner.Status(context.Background())
	if err != nil {
		return nil
	}
	names := make([]string, len(status))
	for i, s := range status {
		names[i] = s.Name
	}
	return names
}

// commandLoad runs the command mix of benchSeed's structure at a fixed
// rate, through the command handler: logbook entries by the counsellor,
// experiences and logbook entries by the beneficiaries.
type commandLoad struct {
	sys      *system
	rate     int
	events   atomic.Int64
	failed   atomic.Int64
	firstErr atomic.Value
}

func (l *commandLoad) run(ctx context.Context) {
	tick := time.NewTicker(time.Second / time.Duration(l.rate))
	defer tick.Stop()
	var wg sync.WaitGroup
	defer wg.Wait()
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := l.one(ctx, i)
			if err != nil {
				if ctx.Err() == nil {
					l.failed.Add(1)
					l.firstErr.CompareAndSwap(nil, err.Error())
				}
				return
			}
			l.events.Add(int64(res.Events))
		}()
	}
}

func (l *commandLoad) one(ctx context.Context, i int) (commands.Result, error) {
	pid := fmt.Sprintf("p-%02d", i%benchPortfolios)
	owner := commands.Call{Actor: domain.Actor{PersonID: pid, Tenant: "s-bench", Role: domain.RoleBeneficiary}}
	switch i % 3 {
	case 0:
		c := commands.Call{Actor: domain.Actor{PersonID: "c-1", Tenant: "s-bench", Role: domain.RoleCounsellor}}
		return l.sys.h.WriteJournalEntry(ctx, c, commands.WriteJournalEntry{PortfolioID: pid, Text: fmt.Sprintf("Entretien de suivi n° %d", i)})
	case 1:
		return l.sys.h.AddExperience(ctx, owner, commands.AddExperience{PortfolioID: pid, ExperienceInput: benchExperience(i)})
	}
	return l.sys.h.WriteJournalEntry(ctx, owner, commands.WriteJournalEntry{PortfolioID: pid, Text: fmt.Sprintf("J'ai relancé l'entreprise (%d)", i)})
}
