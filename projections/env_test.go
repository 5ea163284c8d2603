package projections_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventcodec"
	"github.com/parcours/parcours/eventstore/sqlite"
	"github.com/parcours/parcours/personaldata"
	"github.com/parcours/parcours/projections"
)

// env is a real data directory: event store, keys, read-model file, and a
// command handler with a clock the test moves.
type env struct {
	t     *testing.T
	ctx   context.Context
	dir   string
	store *sqlite.Store
	ring  *personaldata.Keyring
	files *personaldata.Files
	codec *eventcodec.Codec
	db    *projections.DB
	h     *commands.Handler
	now   time.Time
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return reopenEnv(t, t.TempDir())
}

// reopenEnv opens (creating if needed) the data directory dir.
func reopenEnv(t *testing.T, dir string) *env {
	t.Helper()
	e, closeAll, err := openEnv(dir)
	if err != nil {
		t.Fatal(err)
	}
	e.t = t
	t.Cleanup(closeAll)
	return e
}

// openEnv opens the data directory dir without a test (crash children use
// it too).
func openEnv(dir string) (*env, func(), error) {
	ctx := context.Background()
	e := &env{ctx: ctx, dir: dir, now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	var closers []func() error
	closeAll := func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	path := filepath.Join(dir, "events.db")
	if _, err := sqlite.Migrate(ctx, path); err != nil {
		return nil, nil, err
	}
	var err error
	if e.store, err = sqlite.Open(ctx, path, sqlite.Options{}); err != nil {
		return nil, nil, err
	}
	closers = append(closers, e.store.Close)
	kpath := filepath.Join(dir, "keys.db")
	if err := personaldata.MigrateSQLiteKeys(ctx, kpath); err != nil {
		closeAll()
		return nil, nil, err
	}
	keys, err := personaldata.OpenSQLiteKeys(ctx, kpath)
	if err != nil {
		closeAll()
		return nil, nil, err
	}
	closers = append(closers, keys.Close)
	master, err := personaldata.LoadMasterKey("", dir)
	if err != nil {
		closeAll()
		return nil, nil, err
	}
	e.ring, _ = personaldata.NewKeyring(keys, master)
	e.files, _ = personaldata.NewFiles(filepath.Join(dir, "files"), e.ring)
	e.codec = eventcodec.New(e.ring)
	rmPath := filepath.Join(dir, "readmodels.db")
	if err := projections.MigrateSQLite(ctx, rmPath); err != nil {
		closeAll()
		return nil, nil, err
	}
	if e.db, err = projections.OpenSQLite(ctx, rmPath); err != nil {
		closeAll()
		return nil, nil, err
	}
	closers = append(closers, e.db.Close)
	e.h = commands.New(e.store, e.ring, commands.Options{Now: func() time.Time { return e.now }})
	return e, closeAll, nil
}

func openDB(t *testing.T, path string) *projections.DB {
	t.Helper()
	if err := projections.MigrateSQLite(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	db, err := projections.OpenSQLite(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func actor(id string, role domain.Role) domain.Actor {
	return domain.Actor{PersonID: id, Tenant: "s-ml", Role: role}
}

// seed registers a structure with staff and two beneficiaries.
func (e *env) seed() {
	e.t.Helper()
	op := commands.Call{Actor: domain.Actor{PersonID: "operator", Role: domain.RoleOperator}}
	e.must(e.h.RegisterStructure(e.ctx, op, commands.RegisterStructure{StructureID: "s-ml", Name: "Mission Locale", Seats: 5}))
	for _, p := range []struct {
		id   string
		role domain.Role
		name string
	}{{"p-admin", domain.RoleStructureAdmin, "Awa Diallo"}, {"p-cons", domain.RoleCounsellor, "Karim Benali"},
		{"p-tutor", domain.RoleTutor, "Marc Petit"}, {"p-zoe", domain.RoleBeneficiary, "Zoé Martin"}, {"p-luc", domain.RoleBeneficiary, "Luc Girard"}} {
		e.must(e.h.EnrolPerson(e.ctx, op, commands.EnrolPerson{StructureID: "s-ml", PersonID: p.id, Role: p.role, Name: p.name}))
	}
	e.must(e.h.AssignCounsellor(e.ctx, commands.Call{Actor: actor("p-admin", domain.RoleStructureAdmin)}, commands.AssignCounsellor{PortfolioID: "p-zoe", CounsellorID: "p-cons"}))
}

func (e *env) must(res commands.Result, err error) commands.Result {
	e.t.Helper()
	if err != nil {
		e.t.Fatalf("command: %v", err)
	}
	return res
}

func (e *env) experience(title string) domain.ExperienceInput {
	return domain.ExperienceInput{Kind: domain.KindProfessional, Context: domain.ContextFormal, From: "2023-01-02",
		Text: domain.ExperienceText{Title: title}}
}
