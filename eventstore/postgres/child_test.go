package postgres

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parcours/parcours/eventstore"
)

// The multi-process tests run writers in child processes: the test binary
// started again with childEnv set to a childConfig in JSON. A child prints
// one line before each append ("T stream expectation ids") and one after
// each acknowledged one ("A stream first last position ids"); each line is
// one write, so a kill never leaves half a line.
const childEnv = "PARCOURS_PG_TEST_CHILD"

type childConfig struct {
	Conn    string
	Name    string  // prefix of the child's own streams
	Writers int     // goroutines
	Seconds float64 // how long to append; 0: until killed
	Shared  int     // streams shared with the other children
}

func TestMain(m *testing.M) {
	if cfg := os.Getenv(childEnv); cfg != "" {
		os.Exit(runChild(cfg))
	}
	os.Exit(m.Run())
}

// loadEvent is the event with id; its content follows from the id, so the
// parent can rebuild it byte for byte.
func loadEvent(id eventstore.EventID) eventstore.Proposed {
	return eventstore.Proposed{ID: id, Type: "Load", SchemaVersion: 2,
		Data:     []byte(fmt.Sprintf(`{"id":"%s", "pad":"%s","é":"✓ \u00e9"}`, id, strings.Repeat("x", int(id[0])%97))),
		Metadata: []byte(`{"actor":"load-child","n":1.50}`)}
}

func runChild(raw string) int {
	var cfg childConfig
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		fmt.Fprintln(os.Stderr, "child config:", err)
		return 2
	}
	ctx := context.Background()
	s, err := Open(ctx, cfg.Conn, Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "open:", err)
		return 3
	}
	defer s.Close()
	var mu sync.Mutex
	say := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(os.Stdout, format+"\n", args...)
	}
	var deadline time.Time
	if cfg.Seconds > 0 {
		deadline = time.Now().Add(time.Duration(cfg.Seconds * float64(time.Second)))
	}
	failed := make(chan error, cfg.Writers)
	var wg sync.WaitGroup
	for w := 0; w < cfg.Writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := childWriter(ctx, s, cfg, w, deadline, say); err != nil {
				failed <- err
			}
		}()
	}
	wg.Wait()
	close(failed)
	if err := <-failed; err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 4
	}
	return 0
}

// childWriter appends batches of 1 to 3 events, alternately to its own
// stream (expecting its exact revision) and to a shared one (expecting
// any), until deadline (forever if zero).
func childWriter(ctx context.Context, s *Store, cfg childConfig, w int, deadline time.Time, say func(string, ...any)) error {
	own := fmt.Sprintf("%s-w%d", cfg.Name, w)
	exp := eventstore.NoStream
	for i := 0; deadline.IsZero() || time.Now().Before(deadline); i++ {
		stream, e := own, exp
		if cfg.Shared > 0 && i%2 == 1 {
			stream, e = fmt.Sprintf("shared-%d", i%cfg.Shared), eventstore.Any
		}
		batch, ids := make([]eventstore.Proposed, 1+i%3), make([]string, 1+i%3)
		for j := range batch {
			batch[j] = loadEvent(eventstore.NewEventID())
			ids[j] = batch[j].ID.String()
		}
		say("T %s %s %s", stream, expString(e), strings.Join(ids, ","))
		res, err := s.Append(ctx, stream, e, batch...)
		if err != nil {
			return fmt.Errorf("append to %s: %w", stream, err)
		}
		say("A %s %d %d %s %s", stream, res.FirstRevision, res.LastRevision, res.Position, strings.Join(ids, ","))
		if stream == own {
			exp = eventstore.Exactly(res.LastRevision)
		}
	}
	return nil
}

func expString(e eventstore.ExpectedRevision) string {
	if rev, ok := e.Revision(); ok {
		return strconv.FormatUint(rev, 10)
	}
	if e.IsNoStream() {
		return "none"
	}
	return "any"
}

func parseExp(s string) eventstore.ExpectedRevision {
	switch s {
	case "none":
		return eventstore.NoStream
	case "any":
		return eventstore.Any
	}
	n, _ := strconv.ParseUint(s, 10, 64)
	return eventstore.Exactly(n)
}

// attempt is one append a child tried; acked tells whether it learnt that
// it landed, and where.
type attempt struct {
	stream string
	exp    eventstore.ExpectedRevision
	ids    []eventstore.EventID
	acked  bool
	res    eventstore.AppendResult
}

// childLog gathers what children print.
type childLog struct {
	mu       sync.Mutex
	attempts map[eventstore.EventID]*attempt // by first id
	order    []*attempt
}

func newChildLog() *childLog { return &childLog{attempts: map[eventstore.EventID]*attempt{}} }

func (l *childLog) read(t *testing.T, r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 {
			continue
		}
		var ids []eventstore.EventID
		for _, s := range strings.Split(f[len(f)-1], ",") {
			id, err := eventstore.ParseEventID(s)
			if err != nil {
				t.Errorf("child printed %q: %v", sc.Text(), err)
				return
			}
			ids = append(ids, id)
		}
		l.mu.Lock()
		switch {
		case f[0] == "T":
			a := &attempt{stream: f[1], exp: parseExp(f[2]), ids: ids}
			l.attempts[ids[0]], l.order = a, append(l.order, a)
		case f[0] == "A" && len(f) == 6:
			a := l.attempts[ids[0]]
			first, _ := strconv.ParseUint(f[2], 10, 64)
			last, _ := strconv.ParseUint(f[3], 10, 64)
			pos, err := eventstore.ParsePosition(f[4])
			if a == nil || err != nil {
				t.Errorf("child acknowledged an append it did not announce: %q", sc.Text())
			} else {
				a.acked, a.res = true, eventstore.AppendResult{FirstRevision: first, LastRevision: last, Position: pos}
			}
		}
		l.mu.Unlock()
	}
}

func (l *childLog) acked() (n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, a := range l.order {
		if a.acked {
			n++
		}
	}
	return n
}

// startChild starts a writer process whose output goes to log; wait
// returns once its output is read and it has exited.
func startChild(t *testing.T, cfg childConfig, log *childLog) (cmd *exec.Cmd, wait func() error) {
	t.Helper()
	raw, _ := json.Marshal(cfg)
	cmd = exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+string(raw))
	cmd.Stderr = &prefixWriter{t: t, prefix: cfg.Name + ": "}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	read := make(chan struct{})
	go func() {
		defer close(read)
		log.read(t, out)
	}()
	return cmd, func() error {
		<-read
		return cmd.Wait()
	}
}

// prefixWriter relays a child's standard error to the test log.
type prefixWriter struct {
	t      *testing.T
	prefix string
}

func (w *prefixWriter) Write(p []byte) (int, error) {
	w.t.Log(w.prefix + strings.TrimSpace(string(p)))
	return len(p), nil
}

// checkAcked checks that every acknowledged append of log is stored where
// it was acknowledged, byte for byte.
func checkAcked(t *testing.T, s eventstore.Store, log *childLog) {
	t.Helper()
	ctx := context.Background()
	for _, a := range log.order {
		if !a.acked {
			continue
		}
		got, err := s.ReadStream(ctx, a.stream, eventstore.ReadOptions{From: a.res.FirstRevision, Limit: len(a.ids)})
		if err != nil {
			t.Fatalf("acknowledged append to %s: %v", a.stream, err)
		}
		if len(got) != len(a.ids) || got[len(got)-1].Position != a.res.Position {
			t.Fatalf("acknowledged append to %s at %d..%d (%s): found %d events", a.stream, a.res.FirstRevision, a.res.LastRevision, a.res.Position, len(got))
		}
		for i, e := range got {
			if !eventstore.SameEvent(e, loadEvent(a.ids[i])) {
				t.Fatalf("acknowledged event %s of %s is not stored as written", a.ids[i], a.stream)
			}
		}
	}
}

// checkLog checks that the global log holds every event exactly once and
// that every stream's chain verifies; it returns the log.
func checkLog(t *testing.T, s eventstore.Store) []eventstore.Event {
	t.Helper()
	ctx := context.Background()
	var all []eventstore.Event
	for from := eventstore.Start; ; {
		page, err := s.ReadAll(ctx, from, 1000)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page...)
		if len(page) < 1000 {
			break
		}
		from = page[len(page)-1].Position
	}
	seen := map[eventstore.EventID]bool{}
	streams := map[string]bool{}
	for i, e := range all {
		if seen[e.ID] {
			t.Fatalf("event %s twice in the log", e.ID)
		}
		if i > 0 && !all[i-1].Position.Less(e.Position) {
			t.Fatalf("log positions not increasing: %s then %s", all[i-1].Position, e.Position)
		}
		seen[e.ID], streams[e.Stream] = true, true
	}
	for stream := range streams {
		if _, err := eventstore.VerifyStream(ctx, s, stream); err != nil && !errors.Is(err, eventstore.ErrStreamNotFound) {
			t.Fatalf("verify %s: %v", stream, err)
		}
	}
	return all
}
