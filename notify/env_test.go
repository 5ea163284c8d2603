package notify_test

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventcodec"
	"github.com/parcours/parcours/eventstore/sqlite"
	"github.com/parcours/parcours/personaldata"
	"github.com/parcours/parcours/projections"
)

// env is a real SQLite event store and read-model file, a key ring, the
// command handler and the notifications projection running live, with
// structure s-ml: Zoé followed by Karim, both with an address.
type env struct {
	t      *testing.T
	ctx    context.Context
	store  *sqlite.Store
	ring   *personaldata.Keyring
	files  *personaldata.Files
	h      *commands.Handler
	q      *projections.Queries
	runner *projections.Runner
	clock  *clock
}

// clock is the handler's clock, which a test moves on.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) later(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newEnv(t *testing.T) *env {
	t.Helper()
	dir, ctx := t.TempDir(), context.Background()
	e := &env{t: t, ctx: ctx, clock: &clock{now: time.Now().UTC()}}
	path := filepath.Join(dir, "events.db")
	if _, err := sqlite.Migrate(ctx, path); err != nil {
		t.Fatal(err)
	}
	var err error
	if e.store, err = sqlite.Open(ctx, path, sqlite.Options{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.store.Close() })
	kpath := filepath.Join(dir, "keys.db")
	if err := personaldata.MigrateSQLiteKeys(ctx, kpath); err != nil {
		t.Fatal(err)
	}
	keys, err := personaldata.OpenSQLiteKeys(ctx, kpath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { keys.Close() })
	master, _ := personaldata.LoadMasterKey("", dir)
	e.ring, _ = personaldata.NewKeyring(keys, master)
	e.files, _ = personaldata.NewFiles(filepath.Join(dir, "files"), e.ring)
	codec := eventcodec.New(e.ring)
	rm := filepath.Join(dir, "readmodels.db")
	if err := projections.MigrateSQLite(ctx, rm); err != nil {
		t.Fatal(err)
	}
	db, err := projections.OpenSQLite(ctx, rm)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e.q = projections.NewQueries(db, codec)
	e.h = commands.New(e.store, e.ring, commands.Options{Now: e.clock.Now})
	if e.runner, err = projections.NewRunner(e.store, codec, db, slog.New(slog.DiscardHandler), projections.Items{}, projections.Notifications{}); err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- e.runner.Run(rctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("runner: %v", err)
		}
	})
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		st, err := e.runner.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		owned := 0
		for _, s := range st {
			if s.Owned {
				owned++
			}
		}
		if owned == len(st) && owned > 0 {
			break // prepared: the events that follow reach the handlers
		}
		if time.Now().After(deadline) {
			t.Fatalf("projections not running: %+v", st)
		}
	}
	op := call("operator", domain.RoleOperator)
	op.Actor.Tenant = ""
	e.must(e.h.RegisterStructure(ctx, op, commands.RegisterStructure{StructureID: "s-ml", Name: "Mission Locale", Seats: 5}))
	for _, p := range []struct {
		id    string
		role  domain.Role
		name  string
		email string
	}{{"p-admin", domain.RoleStructureAdmin, "Awa Diallo", "awa@example.org"}, {"p-cons", domain.RoleCounsellor, "Karim Benali", "karim@example.org"},
		{"p-zoe", domain.RoleBeneficiary, "Zoé Martin", "zoe@example.org"}} {
		e.must(e.h.EnrolPerson(ctx, op, commands.EnrolPerson{StructureID: "s-ml", PersonID: p.id, Role: p.role, Name: p.name, Email: p.email}))
	}
	e.must(e.h.AssignCounsellor(ctx, call("p-admin", domain.RoleStructureAdmin), commands.AssignCounsellor{PortfolioID: "p-zoe", CounsellorID: "p-cons"}))
	return e
}

func call(id string, role domain.Role) commands.Call {
	return commands.Call{Actor: domain.Actor{PersonID: id, Tenant: "s-ml", Role: role}}
}

func (e *env) must(res commands.Result, err error) commands.Result {
	e.t.Helper()
	if err != nil {
		e.t.Fatalf("command: %v", err)
	}
	return res
}

// caughtUp waits until the projection has applied the whole log.
func (e *env) caughtUp() {
	e.t.Helper()
	head, err := e.store.Head(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(e.ctx, 30*time.Second)
	defer cancel()
	if err := e.runner.WaitFor(ctx, head); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) post(by commands.Call, text string) {
	e.t.Helper()
	e.must(e.h.PostMessage(e.ctx, by, commands.PostMessage{ConversationRef: commands.ConversationRef{PortfolioID: "p-zoe"}, Text: text}))
}
