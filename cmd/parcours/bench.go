package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parcours/parcours/eventstore"
)

// benchTarget is a store to measure and the raw baseline to measure it
// against, on the same machine, with the same durability settings.
type benchTarget struct {
	backend string
	durable string // the durability setting in force, e.g. "synchronous=FULL"
	store   eventstore.Store
	raw     rawInserter
	close   func() error
}

// rawInserter writes rows the plainest way the backend allows (one
// transaction per call, no checks, no hashing), as the limit to compare to.
type rawInserter interface {
	InsertTx(ctx context.Context, rows []rawRow) error
}

// rawRow is one event row as the raw baseline writes it.
type rawRow struct {
	Stream         string
	Revision       uint64
	ID             eventstore.EventID
	Type           string
	SchemaVersion  uint32
	Data, Metadata []byte
	PrevHash, Hash eventstore.Hash
}

// benchLine is one JSON result line; every `parcours bench` sub-command
// prints this shape.
type benchLine struct {
	Bench    string  `json:"bench"`
	Case     string  `json:"case"`
	Backend  string  `json:"backend"`
	Value    float64 `json:"value"`
	Unit     string  `json:"unit"`
	Baseline float64 `json:"baseline"`
	Ratio    float64 `json:"ratio"`

	Writers         int     `json:"writers"`
	EventsPerAppend int     `json:"events_per_append"`
	RawRowsPerTx    int     `json:"raw_rows_per_tx"`
	Durability      string  `json:"durability"`
	Seconds         float64 `json:"seconds"`
	Appends         int64   `json:"appends"`
	P50ms           float64 `json:"p50_ms"`
	P99ms           float64 `json:"p99_ms"`
	MaxMs           float64 `json:"max_ms"`
	PeakRSSMB       float64 `json:"peak_rss_mb,omitempty"`
	// CPU seconds (user and system) the process spent on the measured
	// work and on the baseline: on a busy machine, where wall-clock rates
	// swing with what else runs, they still tell the cost.
	CPUSeconds         float64 `json:"cpu_seconds,omitempty"`
	BaselineCPUSeconds float64 `json:"baseline_cpu_seconds,omitempty"`
	Machine            string  `json:"machine"`
}

const benchCommands = "append, command, rebuild, http, project, scaleout, audit, export, conversation, badge, notify, import, frameworks"

func bench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError("bench: want a sub-command: %s", benchCommands)
	}
	switch args[0] {
	case "append":
		return benchAppend(ctx, args[1:], stdout, stderr)
	case "command":
		return benchCommand(ctx, args[1:], stdout, stderr)
	case "rebuild":
		return benchRebuild(ctx, args[1:], stdout, stderr)
	case "http":
		return benchHTTP(ctx, args[1:], stdout, stderr)
	case "project":
		return benchProject(ctx, args[1:], stdout, stderr)
	case "scaleout":
		return benchScaleout(ctx, args[1:], stdout, stderr)
	case "audit": // the signed Merkle log (bench_audit.go)
		return benchAudit(ctx, args[1:], stdout, stderr)
	case "export": // JSON Resume and PDF exports (bench_export.go)
		return benchExport(ctx, args[1:], stdout, stderr)
	case "conversation": // messages, pages, unread counts (bench_conversation.go)
		return benchConversation(ctx, args[1:], stdout, stderr)
	case "badge": // issuing and verifying Open Badges (bench_badge.go)
		return benchBadge(ctx, args[1:], stdout, stderr)
	case "notify": // the notification centre, e-mail digests (bench_notify.go)
		return benchNotify(ctx, args[1:], stdout, stderr)
	case "import": // LEAP2A imports through the API (bench_import.go)
		return benchImport(ctx, args[1:], stdout, stderr)
	case "frameworks": // imports, the read model, search as one types (bench_frameworks.go)
		return benchFrameworks(ctx, args[1:], stdout, stderr)
	}
	return usageError("bench: unknown sub-command %q (want %s)", args[0], benchCommands)
}

// benchStoreConfig is the configuration of a benchmark's system: the
// flags' defaults, in dir, on store ("" for SQLite there).
func benchStoreConfig(dir, store string) *storeConfig {
	return &storeConfig{Data: dir, Store: store, MaxEventSize: 1 << 20, SQLiteSync: "FULL", PGMaxConns: 16,
		PGStatementTimeout: 30 * time.Second, PGIdleInTxTimeout: 15 * time.Second, PGWriters: 2}
}

// openBenchSystem opens a system for benchmark name in a directory of its
// own, on SQLite, or with backend "postgres" on PARCOURS_STORE (a scratch
// database); its close function closes it and removes the directory.
func openBenchSystem(ctx context.Context, name, backend string) (*system, func(), error) {
	dir, err := os.MkdirTemp("", "parcours-bench-"+name+"-")
	if err != nil {
		return nil, nil, err
	}
	sc := benchStoreConfig(dir, "")
	if backend == "postgres" {
		if sc.Store = os.Getenv("PARCOURS_STORE"); sc.Store == "" {
			os.RemoveAll(dir)
			return nil, nil, usageError("bench %s --backend postgres: set PARCOURS_STORE to a postgres:// URL of a scratch database", name)
		}
	}
	sys, err := openSystem(ctx, sc, true, slog.New(slog.DiscardHandler))
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	return sys, func() { sys.close(); os.RemoveAll(dir) }, nil
}

type appendCase struct {
	name            string
	writers         int
	eventsPerAppend int
	rawRowsPerTx    int
	// sealed compares appends with sealed personal data against the same
	// appends in clear, instead of against raw inserts.
	sealed bool
}

// eventGen makes the events of one append to stream at revision next.
type eventGen func(ctx context.Context, stream string, next uint64, n int) ([]eventstore.Proposed, error)

func clearEvents(_ context.Context, _ string, _ uint64, n int) ([]eventstore.Proposed, error) {
	return benchEvents(n), nil
}

func benchAppend(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench append", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per result")
	backend := fs.String("backend", "sqlite", "sqlite, postgres or kurrentdb (address from PARCOURS_STORE)")
	only := fs.String("case", "", "run only this case: 1-writer, 64-writers or sealed (default all)")
	writers := fs.Int("writers", 0, "run one custom case with this many writers instead")
	perAppend := fs.Int("events-per-append", 1, "events per append in a custom case")
	dur := fs.Duration("duration", 6*time.Second, "time measured per phase; each case runs store and raw phases twice, alternating")
	sc := addStoreFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	cases := []appendCase{
		{name: "1-writer", writers: 1, eventsPerAppend: 1, rawRowsPerTx: 1},
		{name: "64-writers", writers: 64, eventsPerAppend: 1, rawRowsPerTx: 100},
		{name: "sealed", writers: 16, eventsPerAppend: 1, sealed: true},
	}
	if *writers > 0 {
		cases = []appendCase{{name: fmt.Sprintf("%d-writers", *writers), writers: *writers, eventsPerAppend: *perAppend, rawRowsPerTx: max(*perAppend, 100)}}
	} else if *only != "" {
		cases = slices.DeleteFunc(cases, func(c appendCase) bool { return c.name != *only })
		if len(cases) == 0 {
			return usageError("bench append: unknown case %q", *only)
		}
	}
	for _, c := range cases {
		t, err := openBenchTarget(ctx, *backend, sc)
		if err != nil {
			return err
		}
		var line benchLine
		if c.sealed {
			line, err = runSealedCase(ctx, t, c, *dur)
		} else {
			line, err = runAppendCase(ctx, t, c, *dur)
		}
		if cerr := t.close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("bench append %s: %w", c.name, err)
		}
		printBench(stdout, *asJSON, line)
	}
	return nil
}

func openBenchTarget(ctx context.Context, backend string, sc *storeConfig) (*benchTarget, error) {
	switch backend {
	case "sqlite":
		return sqliteBenchTarget(ctx, sc)
	case "postgres":
		return postgresBenchTarget(ctx, sc)
	case "kurrentdb":
		return kurrentDBBenchTarget(ctx, sc)
	}
	return nil, usageError("bench: unknown backend %q", backend)
}

// runAppendCase measures the store then the raw baseline, twice, and
// reports the store's events/s against the raw rows/s.
func runAppendCase(ctx context.Context, t *benchTarget, c appendCase, phase time.Duration) (benchLine, error) {
	var storeEvents, rawRows int64
	var storeTime, rawTime time.Duration
	var lat []time.Duration
	for round := 0; round < 2; round++ {
		n, l, d, err := storePhase(ctx, t.store, c, phase, fmt.Sprint(round), clearEvents)
		if err != nil {
			return benchLine{}, err
		}
		storeEvents, storeTime, lat = storeEvents+n, storeTime+d, append(lat, l...)
		if t.raw == nil {
			continue
		}
		n, d, err = rawPhase(ctx, t.raw, c, phase, round)
		if err != nil {
			return benchLine{}, err
		}
		rawRows, rawTime = rawRows+n, rawTime+d
	}
	slices.Sort(lat)
	value := float64(storeEvents) / storeTime.Seconds()
	line := benchLine{
		Bench: "append", Case: c.name, Backend: t.backend, Value: round1(value), Unit: "events/s",
		Writers: c.writers, EventsPerAppend: c.eventsPerAppend, RawRowsPerTx: c.rawRowsPerTx,
		Durability: t.durable, Seconds: round1(storeTime.Seconds() + rawTime.Seconds()), Appends: int64(len(lat)),
		P50ms: ms(quantile(lat, 0.50)), P99ms: ms(quantile(lat, 0.99)), MaxMs: ms(quantile(lat, 1)), Machine: machine(),
	}
	if rawRows > 0 {
		line.Baseline = round1(float64(rawRows) / rawTime.Seconds())
		line.Ratio = float64(int(value/line.Baseline*1000)) / 1000
	}
	return line, nil
}

func storePhase(ctx context.Context, s eventstore.Store, c appendCase, phase time.Duration, round string, gen eventGen) (int64, []time.Duration, time.Duration, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var events atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(phase)
	for w := 0; w < c.writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stream := fmt.Sprintf("bench-%s-%d", round, w)
			exp, next := eventstore.NoStream, uint64(0)
			var mine []time.Duration
			for time.Now().Before(deadline) {
				t0 := time.Now()
				batch, err := gen(ctx, stream, next, c.eventsPerAppend)
				var res eventstore.AppendResult
				if err == nil {
					res, err = s.Append(ctx, stream, exp, batch...)
				}
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					cancel()
					return
				}
				mine = append(mine, time.Since(t0))
				events.Add(int64(len(batch)))
				exp, next = eventstore.Exactly(res.LastRevision), res.LastRevision+1
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return events.Load(), lat, time.Since(start), firstErr
}

func rawPhase(ctx context.Context, raw rawInserter, c appendCase, phase time.Duration, round int) (int64, time.Duration, error) {
	var rows atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, c.writers)
	start := time.Now()
	deadline := start.Add(phase)
	for w := 0; w < c.writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stream := fmt.Sprintf("raw-%d-%d", round, w)
			var rev uint64
			for time.Now().Before(deadline) {
				batch := make([]rawRow, c.rawRowsPerTx)
				for i, e := range benchEvents(c.rawRowsPerTx) {
					batch[i] = rawRow{Stream: stream, Revision: rev, ID: e.ID, Type: e.Type, SchemaVersion: e.SchemaVersion, Data: e.Data, Metadata: e.Metadata}
					rev++
				}
				if err := raw.InsertTx(ctx, batch); err != nil {
					errs <- err
					return
				}
				rows.Add(int64(len(batch)))
			}
		}()
	}
	wg.Wait()
	close(errs)
	return rows.Load(), time.Since(start), <-errs
}

// benchEvents returns n realistic small events (about 300 bytes each).
func benchEvents(n int) []eventstore.Proposed {
	out := make([]eventstore.Proposed, n)
	for i := range out {
		id := eventstore.NewEventID()
		out[i] = eventstore.Proposed{
			ID: id, Type: "ExperienceAdded", SchemaVersion: 1,
			Data:     []byte(`{"experience_id":"` + id.String() + `","kind":"professional","context":"formal","from":"2021-09-01","to":"2023-06-30","occupation":"ROME:K1201"}`),
			Metadata: []byte(`{"actor":"person-7f3a","role":"beneficiary","tenant":"structure-12","correlation_id":"` + id.String() + `"}`),
		}
	}
	return out
}

func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q * float64(len(sorted)-1))
	return sorted[i]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func round1(f float64) float64 { return float64(int64(f*10)) / 10 }
func round2(f float64) float64 { return float64(int64(f*100)) / 100 }

func machine() string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	return fmt.Sprintf("%d cores, %s, %s", runtime.NumCPU(), cpu, runtime.Version())
}

func printBench(w io.Writer, asJSON bool, l benchLine) {
	if asJSON {
		b, _ := json.Marshal(l)
		fmt.Fprintln(w, string(b))
		return
	}
	fmt.Fprintf(w, "%s %-12s %-9s %10.1f %s  baseline %10.1f  ratio %.3f  p50 %.2fms p99 %.2fms max %.2fms  (%s)\n",
		l.Bench, l.Case, l.Backend, l.Value, l.Unit, l.Baseline, l.Ratio, l.P50ms, l.P99ms, l.MaxMs, l.Durability)
}
