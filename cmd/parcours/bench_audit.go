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
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parcours/parcours/auditlog"
	"github.com/parcours/parcours/eventstore"
)

// benchAudit measures the signed Merkle log: appends with its follower
// running against appends without it (same store, same run, phases
// alternating), proof generation at growing tree sizes, and building and
// verifying the bundle of a dossier with many evidence files.
func benchAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench audit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per result")
	only := fs.String("case", "", "run only append, proof or bundle (default all)")
	dur := fs.Duration("duration", 2*time.Second, "time measured per append phase")
	blocks := fs.Int("blocks", 6, "ABBA blocks of append phases per writer count (A without the follower, B with it)")
	writers := fs.String("writers", "1,16", "writer counts for the append case")
	leaves := fs.String("leaves", "10000,1000000", "tree sizes for the proof case")
	files := fs.Int("files", 200, "evidence files in the bundle case")
	fileSize := fs.Int("file-size", 100<<10, "bytes per evidence file in the bundle case")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
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
	run := func(name string) bool { return *only == "" || *only == name }
	if run("append") {
		for _, w := range splitInts(*writers) {
			if err := benchAuditAppend(ctx, w, *dur, *blocks, stdout, *asJSON); err != nil {
				return fmt.Errorf("bench audit append: %w", err)
			}
		}
	}
	if run("proof") {
		for _, n := range splitInts(*leaves) {
			if err := benchAuditProofs(ctx, n, stdout, stderr, *asJSON); err != nil {
				return fmt.Errorf("bench audit proof: %w", err)
			}
		}
	}
	if run("bundle") {
		if err := benchAuditBundle(ctx, *files, *fileSize, stdout, *asJSON); err != nil {
			return fmt.Errorf("bench audit bundle: %w", err)
		}
	}
	return nil
}

func splitInts(s string) []int {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	return out
}

// auditBench is a fresh data directory with a durable store and an audit
// log over it.
type auditBench struct {
	dir   string
	sc    *storeConfig
	store eventstore.Store
	log   *auditlog.Log
}

func openAuditBench(ctx context.Context, every int) (*auditBench, error) {
	dir, err := os.MkdirTemp("", "parcours-bench-audit-")
	if err != nil {
		return nil, err
	}
	b := &auditBench{dir: dir, sc: &storeConfig{Data: dir, MaxEventSize: 1 << 20, SQLiteSync: "FULL"}}
	if b.store, err = openStore(ctx, b.sc, true); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	ac := &auditConfig{Every: every, Interval: 10 * time.Second}
	if b.log, err = openAuditLog(ctx, b.sc, ac, b.store, slog.New(slog.DiscardHandler)); err != nil {
		b.close()
		return nil, err
	}
	return b, nil
}

func (b *auditBench) close() {
	if b.log != nil {
		b.log.Close()
	}
	b.store.Close()
	os.RemoveAll(b.dir)
}

const auditDurability = "events: synchronous=FULL; auditlog.db: synchronous=NORMAL (derived, recomputed after a crash)"

// benchAuditAppend alternates phases without (A) and with (B) the
// follower running, in blocks ABBA so that a drift of the machine or of
// the growing store weighs on both alike, and many short phases rather
// than a few long ones so that other load on a shared machine averages
// out; before each B phase the
// follower has caught up, after it the time it takes to drain what is
// left is measured (its lag).
func benchAuditAppend(ctx context.Context, writers int, phase time.Duration, blocks int, stdout io.Writer, asJSON bool) error {
	b, err := openAuditBench(ctx, 1000)
	if err != nil {
		return err
	}
	defer b.close()
	c := appendCase{name: fmt.Sprintf("%d-writers", writers), writers: writers, eventsPerAppend: 1}
	var with, without int64
	var withTime, withoutTime, drain time.Duration
	var lat []time.Duration
	for round := 0; round < 4*blocks; round++ {
		following := round%4 == 1 || round%4 == 2
		var stop func() error
		if following {
			if stop, err = b.follow(ctx); err != nil {
				return err
			}
		}
		n, l, d, err := storePhase(ctx, b.store, c, phase, fmt.Sprintf("a%d", round), clearEvents)
		if err != nil {
			return err
		}
		if !following {
			without, withoutTime = without+n, withoutTime+d
			continue
		}
		with, withTime, lat = with+n, withTime+d, append(lat, l...)
		t0 := time.Now()
		head, _ := b.store.Head(ctx)
		if err := b.log.WaitFor(ctx, head); err != nil {
			return err
		}
		drain = max(drain, time.Since(t0))
		if err := stop(); err != nil {
			return err
		}
	}
	slices.Sort(lat)
	value, base := float64(with)/withTime.Seconds(), float64(without)/withoutTime.Seconds()
	printBench(stdout, asJSON, benchLine{Bench: "audit", Case: "append-" + c.name, Backend: "sqlite", Value: round1(value), Unit: "events/s",
		Baseline: round1(base), Ratio: float64(int(value/base*1000)) / 1000, Writers: writers, EventsPerAppend: 1, Durability: auditDurability,
		Seconds: round1((withTime + withoutTime).Seconds()), Appends: int64(len(lat)), P50ms: ms(quantile(lat, 0.5)), P99ms: ms(quantile(lat, 0.99)),
		MaxMs: ms(quantile(lat, 1)), Machine: machine()})
	printBench(stdout, asJSON, benchLine{Bench: "audit", Case: "follower-drain-" + c.name, Backend: "sqlite", Value: ms(drain), Unit: "ms",
		Writers: writers, Durability: "time for the follower to reach the head once a with-follower phase ends (worst)", Machine: machine()})
	return nil
}

// follow runs the follower once it has caught up; stop ends it.
func (b *auditBench) follow(ctx context.Context) (func() error, error) {
	if err := b.log.CatchUp(ctx, false); err != nil {
		return nil, err
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- b.log.Run(runCtx) }()
	return func() error {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			return err
		}
		return nil
	}, nil
}

// benchAuditProofs fills a log of n leaves (events appended 500 at a time
// over 4 streams), measures the follower catching up from nothing, then
// the time to prove random events' inclusion and the consistency of
// random earlier trees.
func benchAuditProofs(ctx context.Context, n int, stdout, stderr io.Writer, asJSON bool) error {
	b, err := openAuditBench(ctx, 1<<30)
	if err != nil {
		return err
	}
	defer b.close()
	t0 := time.Now()
	if err := fillStore(ctx, b.store, n); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "appended %d events in %s\n", n, time.Since(t0).Round(time.Millisecond))
	t1 := time.Now()
	if err := b.log.CatchUp(ctx, true); err != nil {
		return err
	}
	catchUp := time.Since(t1)
	st, _ := os.Stat(filepath.Join(b.dir, "auditlog.db"))
	printBench(stdout, asJSON, benchLine{Bench: "audit", Case: fmt.Sprintf("catch-up-%d", n), Backend: "sqlite", Value: round1(float64(n) / catchUp.Seconds()),
		Unit: "events/s", Seconds: round1(catchUp.Seconds()), Machine: machine(),
		Durability: fmt.Sprintf("%s; auditlog.db %.1f MB", auditDurability, float64(st.Size())/(1<<20))})
	r := rand.New(rand.NewPCG(uint64(n), 7))
	var incl, cons []time.Duration
	for i := 0; i < 2000; i++ {
		pos := eventstore.Position{Lo: uint64(1 + r.IntN(n))}
		t := time.Now()
		if _, err := b.log.InclusionAt(ctx, pos, 0); err != nil {
			return err
		}
		incl = append(incl, time.Since(t))
		old := int64(1 + r.IntN(n))
		t = time.Now()
		if _, err := b.log.Consistency(ctx, old, int64(n)); err != nil {
			return err
		}
		cons = append(cons, time.Since(t))
	}
	for _, m := range []struct {
		name string
		lat  []time.Duration
	}{{"inclusion-proof", incl}, {"consistency-proof", cons}} {
		slices.Sort(m.lat)
		printBench(stdout, asJSON, benchLine{Bench: "audit", Case: fmt.Sprintf("%s-%d", m.name, n), Backend: "sqlite", Value: ms(quantile(m.lat, 0.5)),
			Unit: "ms p50", Appends: int64(len(m.lat)), P50ms: ms(quantile(m.lat, 0.5)), P99ms: ms(quantile(m.lat, 0.99)), MaxMs: ms(quantile(m.lat, 1)),
			Machine: machine(), Durability: fmt.Sprintf("tree of %d leaves, random leaves, hashes read from auditlog.db", n)})
	}
	return nil
}

// fillStore appends n small events, 500 per append, four writers.
func fillStore(ctx context.Context, s eventstore.Store, n int) error {
	errs := make(chan error, 4)
	for w := 0; w < 4; w++ {
		go func() {
			stream, exp := fmt.Sprintf("fill-%d", w), eventstore.NoStream
			for done := w * 500; done < n; done += 4 * 500 {
				batch := benchEvents(min(500, n-done))
				res, err := s.Append(ctx, stream, exp, batch...)
				if err != nil {
					errs <- err
					return
				}
				exp = eventstore.Exactly(res.LastRevision)
			}
			errs <- nil
		}()
	}
	var first error
	for w := 0; w < 4; w++ {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}
