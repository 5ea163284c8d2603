package domain

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// Goal events. Due and reached dates are days; "overdue" is never
// recorded: it is derived from the due date and the day it is asked.
type (
	GoalSet struct {
		GoalID   string   `json:"goal_id"`
		Kind     GoalKind `json:"kind"`
		Target   Date     `json:"target"`
		Personal GoalText `json:"-"`
	}
	MilestoneAdded struct {
		GoalID      string        `json:"goal_id"`
		MilestoneID string        `json:"milestone_id"`
		Due         Date          `json:"due"`
		Personal    MilestoneText `json:"-"`
	}
	MilestoneMoved struct {
		GoalID      string `json:"goal_id"`
		MilestoneID string `json:"milestone_id"`
		Due         Date   `json:"due"`
	}
	MilestoneReached struct {
		GoalID      string `json:"goal_id"`
		MilestoneID string `json:"milestone_id"`
		On          Date   `json:"on"`
	}
	MilestoneRemoved struct {
		GoalID      string `json:"goal_id"`
		MilestoneID string `json:"milestone_id"`
	}
	GoalAchieved struct {
		GoalID string `json:"goal_id"`
		On     Date   `json:"on"`
	}
)

func (GoalSet) EventType() string          { return "GoalSet" }
func (MilestoneAdded) EventType() string   { return "MilestoneAdded" }
func (MilestoneMoved) EventType() string   { return "MilestoneMoved" }
func (MilestoneReached) EventType() string { return "MilestoneReached" }
func (MilestoneRemoved) EventType() string { return "MilestoneRemoved" }
func (GoalAchieved) EventType() string     { return "GoalAchieved" }

func (e *GoalSet) PersonalPart() any        { return &e.Personal }
func (e *MilestoneAdded) PersonalPart() any { return &e.Personal }

func (e *GoalSet) applyTo(p *Portfolio) {
	p.goals[e.GoalID] = &Goal{ID: e.GoalID, Kind: e.Kind, Target: e.Target, Milestones: map[string]*Milestone{}, Personal: e.Personal}
}
func (e *MilestoneAdded) applyTo(p *Portfolio) {
	if g := p.goals[e.GoalID]; g != nil {
		g.Milestones[e.MilestoneID] = &Milestone{ID: e.MilestoneID, Due: e.Due, Personal: e.Personal}
	}
}
func (e *MilestoneMoved) applyTo(p *Portfolio) {
	if m := p.milestone(e.GoalID, e.MilestoneID); m != nil {
		m.Due = e.Due
	}
}
func (e *MilestoneReached) applyTo(p *Portfolio) {
	if m := p.milestone(e.GoalID, e.MilestoneID); m != nil {
		m.Reached = e.On
	}
}
func (e *MilestoneRemoved) applyTo(p *Portfolio) {
	if m := p.milestone(e.GoalID, e.MilestoneID); m != nil {
		m.Removed = true
	}
}
func (e *GoalAchieved) applyTo(p *Portfolio) {
	if g := p.goals[e.GoalID]; g != nil {
		g.Achieved = true
	}
}

var goalEvents = []EventSpec{
	{Type: "GoalSet", Version: 1, New: func() Event { return &GoalSet{} }},
	{Type: "MilestoneAdded", Version: 1, New: func() Event { return &MilestoneAdded{} }},
	{Type: "MilestoneMoved", Version: 1, New: func() Event { return &MilestoneMoved{} }},
	{Type: "MilestoneReached", Version: 1, New: func() Event { return &MilestoneReached{} }},
	{Type: "MilestoneRemoved", Version: 1, New: func() Event { return &MilestoneRemoved{} }},
	{Type: "GoalAchieved", Version: 1, New: func() Event { return &GoalAchieved{} }},
}

func (p *Portfolio) milestone(goalID, id string) *Milestone {
	if g := p.goals[goalID]; g != nil {
		return g.Milestones[id]
	}
	return nil
}

// DaysBefore returns the day n days before d ("" if d is not a date).
func (d Date) DaysBefore(n int) Date {
	t, ok := d.Time()
	if !ok {
		return ""
	}
	return DateOf(t.AddDate(0, 0, -n))
}

// Overdue returns the milestones of g overdue on today, earliest due
// first; none once the goal is achieved.
func (g *Goal) Overdue(today Date) []*Milestone {
	if g.Achieved {
		return nil
	}
	var late []*Milestone
	for _, m := range g.Milestones {
		if m.Overdue(today) {
			late = append(late, m)
		}
	}
	slices.SortFunc(late, func(a, b *Milestone) int { return cmp.Or(cmp.Compare(a.Due, b.Due), cmp.Compare(a.ID, b.ID)) })
	return late
}

// GoalInput is what is said of a goal.
type GoalInput struct {
	Kind   GoalKind `json:"kind"`
	Target Date     `json:"target"`
	Text   GoalText `json:"text"`
}

func (in GoalInput) validate(today Date) error {
	switch in.Kind {
	case GoalTraining, GoalJobSearch, GoalBusiness, GoalOther:
	default:
		return invalid("kind", "must be training, job_search, business_creation or other")
	}
	if err := checkDate("target", in.Target, true); err != nil {
		return err
	}
	if in.Target < today {
		return invalid("target", "must not be in the past")
	}
	if err := checkText("title", in.Text.Title, 1, 200); err != nil {
		return err
	}
	return checkText("description", in.Text.Description, 0, 10000)
}

// SetGoal decides a new goal.
func (p *Portfolio) SetGoal(id string, in GoalInput, now time.Time) ([]Event, error) {
	if err := p.mustExist(); err != nil {
		return nil, err
	}
	if err := checkID("goal_id", id); err != nil {
		return nil, err
	}
	if _, dup := p.goals[id]; dup {
		return nil, conflict("goal %s already exists", id)
	}
	if err := in.validate(DateOf(now)); err != nil {
		return nil, err
	}
	return []Event{&GoalSet{GoalID: id, Kind: in.Kind, Target: in.Target, Personal: in.Text}}, nil
}

// openGoal returns a goal that milestones may still change: it exists and
// is not achieved.
func (p *Portfolio) openGoal(id string) (*Goal, error) {
	if err := p.mustExist(); err != nil {
		return nil, err
	}
	g, ok := p.goals[id]
	if !ok {
		return nil, notFound("goal_id", "no goal %s", id)
	}
	if g.Achieved {
		return nil, conflict("goal %s is achieved", id)
	}
	return g, nil
}

// checkDue accepts a due date from today to the goal's target.
func checkDue(field string, due Date, g *Goal, today Date) error {
	if err := checkDate(field, due, true); err != nil {
		return err
	}
	if due < today {
		return invalid(field, "puts the due date (%s) before today", due)
	}
	if due > g.Target {
		return invalid(field, "puts the due date (%s) after the goal's target date (%s)", due, g.Target)
	}
	return nil
}

// PlannedMilestone is one milestone of a retroplanning: due DaysBefore
// days before the goal's target date.
type PlannedMilestone struct {
	MilestoneID string        `json:"milestone_id,omitempty"`
	DaysBefore  int           `json:"days_before"`
	Text        MilestoneText `json:"text"`
}

// PlanMilestones decides a retroplanning: milestones scheduled backwards
// from the goal's target date, each due a number of days before it.
func (p *Portfolio) PlanMilestones(goalID string, plan []PlannedMilestone, now time.Time) ([]Event, error) {
	g, err := p.openGoal(goalID)
	if err != nil {
		return nil, err
	}
	if len(plan) == 0 || len(plan) > 100 {
		return nil, invalid("milestones", "must list 1 to 100 milestones")
	}
	events := make([]Event, 0, len(plan))
	seen := map[string]bool{}
	for i, m := range plan {
		field := fmt.Sprintf("milestones[%d].", i)
		if err := checkNewMilestone(g, field+"milestone_id", m.MilestoneID, m.Text, field+"text.title"); err != nil {
			return nil, err
		}
		if seen[m.MilestoneID] {
			return nil, invalid(field+"milestone_id", "names milestone %s twice", m.MilestoneID)
		}
		seen[m.MilestoneID] = true
		if m.DaysBefore < 0 || m.DaysBefore > 3660 {
			return nil, invalid(field+"days_before", "must be between 0 and 3660")
		}
		due := g.Target.DaysBefore(m.DaysBefore)
		if err := checkDue(field+"days_before", due, g, DateOf(now)); err != nil {
			return nil, err
		}
		events = append(events, &MilestoneAdded{GoalID: goalID, MilestoneID: m.MilestoneID, Due: due, Personal: m.Text})
	}
	return events, nil
}

func checkNewMilestone(g *Goal, idField, id string, text MilestoneText, titleField string) error {
	if err := checkID(idField, id); err != nil {
		return err
	}
	if _, dup := g.Milestones[id]; dup {
		return conflict("milestone %s already exists", id)
	}
	return checkText(titleField, text.Title, 1, 200)
}

// AddMilestone decides one milestone due on a given day.
func (p *Portfolio) AddMilestone(goalID, id string, due Date, text MilestoneText, now time.Time) ([]Event, error) {
	g, err := p.openGoal(goalID)
	if err != nil {
		return nil, err
	}
	if err := checkNewMilestone(g, "milestone_id", id, text, "title"); err != nil {
		return nil, err
	}
	if err := checkDue("due", due, g, DateOf(now)); err != nil {
		return nil, err
	}
	return []Event{&MilestoneAdded{GoalID: goalID, MilestoneID: id, Due: due, Personal: text}}, nil
}

// liveMilestone returns a milestone of an open goal that is not removed.
func (p *Portfolio) liveMilestone(goalID, id string) (*Goal, *Milestone, error) {
	g, err := p.openGoal(goalID)
	if err != nil {
		return nil, nil, err
	}
	m, ok := g.Milestones[id]
	if !ok || m.Removed {
		return nil, nil, notFound("milestone_id", "no milestone %s", id)
	}
	return g, m, nil
}

// MoveMilestone decides a new due date for a milestone not yet reached.
func (p *Portfolio) MoveMilestone(goalID, id string, due Date, now time.Time) ([]Event, error) {
	g, m, err := p.liveMilestone(goalID, id)
	if err != nil {
		return nil, err
	}
	if m.Reached != "" {
		return nil, conflict("milestone %s was reached on %s", id, m.Reached)
	}
	if err := checkDue("due", due, g, DateOf(now)); err != nil {
		return nil, err
	}
	return []Event{&MilestoneMoved{GoalID: goalID, MilestoneID: id, Due: due}}, nil
}

// ReachMilestone decides that a milestone was reached on a day (today if
// on is empty), not in the future.
func (p *Portfolio) ReachMilestone(goalID, id string, on Date, now time.Time) ([]Event, error) {
	_, m, err := p.liveMilestone(goalID, id)
	if err != nil {
		return nil, err
	}
	if m.Reached != "" {
		return nil, conflict("milestone %s was already reached on %s", id, m.Reached)
	}
	if on, err = pastDay("on", on, now); err != nil {
		return nil, err
	}
	return []Event{&MilestoneReached{GoalID: goalID, MilestoneID: id, On: on}}, nil
}

// RemoveMilestone decides the removal of a milestone.
func (p *Portfolio) RemoveMilestone(goalID, id string) ([]Event, error) {
	if _, _, err := p.liveMilestone(goalID, id); err != nil {
		return nil, err
	}
	return []Event{&MilestoneRemoved{GoalID: goalID, MilestoneID: id}}, nil
}

// AchieveGoal decides that a goal was achieved on a day (today if on is
// empty), not in the future.
func (p *Portfolio) AchieveGoal(goalID string, on Date, now time.Time) ([]Event, error) {
	if _, err := p.openGoal(goalID); err != nil {
		return nil, err
	}
	on, err := pastDay("on", on, now)
	if err != nil {
		return nil, err
	}
	return []Event{&GoalAchieved{GoalID: goalID, On: on}}, nil
}
