package projections_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/parcours/parcours/projections"
)

// runLeased runs a runner on db with a short lease retry until the test
// ends or stop is called.
func (e *env) runLeased(db *projections.DB, ps ...projections.Projection) (r *projections.Runner, stop func()) {
	e.t.Helper()
	r, err := projections.NewRunnerWithOptions(e.store, e.codec, db, slog.New(slog.DiscardHandler),
		projections.RunnerOptions{LeaseRetry: 100 * time.Millisecond}, ps...)
	if err != nil {
		e.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(e.ctx)
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			e.t.Errorf("runner: %v", err)
		}
	}
	e.t.Cleanup(stop)
	return r, stop
}

// owned returns the projections r runs.
func owned(t *testing.T, r *projections.Runner) map[string]bool {
	t.Helper()
	all, err := r.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, s := range all {
		if s.Owned {
			out[s.Name] = true
		}
	}
	return out
}

// eventually fails the test unless cond holds within 30 seconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
	}
}

// terminateLeaseSessions ends the PostgreSQL sessions that hold the
// projection leases of the process pid, as a network failure would.
func terminateLeaseSessions(t *testing.T, connString string, pid int) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, connString)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	host, _ := os.Hostname()
	var n int
	err = conn.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1`,
		fmt.Sprintf("parcours projections %s pid %d", host, pid)).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLeaseOneRunnerPerProjection: two runners on the same PostgreSQL
// read models share the projections, each run by one of them; when one
// stops, the other takes its projections over; when the session holding
// the leases breaks, the runner stops its handlers and takes the leases
// again. The read models end equal to a rebuild.
func TestLeaseOneRunnerPerProjection(t *testing.T) {
	e, connString := newPostgresEnv(t)
	ps := projections.All()
	r1, stop1 := e.runLeased(e.db, ps...)
	r2, _ := e.runLeased(openPostgresDB(t, connString), ps...)
	e.seed()
	rnd := rand.New(rand.NewPCG(5, 6))
	e.randomCommands(rnd, 50)
	eventually(t, "every projection has one runner", func() bool {
		o1, o2 := owned(t, r1), owned(t, r2)
		for _, p := range ps {
			if o1[p.Name()] == o2[p.Name()] {
				return false
			}
		}
		return true
	})
	e.waitHead(r1)
	stop1()
	eventually(t, "the second runner runs every projection", func() bool { return len(owned(t, r2)) == len(ps) })
	e.randomCommands(rnd, 50)
	e.waitHead(r2)
	if n := terminateLeaseSessions(t, connString, os.Getpid()); n != 1 {
		t.Fatalf("terminated %d lease sessions, want 1", n)
	}
	e.randomCommands(rnd, 50)
	e.waitHead(r2)
	if len(owned(t, r2)) != len(ps) {
		t.Fatalf("after its session broke, the runner runs %v", owned(t, r2))
	}
	live := e.dumpAll(ps)
	if err := projections.Rebuild(e.ctx, e.store, e.codec, e.db, ps, nil); err != nil {
		t.Fatal(err)
	}
	rebuilt := e.dumpAll(ps)
	for _, p := range ps {
		if !reflect.DeepEqual(live[p.Name()], rebuilt[p.Name()]) {
			t.Errorf("%s: live and rebuilt read models differ", p.Name())
		}
	}
}
