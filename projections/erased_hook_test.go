package projections_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/projections"
)

// TestRunnerReportsErasures: an erasure made by another process (here,
// straight through the store) reaches the runner's OnErased hook, so a
// server drops what it cached of the person.
func TestRunnerReportsErasures(t *testing.T) {
	e := newEnv(t)
	e.seed()
	var mu sync.Mutex
	var got []string
	r, err := projections.NewRunnerWithOptions(e.store, e.codec, e.db, slog.New(slog.DiscardHandler),
		projections.RunnerOptions{OnErased: func(s string) { mu.Lock(); got = append(got, s); mu.Unlock() }}, projections.Audit{})
	if err != nil {
		t.Fatal(err)
	}
	// Built before it runs: erasures replayed by a start-up rebuild are not
	// news to anyone (nothing is cached yet), so only live ones are reported.
	if err := r.Prepare(e.ctx); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(e.ctx)
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	res, _, err := commands.Erase(e.ctx, e.store, e.ring, e.files, "p-luc", domain.Actor{PersonID: "operator", Role: domain.RoleOperator}, e.now)
	if err != nil {
		t.Fatal(err)
	}
	wctx, wcancel := context.WithTimeout(e.ctx, 20*time.Second)
	defer wcancel()
	if err := r.WaitFor(wctx, res.Position); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) == 0 || got[0] != "p-luc" {
		t.Fatalf("OnErased got %v", got)
	}
}
