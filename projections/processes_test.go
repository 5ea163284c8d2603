package projections_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/parcours/parcours/eventcodec"
	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/projections"
)

const (
	leaseChildEnv = "PARCOURS_PROJECTIONS_LEASE_CHILD" // the data directory
	leaseChildPG  = "PARCOURS_PROJECTIONS_LEASE_PG"    // the read models
)

// witness records, in its read model's own transaction, which process
// applied each event.
type witness string

func (w witness) Name() string { return string(w) }
func (witness) Version() int   { return 1 }
func (witness) Apply(b *projections.Batch, d eventcodec.Decoded) error {
	return b.Append("applied", "all", applied{PID: os.Getpid(), At: d.Stored.Position.String()})
}

type applied struct {
	PID int    `json:"pid"`
	At  string `json:"at"`
}

func leaseProjections() []projections.Projection {
	return append(projections.All(), witness("witness_one"), witness("witness_two"))
}

// leaseChild runs a runner on the PostgreSQL read models until killed or
// until its standard input closes (the test ended).
func leaseChild(dir string) {
	e, _, err := openEnv(dir)
	if err == nil {
		e.db, err = projections.OpenPostgres(context.Background(), os.Getenv(leaseChildPG))
	}
	var r *projections.Runner
	if err == nil {
		log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
		r, err = projections.NewRunnerWithOptions(e.store, e.codec, e.db, log, projections.RunnerOptions{LeaseRetry: 100 * time.Millisecond}, leaseProjections()...)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	go func() {
		if err := r.Run(context.Background()); err != nil {
			fmt.Fprintln(os.Stderr, "runner:", err)
			os.Exit(4)
		}
	}()
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin)
}

// startLeaseChild starts a child process running leaseChild.
func startLeaseChild(t *testing.T, dir, connString string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), leaseChildEnv+"="+dir, leaseChildPG+"="+connString)
	cmd.Stderr = os.Stderr
	stdin, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
	})
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "ready\n" {
		t.Fatalf("child: %q %v", line, err)
	}
	return cmd
}

// leaseHolders counts the advisory locks held by each process's lease
// session, by the process id in its application_name.
func leaseHolders(t *testing.T, conn *pgx.Conn, cmds ...*exec.Cmd) []int {
	t.Helper()
	host, _ := os.Hostname()
	out := make([]int, len(cmds))
	for i, c := range cmds {
		err := conn.QueryRow(context.Background(), `SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
			WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = $1`,
			fmt.Sprintf("parcours projections %s pid %d", host, c.Process.Pid)).Scan(&out[i])
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestTwoProcessesOneOwner: runners in separate processes share the
// PostgreSQL read models while commands flow. The first to start owns
// every projection and the other none; killed (kill -9), its projections
// move to the survivor; when the survivor's lease session breaks, they
// move again. Every event is applied once, by one process at a time, and
// the read models end equal to a rebuild.
func TestTwoProcessesOneOwner(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes")
	}
	dir := t.TempDir()
	e := reopenEnv(t, dir)
	connString := postgresURL(t)
	e.db = openPostgresDB(t, connString)
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, connString)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	e.seed()
	n := len(leaseProjections())

	a := startLeaseChild(t, dir, connString)
	eventually(t, "the first process holds every lease", func() bool { return leaseHolders(t, admin, a)[0] == n })
	waitCheckpoints(t, e, leaseProjections()) // it built them: the seed is applied
	b := startLeaseChild(t, dir, connString)

	stopWriting := make(chan struct{})
	var writing sync.WaitGroup
	writing.Add(1)
	go func() { // commands flow until the end, from this process
		defer writing.Done()
		rnd := rand.New(rand.NewPCG(7, 8))
		for i := 0; i < 5000; i++ {
			select {
			case <-stopWriting:
				return
			case <-time.After(2 * time.Millisecond):
			}
			e.randomCommands(rnd, 1)
		}
	}()
	for end := time.Now().Add(time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if got := leaseHolders(t, admin, a, b); got[0] != n || got[1] != 0 {
			t.Fatalf("leases held by the first and second process: %v, want [%d 0]", got, n)
		}
	}
	a.Process.Signal(syscall.SIGKILL)
	a.Wait()
	eventually(t, "the second process takes every lease over", func() bool { return leaseHolders(t, admin, b)[0] == n })

	c := startLeaseChild(t, dir, connString)
	time.Sleep(500 * time.Millisecond)
	if got := leaseHolders(t, admin, b, c); got[0] != n || got[1] != 0 {
		t.Fatalf("leases held by the second and third process: %v, want [%d 0]", got, n)
	}
	var ended int
	admin.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1`,
		fmt.Sprintf("parcours projections %s pid %d", mustHostname(), b.Process.Pid)).Scan(&ended)
	if ended != 1 {
		t.Fatalf("ended %d lease sessions of the second process, want 1", ended)
	}
	eventually(t, "the leases are held again", func() bool { got := leaseHolders(t, admin, b, c); return got[0]+got[1] == n })
	time.Sleep(300 * time.Millisecond)
	close(stopWriting)
	writing.Wait()

	waitCheckpoints(t, e, leaseProjections())
	checkWitnesses(t, e, a.Process.Pid)
	ps := projections.All()
	live := e.dumpAll(ps)
	if err := projections.Rebuild(ctx, e.store, e.codec, e.db, ps, nil); err != nil {
		t.Fatal(err)
	}
	rebuilt := e.dumpAll(ps)
	for _, p := range ps {
		if !reflect.DeepEqual(live[p.Name()], rebuilt[p.Name()]) {
			t.Errorf("%s: the read model built by three processes differs from a rebuild", p.Name())
		}
	}
}

func mustHostname() string {
	host, _ := os.Hostname()
	return host
}

// waitCheckpoints waits until every projection's checkpoint is at the
// head of the log.
func waitCheckpoints(t *testing.T, e *env, ps []projections.Projection) {
	t.Helper()
	head, err := e.store.Head(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "every projection reaches the head of the log", func() bool {
		for _, p := range ps {
			pos, err := e.db.Load(e.ctx, p.Name())
			if err != nil {
				t.Fatal(err)
			}
			if pos.Less(head) {
				return false
			}
		}
		return true
	})
}

// checkWitnesses checks that each witness applied every domain event once,
// in log order, and that each process applied one run of them: no two
// processes ran a projection at once. The first process, killed, must
// have applied some and another process the rest.
func checkWitnesses(t *testing.T, e *env, first int) {
	t.Helper()
	var want []string
	for from := eventstore.Start; ; {
		events, err := e.store.ReadAll(e.ctx, from, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(events) == 0 {
			break
		}
		for _, ev := range events {
			if strings.HasPrefix(ev.Stream, "structure-") || strings.HasPrefix(ev.Stream, "portfolio-") || strings.HasPrefix(ev.Stream, "person-") {
				want = append(want, ev.Position.String())
			}
		}
		from = events[len(events)-1].Position
	}
	for _, name := range []string{"witness_one", "witness_two"} {
		_, logs, err := e.db.Dump(e.ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		var at []string
		var runs []int
		for _, raw := range logs["applied/all"] {
			var a applied
			if err := json.Unmarshal([]byte(raw), &a); err != nil {
				t.Fatal(err)
			}
			at = append(at, a.At)
			if len(runs) == 0 || runs[len(runs)-1] != a.PID {
				runs = append(runs, a.PID)
			}
		}
		if !reflect.DeepEqual(at, want) {
			t.Fatalf("%s applied %d events, want each of the %d once, in order", name, len(at), len(want))
		}
		seen := map[int]bool{}
		for _, pid := range runs {
			if seen[pid] {
				t.Fatalf("%s: processes took turns applying events (%v): two ran it at once", name, runs)
			}
			seen[pid] = true
		}
		if len(runs) < 2 || runs[0] != first {
			t.Fatalf("%s: applied by %v, want the first process %d and then another", name, runs, first)
		}
		t.Logf("%s: %d events applied by processes %v in turn", name, len(at), runs)
	}
}
