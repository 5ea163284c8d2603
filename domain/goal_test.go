package domain_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/parcours/parcours/domain"
)

// openedPortfolio returns p-zoe's opened portfolio.
func openedPortfolio(t *testing.T) *domain.Portfolio {
	t.Helper()
	p := domain.NewPortfolio("p-zoe")
	applyDecided(t, p)(p.Open("s-ml"))
	return p
}

// applyDecided returns a function that applies decided events to p, failing the
// test on a refusal.
func applyDecided(t *testing.T, p *domain.Portfolio) func([]domain.Event, error) []domain.Event {
	return func(events []domain.Event, err error) []domain.Event {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			p.Apply(e)
		}
		return events
	}
}

func TestDaysBefore(t *testing.T) {
	for _, c := range []struct {
		target domain.Date
		days   int
		want   domain.Date
	}{
		{"2026-06-30", 0, "2026-06-30"},
		{"2026-06-30", 30, "2026-05-31"},
		{"2026-06-30", 90, "2026-04-01"},
		{"2026-03-31", 30, "2026-03-01"},
		{"2026-03-29", 1, "2026-03-28"}, // a DST change in Europe: days, not hours
		{"2028-03-01", 1, "2028-02-29"},
		{"2027-03-01", 1, "2027-02-28"},
		{"2026-01-05", 10, "2025-12-26"},
		{"2026-06-30", 365, "2025-06-30"},
		{"30/06/2026", 1, ""},
	} {
		if got := c.target.DaysBefore(c.days); got != c.want {
			t.Errorf("%s minus %d days = %q, want %q", c.target, c.days, got, c.want)
		}
	}
}

func TestPlanMilestonesDecidesWithoutChangingState(t *testing.T) {
	p := openedPortfolio(t)
	now := time.Date(2026, 3, 2, 23, 30, 0, 0, time.UTC)
	applyDecided(t, p)(p.SetGoal("g", domain.GoalInput{Kind: domain.GoalJobSearch, Target: "2026-04-30", Text: domain.GoalText{Title: "Trouver un CDI"}}, now))
	plan := []domain.PlannedMilestone{
		{MilestoneID: "cv", DaysBefore: 59, Text: domain.MilestoneText{Title: "CV à jour"}},
		{MilestoneID: "offres", DaysBefore: 14, Text: domain.MilestoneText{Title: "Dix candidatures"}},
	}
	events, err := p.PlanMilestones("g", plan, now)
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.Event{
		&domain.MilestoneAdded{GoalID: "g", MilestoneID: "cv", Due: "2026-03-02", Personal: domain.MilestoneText{Title: "CV à jour"}},
		&domain.MilestoneAdded{GoalID: "g", MilestoneID: "offres", Due: "2026-04-16", Personal: domain.MilestoneText{Title: "Dix candidatures"}},
	}
	if !reflect.DeepEqual(events, want) {
		t.Fatalf("decided %#v", events)
	}
	if n := len(p.Goals()["g"].Milestones); n != 0 {
		t.Fatalf("deciding changed the state: %d milestones", n)
	}
	// 60 days before is 2026-03-01: yesterday.
	if _, err := p.PlanMilestones("g", []domain.PlannedMilestone{{MilestoneID: "x", DaysBefore: 60, Text: domain.MilestoneText{Title: "x"}}}, now); domain.KindOf(err) != domain.KindInvalid {
		t.Fatalf("a milestone due yesterday: %v", err)
	}
}

func TestOverdueIsDerived(t *testing.T) {
	p := openedPortfolio(t)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	applyDecided(t, p)(p.SetGoal("g", domain.GoalInput{Kind: domain.GoalBusiness, Target: "2026-12-01", Text: domain.GoalText{Title: "Créer ma boulangerie"}}, now))
	applyDecided(t, p)(p.AddMilestone("g", "a", "2026-03-10", domain.MilestoneText{Title: "Business plan"}, now))
	applyDecided(t, p)(p.AddMilestone("g", "b", "2026-03-05", domain.MilestoneText{Title: "Banque"}, now))
	g := p.Goals()["g"]
	ids := func(today domain.Date) []string {
		var out []string
		for _, m := range g.Overdue(today) {
			out = append(out, m.ID)
		}
		return out
	}
	for today, want := range map[domain.Date][]string{"2026-03-05": nil, "2026-03-06": {"b"}, "2026-03-11": {"b", "a"}} {
		if got := ids(today); !reflect.DeepEqual(got, want) {
			t.Errorf("overdue on %s: %v, want %v", today, got, want)
		}
	}
	applyDecided(t, p)(p.ReachMilestone("g", "b", "", now))
	if got := ids("2026-03-11"); !reflect.DeepEqual(got, []string{"a"}) {
		t.Fatalf("after reaching b: %v", got)
	}
	applyDecided(t, p)(p.AchieveGoal("g", "", now))
	if got := ids("2026-03-11"); got != nil || !g.Milestones["a"].Overdue("2026-03-11") {
		t.Fatalf("an achieved goal has no overdue milestones (%v), its milestones keep their own rule", got)
	}
}
