package projections_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/projections"
)

// TestSubscriberBatchesABacklog: with MaxBatch, a subscription that starts
// behind delivers the backlog in messages of up to MaxBatch events, every
// event once and in log order; a nacked batch comes again whole; events
// appended once it keeps up come alone.
func TestSubscriberBatchesABacklog(t *testing.T) {
	e := newEnv(t)
	const backlog, maxBatch = 700, 64
	for i := 0; i < backlog; i++ {
		p := eventstore.Proposed{ID: eventstore.NewEventID(), Type: "Noted", SchemaVersion: 1,
			Data: []byte(fmt.Sprintf(`{"i":%d}`, i)), Metadata: []byte(`{"actor":"t"}`)}
		if _, err := e.store.Append(e.ctx, fmt.Sprintf("notes-%d", i%7), eventstore.Any, p); err != nil {
			t.Fatal(err)
		}
	}
	all := func(string, eventstore.Event) bool { return true }
	sub := projections.NewSubscriber(e.store, projections.SubscriberConfig{Checkpoints: e.db, Filter: all, MaxBatch: maxBatch})
	defer sub.Close()
	ctx, cancel := context.WithTimeout(e.ctx, 30*time.Second)
	defer cancel()
	ch, err := sub.Subscribe(ctx, "notes")
	if err != nil {
		t.Fatal(err)
	}
	var got []eventstore.Event
	messages, nacked := 0, false
	next := func() []eventstore.Event {
		t.Helper()
		select {
		case m := <-ch:
			events, err := projections.EventsOf(m)
			if err != nil {
				t.Fatal(err)
			}
			if len(events) > maxBatch {
				t.Fatalf("a message of %d events, MaxBatch %d", len(events), maxBatch)
			}
			if len(events) > 1 && !nacked { // refused once: the same batch comes again
				nacked = true
				m.Nack()
				select {
				case again := <-ch:
					redo, err := projections.EventsOf(again)
					if err != nil || len(redo) != len(events) || redo[0].ID != events[0].ID || redo[len(redo)-1].ID != events[len(events)-1].ID {
						t.Fatalf("after a nack, %d events (%v), want the same %d", len(redo), err, len(events))
					}
					m = again
				case <-ctx.Done():
					t.Fatal("a nacked batch was not delivered again")
				}
			}
			m.Ack()
			messages++
			return events
		case <-ctx.Done():
			t.Fatalf("%d events of %d after %d messages", len(got), backlog, messages)
		}
		return nil
	}
	for len(got) < backlog {
		got = append(got, next()...)
	}
	if messages >= backlog/4 {
		t.Fatalf("the backlog of %d events came in %d messages: not batched", backlog, messages)
	}
	head, err := e.store.ReadAll(e.ctx, eventstore.Start, backlog)
	if err != nil {
		t.Fatal(err)
	}
	for i := range head {
		if got[i].ID != head[i].ID || got[i].Position != head[i].Position || got[i].Hash != head[i].Hash ||
			string(got[i].Data) != string(head[i].Data) || string(got[i].Metadata) != string(head[i].Metadata) ||
			!got[i].RecordedAt.Equal(head[i].RecordedAt) || got[i].Stream != head[i].Stream || got[i].Revision != head[i].Revision {
			t.Fatalf("event %d came as %+v, stored as %+v", i, got[i], head[i])
		}
	}
	// Caught up: a new event comes alone, at once.
	p := eventstore.Proposed{ID: eventstore.NewEventID(), Type: "Noted", SchemaVersion: 1, Data: []byte(`{}`), Metadata: []byte(`{}`)}
	if _, err := e.store.Append(e.ctx, "notes-live", eventstore.Any, p); err != nil {
		t.Fatal(err)
	}
	if live := next(); len(live) != 1 || live[0].ID != p.ID {
		t.Fatalf("live event: %+v", live)
	}
}

// TestPoisonInsideABacklog: a runner started behind applies the backlog
// a batch to a transaction; a poison event inside a batch stops its
// projection exactly at the event before it, the events before it kept,
// while the other projection applies everything.
func TestPoisonInsideABacklog(t *testing.T) {
	e := newEnv(t)
	// Prepared before the events: the runner below finds its read models
	// current and catches up live, not by a rebuild.
	prep, err := projections.NewRunner(e.store, e.codec, e.db, nil, projections.Audit{}, poisonous{})
	if err != nil {
		t.Fatal(err)
	}
	if err := prep.Prepare(e.ctx); err != nil {
		t.Fatal(err)
	}
	e.seed()
	zoe := commands.Call{Actor: actor("p-zoe", domain.RoleBeneficiary)}
	for i := 0; i < 40; i++ {
		e.must(e.h.AddExperience(e.ctx, zoe, commands.AddExperience{PortfolioID: "p-zoe", ExperienceID: fmt.Sprintf("x-%d", i), ExperienceInput: e.experience("A")}))
	}
	before, _ := e.store.Head(e.ctx)
	e.must(e.h.RemoveExperience(e.ctx, zoe, commands.RemoveExperience{PortfolioID: "p-zoe", ExperienceID: "x-3"}))
	for i := 0; i < 40; i++ {
		e.must(e.h.AddExperience(e.ctx, zoe, commands.AddExperience{PortfolioID: "p-zoe", ExperienceInput: e.experience("B")}))
	}
	head, _ := e.store.Head(e.ctx)
	r := e.startRunner(projections.Audit{}, poisonous{})
	ctx, cancel := context.WithTimeout(e.ctx, 30*time.Second)
	defer cancel()
	if err := r.WaitFor(ctx, head, "audit"); err != nil {
		t.Fatal(err)
	}
	var audit, poisoned projections.Status
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && poisoned.State != "stopped"; time.Sleep(50 * time.Millisecond) {
		all, err := r.Status(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range all {
			switch s.Name {
			case "audit":
				audit = s
			case "poisonous":
				poisoned = s
			}
		}
	}
	if poisoned.State != "stopped" || poisoned.Position != before || poisoned.LagEvents != 41 {
		t.Fatalf("poisoned projection: %+v (want stopped at %s, 41 events behind)", poisoned, before)
	}
	if audit.LagEvents != 0 || audit.Applied < 81 {
		t.Fatalf("audit: %+v", audit)
	}
	// The poisoned projection kept the events before the poison one by
	// applying its failed batch event by event; the healthy one took the
	// whole backlog in a few transactions.
	if tx := r.Version(); tx > poisoned.Applied+10 {
		t.Fatalf("%d transactions: %d events of the poisoned projection, the rest for the %d events of the audit: the backlog was not batched", tx, poisoned.Applied, audit.Applied)
	}
}

// TestReadModelChangesReachOtherProcesses: with PostgreSQL, a commit to a
// read model by one process's runner wakes the waiters of another process
// at once (a NOTIFY on the read models' channel), not at its next poll;
// and a WaitFor there returns.
func TestReadModelChangesReachOtherProcesses(t *testing.T) {
	e, connString := newPostgresEnv(t)
	other, err := projections.OpenPostgres(e.ctx, connString) // the read models as another process opens them
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	r := e.startRunner(projections.Audit{})
	idle, err := projections.NewRunner(e.store, e.codec, other, nil, projections.Audit{}) // not run: reads only
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(e.ctx, 20*time.Second)
	defer cancel()
	select { // the listener is connected once it has woken its first waiters
	case <-other.Changed():
	case <-ctx.Done():
		t.Fatal("the listener never connected")
	}
	woken := other.Changed()
	e.seed()
	head, _ := e.store.Head(e.ctx)
	select {
	case <-woken:
	case <-ctx.Done():
		t.Fatal("a commit to a read model by another runner woke no waiter here")
	}
	if err := idle.WaitFor(ctx, head); err != nil {
		t.Fatal(err)
	}
	if err := r.WaitFor(ctx, head); err != nil {
		t.Fatal(err)
	}
}
