package projections_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventcodec"
	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/projections"
)

// startRunner runs a runner over e in the background until the test ends.
func (e *env) startRunner(ps ...projections.Projection) *projections.Runner {
	e.t.Helper()
	r, err := projections.NewRunner(e.store, e.codec, e.db, slog.New(slog.DiscardHandler), ps...)
	if err != nil {
		e.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(e.ctx)
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	e.t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			e.t.Errorf("runner: %v", err)
		}
	})
	waitOwned(e.t, r, len(ps))
	return r
}

// waitOwned waits until r runs n projections: they are prepared, so the
// events that follow reach them through their handlers.
func waitOwned(t *testing.T, r *projections.Runner, n int) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		all, err := r.Status(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		owned := 0
		for _, s := range all {
			if s.Owned {
				owned++
			}
		}
		if owned == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the runner runs %d projections of %d", owned, n)
		}
	}
}

func (e *env) waitHead(r *projections.Runner) {
	e.t.Helper()
	head, err := e.store.Head(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(e.ctx, 30*time.Second)
	defer cancel()
	if err := r.WaitFor(ctx, head); err != nil {
		e.t.Fatal(err)
	}
}

// randomCommands issues n random commands; some are refused, which is part
// of the sequence.
func (e *env) randomCommands(r *rand.Rand, n int) {
	zoe := commands.Call{Actor: actor("p-zoe", domain.RoleBeneficiary)}
	for i := 0; i < n; i++ {
		exp := fmt.Sprintf("x-%d", r.IntN(5))
		switch r.IntN(6) {
		case 0, 1:
			e.h.AddExperience(e.ctx, zoe, commands.AddExperience{PortfolioID: "p-zoe", ExperienceID: exp, ExperienceInput: e.experience("Vendeuse " + exp)})
		case 2:
			e.h.EditExperience(e.ctx, zoe, commands.EditExperience{PortfolioID: "p-zoe", ExperienceID: exp, ExperienceInput: e.experience(fmt.Sprint("Édité ", i))})
		case 3:
			e.h.RemoveExperience(e.ctx, zoe, commands.RemoveExperience{PortfolioID: "p-zoe", ExperienceID: exp})
		case 4:
			e.h.InviteTutor(e.ctx, zoe, commands.InviteTutor{PortfolioID: "p-zoe", TutorID: "p-tutor", AllItems: true})
		default:
			e.h.AddTask(e.ctx, zoe, commands.AddTask{PortfolioID: "p-zoe", ExperienceID: exp, Text: domain.TaskText{Title: "Tâche"}})
		}
		e.now = e.now.Add(time.Hour)
	}
}

type dump struct {
	docs map[string]string
	logs map[string][]string
}

func (e *env) dumpAll(ps []projections.Projection) map[string]dump {
	e.t.Helper()
	out := map[string]dump{}
	for _, p := range ps {
		docs, logs, err := e.db.Dump(e.ctx, p.Name())
		if err != nil {
			e.t.Fatal(err)
		}
		out[p.Name()] = dump{docs, logs}
	}
	return out
}

// TestIncrementalEqualsRebuild: read models built live, event by event,
// equal a rebuild from the start of the log.
func TestIncrementalEqualsRebuild(t *testing.T) { forBackends(t, incrementalEqualsRebuild) }

func incrementalEqualsRebuild(t *testing.T, e *env) {
	ps := projections.All()
	r := e.startRunner(ps...)
	e.seed()
	e.randomCommands(rand.New(rand.NewPCG(3, 4)), 150)
	e.conversationCommands(rand.New(rand.NewPCG(5, 6)), 80)
	e.notificationCommands(rand.New(rand.NewPCG(7, 8)), 40)
	e.waitHead(r)
	live := e.dumpAll(ps)
	if len(live["audit"].logs) == 0 || len(live["overview"].docs) == 0 {
		t.Fatalf("live read models are empty: %v", live)
	}
	if err := projections.Rebuild(e.ctx, e.store, e.codec, e.db, ps, nil); err != nil {
		t.Fatal(err)
	}
	rebuilt := e.dumpAll(ps)
	for _, p := range ps {
		if !reflect.DeepEqual(live[p.Name()], rebuilt[p.Name()]) {
			t.Errorf("%s: live and rebuilt read models differ:\nlive    %v\nrebuilt %v", p.Name(), live[p.Name()], rebuilt[p.Name()])
		}
	}
	// The runner goes on after the swap, on the new tables.
	e.must(e.h.AddExperience(e.ctx, commands.Call{Actor: actor("p-zoe", domain.RoleBeneficiary)}, commands.AddExperience{PortfolioID: "p-zoe", ExperienceInput: e.experience("Après")}))
	e.waitHead(r)
	q := projections.NewQueries(e.db, e.codec)
	trail, _, err := q.AuditTrail(e.ctx, "p-zoe", 0, 10000)
	if err != nil || len(trail) != len(rebuilt["audit"].logs["portfolio/p-zoe"])+1 {
		t.Fatalf("audit trail after the swap: %d entries, %v", len(trail), err)
	}
}

// poisonous fails on every ExperienceRemoved event.
type poisonous struct{}

func (poisonous) Name() string { return "poisonous" }
func (poisonous) Version() int { return 1 }
func (poisonous) Apply(b *projections.Batch, d eventcodec.Decoded) error {
	if _, ok := d.Event.(*domain.ExperienceRemoved); ok {
		return errors.New("cannot digest removals")
	}
	return nil
}

// TestPoisonEventStopsOneProjection: the failing projection stops at the
// event before the poison one, says why, and the others go on.
func TestPoisonEventStopsOneProjection(t *testing.T) { forBackends(t, poisonEventStopsOneProjection) }

func poisonEventStopsOneProjection(t *testing.T, e *env) {
	r := e.startRunner(projections.Audit{}, poisonous{})
	e.seed()
	zoe := commands.Call{Actor: actor("p-zoe", domain.RoleBeneficiary)}
	e.must(e.h.AddExperience(e.ctx, zoe, commands.AddExperience{PortfolioID: "p-zoe", ExperienceID: "x-1", ExperienceInput: e.experience("A")}))
	before, _ := e.store.Head(e.ctx)
	poison := e.must(e.h.RemoveExperience(e.ctx, zoe, commands.RemoveExperience{PortfolioID: "p-zoe", ExperienceID: "x-1"}))
	e.must(e.h.AddExperience(e.ctx, zoe, commands.AddExperience{PortfolioID: "p-zoe", ExperienceInput: e.experience("B")}))
	head, _ := e.store.Head(e.ctx)
	ctx, cancel := context.WithTimeout(e.ctx, 30*time.Second)
	defer cancel()
	if err := r.WaitFor(ctx, head, "audit"); err != nil {
		t.Fatalf("the healthy projection did not go on: %v", err)
	}
	var st projections.Status
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		all, err := r.Status(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range all {
			if s.Name == "poisonous" {
				st = s
			}
		}
		if st.State == "stopped" {
			break
		}
	}
	if st.State != "stopped" || st.Position != before || st.LagEvents != 2 {
		t.Fatalf("poisoned projection: %+v (want stopped at %s, the event before %s)", st, before, poison.Position)
	}
	if r.Poisoned() != 1 {
		t.Fatalf("poison counter %d", r.Poisoned())
	}
	if err := r.WaitFor(ctx, head, "poisonous"); err == nil {
		t.Fatal("waiting on a stopped projection succeeded")
	}
}

// TestSubscriberCommitOnAck: a consumer that commits on ack resumes after
// the last message it acked.
func TestSubscriberCommitOnAck(t *testing.T) { forBackends(t, subscriberCommitOnAck) }

func subscriberCommitOnAck(t *testing.T, e *env) {
	pub := projections.NewPublisher(e.store, "test")
	for i := 0; i < 5; i++ {
		if err := pub.Publish("jobs", newMessage(fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
	read := func(n int) []string {
		sub := projections.NewSubscriber(e.store, projections.SubscriberConfig{Checkpoints: e.db, ConsumerGroup: "mailer", CommitOnAck: true})
		defer sub.Close()
		ch, err := sub.Subscribe(e.ctx, "jobs")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for len(got) < n {
			select {
			case m := <-ch:
				got = append(got, string(m.Payload))
				m.Ack()
			case <-time.After(10 * time.Second):
				t.Fatalf("got %v", got)
			}
		}
		return got
	}
	first := read(2)
	rest := read(3)
	if fmt.Sprint(first, rest) != "[0 1] [2 3 4]" {
		t.Fatalf("first %v then %v", first, rest)
	}
	pos, err := e.db.Load(e.ctx, "mailer/jobs")
	if err != nil || pos.IsZero() {
		t.Fatalf("checkpoint %s %v", pos, err)
	}
	_ = eventstore.Start
}
