package commands_test

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore"
)

// outsider is an actor refused a command on p-zoe, and how.
type outsider struct {
	name  string
	actor domain.Actor
	kind  domain.Kind
	field string
}

// outsiders lists the actors refused a p-zoe command: everyone but the
// owner, and but the assigned counsellor when counsellorMay. A tutor
// invited on the whole portfolio knows it, and so is told Forbidden.
func (w *world) outsiders(counsellorMay bool) []outsider {
	w.t.Helper()
	tutor2 := w.invitedTutor()
	nf, fb := domain.KindNotFound, domain.KindForbidden
	list := []outsider{
		{"unassigned counsellor", w.counsellor2, nf, "portfolio"},
		{"tutor without grant", w.tutor, nf, "portfolio"},
		{"tutor with a grant", tutor2, fb, ""},
		{"structure admin", w.admin, fb, ""},
		{"auditor", w.auditor, nf, "portfolio"},
		{"another beneficiary", w.bene2, nf, "portfolio"},
		{"owner from another tenant", domainActor("p-zoe", "s-other", domain.RoleBeneficiary), nf, "portfolio"},
		{"owner claiming the counsellor role", domainActor("p-zoe", tenant, domain.RoleCounsellor), nf, "portfolio"},
	}
	if !counsellorMay {
		list = append(list, outsider{"assigned counsellor", w.counsellor, fb, ""})
	}
	return list
}

// invitedTutor enrols p-tutor2 and invites them on the whole of p-zoe
// (once: the calls carry idempotency keys).
func (w *world) invitedTutor() domain.Actor {
	w.t.Helper()
	enrol := w.call(w.admin)
	enrol.IdempotencyKey = "outsiders-tutor"
	w.mustDo(w.h.EnrolPerson(w.ctx, enrol, commands.EnrolPerson{StructureID: tenant, PersonID: "p-tutor2", Role: domain.RoleTutor, Name: "Léa Tuteur"}))
	invite := w.call(w.bene)
	invite.IdempotencyKey = "outsiders-grant"
	w.mustDo(w.h.InviteTutor(w.ctx, invite, commands.InviteTutor{PortfolioID: "p-zoe", GrantID: "g-outsiders", TutorID: "p-tutor2", AllItems: true}))
	return domainActor("p-tutor2", tenant, domain.RoleTutor)
}

// refusedToAll runs cmd as each outsider: each is refused and the stream
// does not move.
func (w *world) refusedToAll(t *testing.T, who []outsider, cmd func(commands.Call) (commands.Result, error)) {
	t.Helper()
	stream := domain.PortfolioStream("p-zoe")
	for _, o := range who {
		t.Run(o.name, func(t *testing.T) {
			w.t = t
			before := w.revision(stream)
			_, err := cmd(w.call(o.actor))
			w.refused(err, o.kind, o.field, stream, before)
		})
	}
	w.t = t
}

// refusal is a command sent by an allowed actor and refused for its
// content.
type refusal struct {
	name  string
	actor domain.Actor
	cmd   func(commands.Call) (commands.Result, error)
	kind  domain.Kind
	field string
}

func (w *world) refusedAll(t *testing.T, cases []refusal) {
	t.Helper()
	stream := domain.PortfolioStream("p-zoe")
	for _, r := range cases {
		t.Run(r.name, func(t *testing.T) {
			w.t = t
			before := w.revision(stream)
			_, err := r.cmd(w.call(r.actor))
			w.refused(err, r.kind, r.field, stream, before)
		})
	}
	w.t = t
}

// neverInClear checks that no stored event holds any of secrets in clear,
// in its data or its metadata.
func (w *world) neverInClear(secrets ...string) {
	w.t.Helper()
	all, err := w.store.ReadAll(w.ctx, eventstore.Start, 100000)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, e := range all {
		for _, s := range secrets {
			if bytes.Contains(e.Data, []byte(s)) || bytes.Contains(e.Metadata, []byte(s)) {
				w.t.Fatalf("%q in clear in %s@%d (%s): %s", s, e.Stream, e.Revision, e.Type, e.Data)
			}
		}
	}
}

func (w *world) goal(id string, target domain.Date) commands.SetGoal {
	return commands.SetGoal{PortfolioID: "p-zoe", GoalID: id, GoalInput: domain.GoalInput{Kind: domain.GoalTraining, Target: target,
		Text: domain.GoalText{Title: "Entrer en formation d'aide-soignante", Description: "Concours IFAS de juin"}}}
}

// goalState returns goal id of p-zoe; the pointer must only be read
// while no command runs.
func (w *world) goalState(id string) *domain.Goal {
	w.t.Helper()
	var g *domain.Goal
	if err := w.read(w.bene, "p-zoe", func(p *domain.Portfolio) { g = p.Goals()[id] }); err != nil {
		w.t.Fatal(err)
	}
	return g
}

func ids(ms []*domain.Milestone) []string {
	out := []string{}
	for _, m := range ms {
		out = append(out, m.ID)
	}
	return out
}

func TestGoalRetroplanning(t *testing.T) {
	w := newWorld(t) // today is 2026-03-02
	res := w.mustDo(w.h.SetGoal(w.ctx, w.call(w.bene), w.goal("goal-1", "2026-06-30")))
	if res.ID != "goal-1" || res.Events != 1 {
		t.Fatalf("set goal: %+v", res)
	}
	// The counsellor plans backwards from the target date.
	plan := []domain.PlannedMilestone{
		{MilestoneID: "m-inscription", DaysBefore: 90, Text: domain.MilestoneText{Title: "Inscription au concours"}},
		{MilestoneID: "m-dossier", DaysBefore: 30, Text: domain.MilestoneText{Title: "Dossier complet"}},
		{DaysBefore: 0, Text: domain.MilestoneText{Title: "Entrée en formation"}},
	}
	res = w.mustDo(w.h.PlanMilestones(w.ctx, w.call(w.counsellor), commands.PlanMilestones{PortfolioID: "p-zoe", GoalID: "goal-1", Milestones: plan}))
	if res.Events != 3 || plan[2].MilestoneID != "" {
		t.Fatalf("plan: %+v (the caller's slice must stay as sent: %+v)", res, plan[2])
	}
	g := w.goalState("goal-1")
	due := map[string]domain.Date{}
	for id, m := range g.Milestones {
		due[id] = m.Due
	}
	if len(due) != 3 || due["m-inscription"] != "2026-04-01" || due["m-dossier"] != "2026-05-31" {
		t.Fatalf("due dates %v", due)
	}
	delete(due, "m-inscription")
	delete(due, "m-dossier")
	for _, d := range due {
		if d != "2026-06-30" {
			t.Fatalf("0 days before the target is due %s", d)
		}
	}
	w.mustDo(w.h.AddMilestone(w.ctx, w.call(w.bene), commands.AddMilestone{PortfolioID: "p-zoe", GoalID: "goal-1", MilestoneID: "m-visite",
		Due: "2026-03-10", Text: domain.MilestoneText{Title: "Visite de l'IFAS"}}))
	gen := w.mustDo(w.h.AddMilestone(w.ctx, w.call(w.counsellor), commands.AddMilestone{PortfolioID: "p-zoe", GoalID: "goal-1", Due: "2026-06-01",
		Text: domain.MilestoneText{Title: "Oral"}}))
	if gen.ID == "" || w.goalState("goal-1").Milestones[gen.ID] == nil {
		t.Fatalf("generated milestone %q", gen.ID)
	}

	// Overdue is derived from the day it is asked, as the clock moves.
	overdue := func(when string, want ...string) {
		t.Helper()
		w.now, _ = time.Parse(time.DateOnly, when)
		w.now = w.now.Add(9 * time.Hour)
		if got := ids(w.goalState("goal-1").Overdue(domain.DateOf(w.now))); !slices.Equal(got, want) {
			t.Fatalf("overdue on %s: %v, want %v", when, got, want)
		}
	}
	overdue("2026-03-02")
	overdue("2026-03-10")
	overdue("2026-03-11", "m-visite")
	w.mustDo(w.h.ReachMilestone(w.ctx, w.call(w.bene), commands.ReachMilestone{PortfolioID: "p-zoe", GoalID: "goal-1", MilestoneID: "m-visite"}))
	if m := w.goalState("goal-1").Milestones["m-visite"]; m.Reached != "2026-03-11" || m.Overdue("2026-12-31") {
		t.Fatalf("reached milestone %+v", m)
	}
	overdue("2026-03-12")
	overdue("2026-04-02", "m-inscription")
	w.mustDo(w.h.MoveMilestone(w.ctx, w.call(w.counsellor), commands.MoveMilestone{PortfolioID: "p-zoe", GoalID: "goal-1", MilestoneID: "m-inscription", Due: "2026-04-15"}))
	overdue("2026-04-15")
	overdue("2026-06-02", "m-inscription", "m-dossier", gen.ID)
	w.mustDo(w.h.RemoveMilestone(w.ctx, w.call(w.bene), commands.RemoveMilestone{PortfolioID: "p-zoe", GoalID: "goal-1", MilestoneID: gen.ID}))
	overdue("2026-06-02", "m-inscription", "m-dossier")
	w.mustDo(w.h.ReachMilestone(w.ctx, w.call(w.counsellor), commands.ReachMilestone{PortfolioID: "p-zoe", GoalID: "goal-1", MilestoneID: "m-dossier", On: "2026-05-30"}))
	overdue("2026-06-02", "m-inscription")
	w.mustDo(w.h.AchieveGoal(w.ctx, w.call(w.counsellor), commands.AchieveGoal{PortfolioID: "p-zoe", GoalID: "goal-1", On: "2026-06-01"}))
	overdue("2026-07-01")
	if g := w.goalState("goal-1"); !g.Achieved || !g.Milestones[gen.ID].Removed || g.Milestones["m-dossier"].Reached != "2026-05-30" ||
		g.Personal.Title != "Entrer en formation d'aide-soignante" || g.Milestones["m-dossier"].Personal.Title != "Dossier complet" {
		t.Fatalf("goal after achievement %+v", g)
	}
	w.neverInClear("aide-soignante", "Concours IFAS", "Inscription au concours", "Dossier complet", "Visite de l'IFAS")
}

func TestGoalRefusals(t *testing.T) {
	w := newWorld(t) // today is 2026-03-02
	w.mustDo(w.h.SetGoal(w.ctx, w.call(w.counsellor), w.goal("goal-1", "2026-06-30")))
	w.mustDo(w.h.AddMilestone(w.ctx, w.call(w.bene), commands.AddMilestone{PortfolioID: "p-zoe", GoalID: "goal-1", MilestoneID: "m-1", Due: "2026-04-01", Text: domain.MilestoneText{Title: "Inscription"}}))
	w.mustDo(w.h.AddMilestone(w.ctx, w.call(w.bene), commands.AddMilestone{PortfolioID: "p-zoe", GoalID: "goal-1", MilestoneID: "m-done", Due: "2026-04-01", Text: domain.MilestoneText{Title: "Visite"}}))
	w.mustDo(w.h.ReachMilestone(w.ctx, w.call(w.bene), commands.ReachMilestone{PortfolioID: "p-zoe", GoalID: "goal-1", MilestoneID: "m-done", On: "2026-03-01"}))
	w.mustDo(w.h.AddMilestone(w.ctx, w.call(w.bene), commands.AddMilestone{PortfolioID: "p-zoe", GoalID: "goal-1", MilestoneID: "m-gone", Due: "2026-04-01", Text: domain.MilestoneText{Title: "Annulé"}}))
	w.mustDo(w.h.RemoveMilestone(w.ctx, w.call(w.bene), commands.RemoveMilestone{PortfolioID: "p-zoe", GoalID: "goal-1", MilestoneID: "m-gone"}))
	w.mustDo(w.h.SetGoal(w.ctx, w.call(w.bene), w.goal("goal-done", "2026-06-30")))
	w.mustDo(w.h.AchieveGoal(w.ctx, w.call(w.bene), commands.AchieveGoal{PortfolioID: "p-zoe", GoalID: "goal-done"}))

	everyone := w.outsiders(true)
	commandsOf := map[string]func(commands.Call) (commands.Result, error){
		"SetGoal": func(c commands.Call) (commands.Result, error) { return w.h.SetGoal(w.ctx, c, w.goal("", "2026-06-30")) },
		"PlanMilestones": func(c commands.Call) (commands.Result, error) {
			return w.h.PlanMilestones(w.ctx, c, commands.PlanMilestones{PortfolioID: "p-zoe", GoalID: "goal-1", Milestones: []domain.PlannedMilestone{{DaysBefore: 3, Text: domain.MilestoneText{Title: "x"}}}})
		},
		"AddMilestone": func(c commands.Call) (commands.Result, error) {
			return w.h.AddMilestone(w.ctx, c, commands.AddMilestone{PortfolioID: "p-zoe", GoalID: "goal-1", Due: "2026-05-01", Text: domain.MilestoneText{Title: "x"}})
		},
		"MoveMilestone": func(c commands.Call) (commands.Result, error) {
			return w.h.MoveMilestone(w.ctx, c, commands.MoveMilestone{PortfolioID: "p-zoe", GoalID: "goal-1", MilestoneID: "m-1", Due: "2026-05-01"})
		},
		"ReachMilestone": func(c commands.Call) (commands.Result, error) {
			return w.h.ReachMilestone(w.ctx, c, commands.ReachMilestone{PortfolioID: "p-zoe", GoalID: "goal-1", MilestoneID: "m-1"})
		},
		"RemoveMilestone": func(c commands.Call) (commands.Result, error) {
			return w.h.RemoveMilestone(w.ctx, c, commands.RemoveMilestone{PortfolioID: "p-zoe", GoalID: "goal-1", MilestoneID: "m-1"})
		},
		"AchieveGoal": func(c commands.Call) (commands.Result, error) {
			return w.h.AchieveGoal(w.ctx, c, commands.AchieveGoal{PortfolioID: "p-zoe", GoalID: "goal-1"})
		},
	}
	for name, cmd := range commandsOf {
		t.Run(name, func(t *testing.T) { w.refusedToAll(t, everyone, cmd) })
	}

	badGoal := func(mut func(*commands.SetGoal)) func(commands.Call) (commands.Result, error) {
		cmd := w.goal("", "2026-06-30")
		mut(&cmd)
		return func(c commands.Call) (commands.Result, error) { return w.h.SetGoal(w.ctx, c, cmd) }
	}
	plan := func(goal string, ms ...domain.PlannedMilestone) func(commands.Call) (commands.Result, error) {
		return func(c commands.Call) (commands.Result, error) {
			return w.h.PlanMilestones(w.ctx, c, commands.PlanMilestones{PortfolioID: "p-zoe", GoalID: goal, Milestones: ms})
		}
	}
	pm := func(id string, days int) domain.PlannedMilestone {
		return domain.PlannedMilestone{MilestoneID: id, DaysBefore: days, Text: domain.MilestoneText{Title: "Étape " + id}}
	}
	add := func(goal, id string, due domain.Date) func(commands.Call) (commands.Result, error) {
		return func(c commands.Call) (commands.Result, error) {
			return w.h.AddMilestone(w.ctx, c, commands.AddMilestone{PortfolioID: "p-zoe", GoalID: goal, MilestoneID: id, Due: due, Text: domain.MilestoneText{Title: "Étape"}})
		}
	}
	move := func(id string, due domain.Date) func(commands.Call) (commands.Result, error) {
		return func(c commands.Call) (commands.Result, error) {
			return w.h.MoveMilestone(w.ctx, c, commands.MoveMilestone{PortfolioID: "p-zoe", GoalID: "goal-1", MilestoneID: id, Due: due})
		}
	}
	reach := func(id string, on domain.Date) func(commands.Call) (commands.Result, error) {
		return func(c commands.Call) (commands.Result, error) {
			return w.h.ReachMilestone(w.ctx, c, commands.ReachMilestone{PortfolioID: "p-zoe", GoalID: "goal-1", MilestoneID: id, On: on})
		}
	}
	achieve := func(goal string, on domain.Date) func(commands.Call) (commands.Result, error) {
		return func(c commands.Call) (commands.Result, error) {
			return w.h.AchieveGoal(w.ctx, c, commands.AchieveGoal{PortfolioID: "p-zoe", GoalID: goal, On: on})
		}
	}
	b, c := w.bene, w.counsellor
	inv, nf, cf := domain.KindInvalid, domain.KindNotFound, domain.KindConflict
	w.refusedAll(t, []refusal{
		{"goal: unknown kind", b, badGoal(func(g *commands.SetGoal) { g.Kind = "holiday" }), inv, "kind"},
		{"goal: no target", b, badGoal(func(g *commands.SetGoal) { g.Target = "" }), inv, "target"},
		{"goal: target not a date", c, badGoal(func(g *commands.SetGoal) { g.Target = "30/06/2026" }), inv, "target"},
		{"goal: target in the past", b, badGoal(func(g *commands.SetGoal) { g.Target = "2026-03-01" }), inv, "target"},
		{"goal: no title", b, badGoal(func(g *commands.SetGoal) { g.Text.Title = " " }), inv, "title"},
		{"goal: bad id", b, badGoal(func(g *commands.SetGoal) { g.GoalID = "a/b" }), inv, "goal_id"},
		{"goal: duplicate id", b, badGoal(func(g *commands.SetGoal) { g.GoalID = "goal-1" }), cf, ""},
		{"goal: missing portfolio", b, badGoal(func(g *commands.SetGoal) { g.PortfolioID = "p-nobody" }), nf, "portfolio"},
		{"plan: unknown goal", c, plan("goal-404", pm("a", 1)), nf, "goal_id"},
		{"plan: achieved goal", c, plan("goal-done", pm("a", 1)), cf, ""},
		{"plan: nothing", c, plan("goal-1"), inv, "milestones"},
		{"plan: negative days", c, plan("goal-1", pm("a", -1)), inv, "milestones[0].days_before"},
		{"plan: due before today", c, plan("goal-1", pm("a", 10), pm("b", 121)), inv, "milestones[1].days_before"},
		{"plan: same id twice", c, plan("goal-1", pm("a", 10), pm("a", 20)), inv, "milestones[1].milestone_id"},
		{"plan: existing id", c, plan("goal-1", pm("m-1", 10)), cf, ""},
		{"plan: no title", c, plan("goal-1", domain.PlannedMilestone{MilestoneID: "a", DaysBefore: 3}), inv, "milestones[0].text.title"},
		{"add: due after the target", b, add("goal-1", "a", "2026-07-01"), inv, "due"},
		{"add: due before today", b, add("goal-1", "a", "2026-03-01"), inv, "due"},
		{"add: due not a date", b, add("goal-1", "a", "2026-02-30"), inv, "due"},
		{"add: unknown goal", b, add("goal-404", "a", "2026-05-01"), nf, "goal_id"},
		{"add: achieved goal", b, add("goal-done", "a", "2026-05-01"), cf, ""},
		{"add: existing id", b, add("goal-1", "m-1", "2026-05-01"), cf, ""},
		{"move: unknown milestone", c, move("m-404", "2026-05-01"), nf, "milestone_id"},
		{"move: removed milestone", c, move("m-gone", "2026-05-01"), nf, "milestone_id"},
		{"move: reached milestone", c, move("m-done", "2026-05-01"), cf, ""},
		{"move: into the past", c, move("m-1", "2026-02-01"), inv, "due"},
		{"move: past the target", c, move("m-1", "2026-08-01"), inv, "due"},
		{"reach: in the future", b, reach("m-1", "2026-03-03"), inv, "on"},
		{"reach: not a date", b, reach("m-1", "tomorrow"), inv, "on"},
		{"reach: twice", b, reach("m-done", ""), cf, ""},
		{"reach: removed", b, reach("m-gone", ""), nf, "milestone_id"},
		{"remove: removed", b, func(c commands.Call) (commands.Result, error) {
			return w.h.RemoveMilestone(w.ctx, c, commands.RemoveMilestone{PortfolioID: "p-zoe", GoalID: "goal-1", MilestoneID: "m-gone"})
		}, nf, "milestone_id"},
		{"achieve: twice", c, achieve("goal-done", ""), cf, ""},
		{"achieve: in the future", c, achieve("goal-1", "2026-04-01"), inv, "on"},
		{"achieve: unknown goal", c, achieve("goal-404", ""), nf, "goal_id"},
	})
}
