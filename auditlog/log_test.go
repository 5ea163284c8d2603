package auditlog_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/parcours/parcours/auditlog"
	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/internal/sqlitedriver"
	"golang.org/x/mod/sumdb/tlog"
)

// appendNotes appends n small events over a few streams and returns the
// store's events in log order.
func appendNotes(t *testing.T, store eventstore.Store, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		p := eventstore.Proposed{ID: eventstore.NewEventID(), Type: "Noted", SchemaVersion: 1,
			Data: []byte(fmt.Sprintf(`{"i":%d}`, i)), Metadata: []byte(`{"actor":"t"}`)}
		if _, err := store.Append(context.Background(), fmt.Sprintf("notes-%d", i%3), eventstore.Any, p); err != nil {
			t.Fatal(err)
		}
	}
}

func allEvents(t *testing.T, store eventstore.Store) []eventstore.Event {
	t.Helper()
	events, err := store.ReadAll(context.Background(), eventstore.Start, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	return events
}

// mth is RFC 6962's Merkle tree hash written out plainly, to check the
// log's roots against something that shares no code with it.
func mth(leaves [][32]byte) tlog.Hash {
	switch len(leaves) {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		return sha256.Sum256(append([]byte{0}, leaves[0][:]...))
	}
	k := 1
	for k*2 < len(leaves) {
		k *= 2
	}
	l, r := mth(leaves[:k]), mth(leaves[k:])
	return sha256.Sum256(append(append([]byte{1}, l[:]...), r[:]...))
}

func eventHashes(events []eventstore.Event) [][32]byte {
	out := make([][32]byte, len(events))
	for i, e := range events {
		out[i] = e.Hash
	}
	return out
}

func run(t *testing.T, l *auditlog.Log) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx) }()
	return func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("run: %v", err)
		}
	}
}

func TestLogMatchesRFC6962AndProvesEveryEvent(t *testing.T) {
	w := newWorld(t, auditlog.Config{CheckpointEvery: 7, CheckpointInterval: time.Hour})
	appendNotes(t, w.store, 40)
	stop := run(t, w.log)
	head, _ := w.store.Head(w.ctx)
	if err := w.log.WaitFor(w.ctx, head); err != nil {
		t.Fatal(err)
	}
	stop()
	if err := w.log.CatchUp(w.ctx, true); err != nil {
		t.Fatal(err)
	}
	events := allEvents(t, w.store)
	cp, _, err := w.log.Latest(w.ctx)
	if err != nil || cp.Size != int64(len(events)) || cp.Root != mth(eventHashes(events)) {
		t.Fatalf("checkpoint %+v (%v), want size %d and the RFC 6962 root", cp, err, len(events))
	}
	for i, e := range events {
		in, err := w.log.InclusionOf(w.ctx, e.ID, 0)
		if err != nil || in.LeafIndex != int64(i) {
			t.Fatalf("event %d: %+v %v", i, in, err)
		}
		if err := auditlog.VerifyInclusion(cp, in.LeafIndex, e.Hash, in.Proof); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		byPos, err := w.log.InclusionAt(w.ctx, e.Position, int64(i+1))
		if err != nil || byPos.LeafIndex != int64(i) || auditlog.VerifyInclusion(treeOf(events[:i+1]), byPos.LeafIndex, e.Hash, byPos.Proof) != nil {
			t.Fatalf("event %d by position in the tree it ends: %v", i, err)
		}
	}
	for old := 0; old <= len(events); old += 3 {
		for nw := old; nw <= len(events); nw += 5 {
			p, err := w.log.Consistency(w.ctx, int64(old), int64(nw))
			if err != nil {
				t.Fatal(err)
			}
			if err := auditlog.VerifyConsistency(treeOf(events[:old]), treeOf(events[:nw]), p); err != nil {
				t.Fatalf("%d → %d: %v", old, nw, err)
			}
		}
	}
	if _, err := w.log.Consistency(w.ctx, 5, int64(len(events))+1); !errors.Is(err, auditlog.ErrInvalid) {
		t.Fatalf("consistency beyond the tree: %v", err)
	}
	if _, err := w.log.InclusionOf(w.ctx, eventstore.NewEventID(), 0); !errors.Is(err, auditlog.ErrNotFound) {
		t.Fatalf("inclusion of an unknown event: %v", err)
	}
}

func treeOf(events []eventstore.Event) auditlog.Checkpoint {
	return auditlog.Checkpoint{Size: int64(len(events)), Root: mth(eventHashes(events))}
}

// Followers stopped and restarted at any point, and two followers at once
// on the same file, still give one leaf per event, in log order.
func TestLogExactlyOnceAcrossRestartsAndRivals(t *testing.T) {
	w := newWorld(t, auditlog.Config{Batch: 3})
	appendNotes(t, w.store, 10)
	for round := 0; round < 5; round++ {
		stop := run(t, w.log)
		appendNotes(t, w.store, 7)
		time.Sleep(time.Duration(round) * 5 * time.Millisecond)
		stop()
	}
	rival := openLog(t, w.dir, w.store, auditlog.Config{Batch: 2})
	stop1, stop2 := run(t, w.log), run(t, rival)
	appendNotes(t, w.store, 20)
	head, _ := w.store.Head(w.ctx)
	if err := w.log.WaitFor(w.ctx, head); err != nil {
		t.Fatal(err)
	}
	stop1()
	stop2()
	if err := rival.CatchUp(w.ctx, true); err != nil {
		t.Fatal(err)
	}
	events := allEvents(t, w.store)
	st, _ := w.log.Tree(w.ctx)
	cp, _, _ := w.log.Latest(w.ctx)
	if st.Size != int64(len(events)) || cp.Size != st.Size || cp.Root != mth(eventHashes(events)) {
		t.Fatalf("tree of %d leaves (checkpoint %d), %d events", st.Size, cp.Size, len(events))
	}
}

func TestCheckpointCadence(t *testing.T) {
	var now time.Time = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clock := make(chan time.Time, 1)
	clock <- now
	tick := func() time.Time { c := <-clock; clock <- c; return c }
	w := newWorld(t, auditlog.Config{CheckpointEvery: 5, CheckpointInterval: time.Minute, Now: tick})
	if err := w.log.CatchUp(w.ctx, false); err != nil { // the first checkpoint: the empty tree
		t.Fatal(err)
	}
	for i := 0; i < 12; i++ { // one event at a time: a checkpoint every 5
		appendNotes(t, w.store, 1)
		if err := w.log.CatchUp(w.ctx, false); err != nil {
			t.Fatal(err)
		}
	}
	for _, size := range []int64{0, 5, 10} {
		if _, _, err := w.log.CheckpointAt(w.ctx, size); err != nil {
			t.Fatalf("no checkpoint of size %d: %v", size, err)
		}
	}
	if cp, _, _ := w.log.Latest(w.ctx); cp.Size != 10 {
		t.Fatalf("latest checkpoint %d, want 10 (12 events, none due yet)", cp.Size)
	}
	<-clock
	clock <- now.Add(61 * time.Second) // the interval passed: the follower signs on its tick
	stop := run(t, w.log)
	defer stop()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if cp, _, _ := w.log.Latest(w.ctx); cp.Size == 12 && cp.Time.Equal(now.Add(61*time.Second)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no checkpoint after the interval")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// An event whose stored bytes no longer match its hash stops the log: it
// is never notarised.
func TestLogRefusesAnAlteredEvent(t *testing.T) {
	w := newWorld(t, auditlog.Config{})
	appendNotes(t, w.store, 3)
	db, err := sql.Open(sqlitedriver.Name, filepath.Join(w.dir, "events.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{`DROP TRIGGER events_immutable_update`, `UPDATE events SET data = '{"i":99}' WHERE position = 2`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	err = w.log.Run(w.ctx)
	if !errors.Is(err, auditlog.ErrTampered) {
		t.Fatalf("run over an altered event: %v", err)
	}
	if st, _ := w.log.Tree(w.ctx); st.Size > 1 {
		t.Fatalf("tree holds %d leaves: the altered event (the second) or a later one was notarised", st.Size)
	}
}
