package demo_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/credentials"
	"github.com/parcours/parcours/demo"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/eventstore/sqlite"
	"github.com/parcours/parcours/personaldata"
)

// dataDir is a real data directory: event store, keys, files, logins.
type dataDir struct {
	dir   string
	store *sqlite.Store
	ring  *personaldata.Keyring
	files *personaldata.Files
	creds *credentials.Service
}

func openDataDir(t *testing.T) *dataDir {
	t.Helper()
	ctx, d := context.Background(), &dataDir{dir: t.TempDir()}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(d.dir, "events.db")
	_, err := sqlite.Migrate(ctx, path)
	must(err)
	d.store, err = sqlite.Open(ctx, path, sqlite.Options{})
	must(err)
	t.Cleanup(func() { d.store.Close() })
	kpath := filepath.Join(d.dir, "keys.db")
	must(personaldata.MigrateSQLiteKeys(ctx, kpath))
	keys, err := personaldata.OpenSQLiteKeys(ctx, kpath)
	must(err)
	t.Cleanup(func() { keys.Close() })
	master, err := personaldata.LoadMasterKey("", d.dir)
	must(err)
	d.ring, err = personaldata.NewKeyring(keys, master)
	must(err)
	d.files, err = personaldata.NewFiles(filepath.Join(d.dir, "files"), d.ring)
	must(err)
	cpath := filepath.Join(d.dir, "credentials.db")
	must(credentials.MigrateSQLite(ctx, cpath))
	cstore, err := credentials.OpenSQLite(ctx, cpath)
	must(err)
	h := commands.New(d.store, d.ring, commands.Options{})
	d.creds = credentials.New(cstore, credentials.Options{Params: credentials.Params{Time: 1, Memory: 64, Threads: 1}, Member: h.IsMember})
	t.Cleanup(func() { d.creds.Close() })
	return d
}

// seed runs the demo as a fresh start would: a new command handler, with
// nothing cached.
func (d *dataDir) seed(t *testing.T, now time.Time) demo.Seeded {
	t.Helper()
	h := commands.New(d.store, d.ring, commands.Options{Now: func() time.Time { return now }})
	s, err := demo.Seed(context.Background(), demo.Deps{Commands: h, Creds: d.creds, Files: d.files, Now: func() time.Time { return now }}, d.dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (d *dataDir) events(t *testing.T) int {
	t.Helper()
	n, from := 0, eventstore.Position{}
	for {
		page, err := d.store.ReadAll(context.Background(), from, 1000)
		if err != nil {
			t.Fatal(err)
		}
		n += len(page)
		if len(page) < 1000 {
			return n
		}
		from = page[len(page)-1].Position
	}
}

func TestSeedIsIdempotent(t *testing.T) {
	d, now := openDataDir(t), time.Now()
	first := d.seed(t, now)
	n := d.events(t)
	if n < 50 || len(first.People) != 7 || len(first.PagePath) < len("/p/")+40 || first.NewLink {
		t.Fatalf("first seed: %d events, %+v", n, first)
	}
	info, err := os.Stat(filepath.Join(d.dir, demo.StateFile))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("state file: %v %v", info, err)
	}
	for _, p := range first.People {
		if _, err := d.creds.Login(context.Background(), p.Email, demo.Password, "127.0.0.1"); err != nil {
			t.Errorf("login %s: %v", p.Email, err)
		}
	}

	again := d.seed(t, now.Add(48*time.Hour)) // a restart, days later
	if got := d.events(t); got != n || again.PagePath != first.PagePath || again.NewLink {
		t.Fatalf("second seed: %d events (want %d), page %s (want %s), new link %v", got, n, again.PagePath, first.PagePath, again.NewLink)
	}

	// Without the state file, the replayed commands find their work done;
	// the page's token, shown once, is lost: the old link is revoked and
	// a new one published; the image is not stored twice.
	if err := os.Remove(filepath.Join(d.dir, demo.StateFile)); err != nil {
		t.Fatal(err)
	}
	lost := d.seed(t, now.Add(72*time.Hour))
	if got := d.events(t); got != n+2 || lost.PagePath == first.PagePath || !lost.NewLink {
		t.Fatalf("seed without state: %d events (want %d), page %s, new link %v", got, n+2, lost.PagePath, lost.NewLink)
	}
	files, _ := filepath.Glob(filepath.Join(d.dir, "files", "??", "*"))
	if len(files) != 1 {
		t.Fatalf("stored files: %v, want the one image", files)
	}
}

func TestPeopleCoverEveryRole(t *testing.T) {
	roles := map[domain.Role]bool{}
	for _, p := range demo.People() {
		roles[p.Role] = true
		if demo.Find(p.ID) != p {
			t.Errorf("Find(%s)", p.ID)
		}
	}
	for _, r := range domain.Roles {
		if !roles[r] {
			t.Errorf("no demo person in role %s", r)
		}
	}
}
