package auditlog_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/parcours/parcours/auditlog"
)

// swappable serves whichever handler is current: the same URL can turn
// into a server that rewrote its history.
type swappable struct{ h atomic.Pointer[http.Handler] }

func (s *swappable) ServeHTTP(w http.ResponseWriter, r *http.Request) { (*s.h.Load()).ServeHTTP(w, r) }
func (s *swappable) set(h http.Handler)                               { s.h.Store(&h) }

func TestWatchAcceptsGrowthAndCatchesForks(t *testing.T) {
	honest := newWorld(t, auditlog.Config{})
	appendNotes(t, honest.store, 10)
	honest.catchUp()
	var sw swappable
	sw.set(honest.log.Handler())
	srv := httptest.NewServer(&sw)
	defer srv.Close()
	state := filepath.Join(t.TempDir(), "watch.json")
	watcher := &auditlog.Watcher{URL: srv.URL, StatePath: state, PublicKey: honest.log.PublicKey()}

	res, err := watcher.Check(honest.ctx)
	if err != nil || !res.First || res.Current.Size != 10 {
		t.Fatalf("first check: %+v %v", res, err)
	}
	appendNotes(t, honest.store, 5)
	honest.catchUp()
	if res, err = watcher.Check(honest.ctx); err != nil || res.Previous.Size != 10 || res.Current.Size != 15 {
		t.Fatalf("growth: %+v %v", res, err)
	}
	if res, err = watcher.Check(honest.ctx); err != nil || res.Current.Size != 15 {
		t.Fatalf("no change: %+v %v", res, err)
	}

	// The same key signs another history: the first 12 events are other
	// events, then it grows past what the watcher saw.
	forked := newWorld(t, auditlog.Config{})
	copyKey(t, honest.dir, forked.dir)
	forked.log = openLog(t, forked.dir, forked.store, auditlog.Config{})
	appendNotes(t, forked.store, 20)
	forked.catchUp()
	if forked.log.PublicKey() != honest.log.PublicKey() {
		t.Fatal("the fork does not share the key")
	}
	sw.set(forked.log.Handler())
	before, _ := os.ReadFile(state)
	_, err = watcher.Check(honest.ctx)
	var fork *auditlog.ForkError
	if !errors.As(err, &fork) || len(fork.Old) == 0 || len(fork.New) == 0 {
		t.Fatalf("fork not caught: %v", err)
	}
	if after, _ := os.ReadFile(state); string(after) != string(before) {
		t.Fatal("the state moved to the forked checkpoint")
	}

	// A rollback to a smaller tree, and a same-size tree with another root.
	for _, n := range []int{12, 15} {
		other := newWorld(t, auditlog.Config{})
		copyKey(t, honest.dir, other.dir)
		other.log = openLog(t, other.dir, other.store, auditlog.Config{})
		appendNotes(t, other.store, n)
		other.catchUp()
		sw.set(other.log.Handler())
		if _, err := watcher.Check(honest.ctx); !errors.As(err, &fork) {
			t.Fatalf("tree of %d other events: %v", n, err)
		}
	}
	sw.set(honest.log.Handler())
	if _, err := watcher.Check(honest.ctx); err != nil {
		t.Fatalf("back to the honest server: %v", err)
	}
	// A watcher that pinned another key refuses the server's checkpoints.
	other := &auditlog.Watcher{URL: srv.URL, StatePath: filepath.Join(t.TempDir(), "w.json"), PublicKey: forkedKey(t)}
	if _, err := other.Check(honest.ctx); !errors.Is(err, auditlog.ErrBadCheckpoint) {
		t.Fatalf("checkpoint under another key: %v", err)
	}
}

// Without a pinned key the first check takes the server's and keeps it.
func TestWatchTrustOnFirstUse(t *testing.T) {
	w := newWorld(t, auditlog.Config{})
	w.catchUp()
	srv := httptest.NewServer(w.log.Handler())
	defer srv.Close()
	watcher := &auditlog.Watcher{URL: srv.URL, StatePath: filepath.Join(t.TempDir(), "w.json")}
	if res, err := watcher.Check(w.ctx); err != nil || !res.KeyFromServer {
		t.Fatalf("first check: %+v %v", res, err)
	}
	if res, err := watcher.Check(w.ctx); err != nil || res.KeyFromServer {
		t.Fatalf("second check: %+v %v", res, err)
	}
}

func copyKey(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(from, auditlog.KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(to, auditlog.KeyFile))
	if err := os.WriteFile(filepath.Join(to, auditlog.KeyFile), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func forkedKey(t *testing.T) string {
	_, vkey := otherKey(t)
	return vkey
}
