package auditlog_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/parcours/parcours/auditlog"
	"github.com/parcours/parcours/auditlog/auditlogtest"
	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/eventstore/sqlite"
	"github.com/parcours/parcours/personaldata"
)

// world is a real SQLite store, key ring, file store and command handler
// (with a clock the test moves), and the audit log over the store.
type world struct {
	t     testing.TB
	ctx   context.Context
	dir   string
	store *sqlite.Store
	ring  *personaldata.Keyring
	files *personaldata.Files
	h     *commands.Handler
	log   *auditlog.Log
	now   time.Time
}

func newWorld(t testing.TB, cfg auditlog.Config) *world {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	w := &world{t: t, ctx: ctx, dir: dir, now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	path := filepath.Join(dir, "events.db")
	if _, err := sqlite.Migrate(ctx, path); err != nil {
		t.Fatal(err)
	}
	store, err := sqlite.Open(ctx, path, sqlite.Options{PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	kpath := filepath.Join(dir, "keys.db")
	if err := personaldata.MigrateSQLiteKeys(ctx, kpath); err != nil {
		t.Fatal(err)
	}
	keys, err := personaldata.OpenSQLiteKeys(ctx, kpath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { keys.Close() })
	master, err := personaldata.LoadMasterKey("", dir)
	if err != nil {
		t.Fatal(err)
	}
	w.ring, _ = personaldata.NewKeyring(keys, master)
	w.files, _ = personaldata.NewFiles(filepath.Join(dir, "files"), w.ring)
	w.store = store
	w.h = commands.New(store, w.ring, commands.Options{Now: func() time.Time { return w.now }})
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return w.now }
	}
	w.log = openLog(t, dir, store, cfg)
	return w
}

func openLog(t testing.TB, dir string, store *sqlite.Store, cfg auditlog.Config) *auditlog.Log {
	t.Helper()
	ctx := context.Background()
	key, err := auditlog.LoadOrCreateKey(dir, "parcours.test/audit")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "auditlog.db")
	if err := auditlog.Migrate(ctx, path); err != nil {
		t.Fatal(err)
	}
	l, err := auditlog.Open(ctx, path, store, key, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// seed builds a submitted dossier with n files and brings the log up to
// date with a checkpoint covering it.
func (w *world) seed(n int) auditlogtest.Seeded {
	w.t.Helper()
	s, err := auditlogtest.SeedDossier(w.ctx, w.h, w.files, auditlogtest.Options{Files: n, Now: w.now})
	if err != nil {
		w.t.Fatal(err)
	}
	w.catchUp()
	return s
}

func (w *world) catchUp() {
	w.t.Helper()
	if err := w.log.CatchUp(w.ctx, true); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) sources() auditlog.Sources {
	return auditlog.Sources{Log: w.log, Store: w.store, Codec: w.h.Codec(), Files: w.files, Now: func() time.Time { return w.now }}
}

// bundle builds the bundle of s's dossier.
func (w *world) bundle(s auditlogtest.Seeded) []byte {
	w.t.Helper()
	var buf bytes.Buffer
	if _, err := auditlog.BuildBundle(w.ctx, w.sources(), s.Portfolio, s.Dossier, &buf); err != nil {
		w.t.Fatal(err)
	}
	return buf.Bytes()
}

func verify(b []byte, key string) *auditlog.Report {
	return auditlog.VerifyBundle(bytes.NewReader(b), int64(len(b)), auditlog.VerifyOptions{PublicKey: key})
}

// seedOnly seeds without bringing the log up to date.
func seedOnly(w *world) (auditlogtest.Seeded, error) {
	return auditlogtest.SeedDossier(w.ctx, w.h, w.files, auditlogtest.Options{Files: 1, Now: w.now})
}
