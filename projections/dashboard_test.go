package projections_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/projections"
)

// caseOf returns counsellor's case of portfolio pid at now.
func (s *story) caseOf(counsellor, pid string, now time.Time, inactiveAfter time.Duration) projections.CaseView {
	s.t.Helper()
	s.rebuild()
	d, err := s.q.Dashboard(s.ctx, counsellor, now, inactiveAfter)
	if err != nil {
		s.t.Fatal(err)
	}
	for _, c := range d.Caseload {
		if c.PortfolioID == pid {
			return c
		}
	}
	s.t.Fatalf("%s has no case %s: %+v", counsellor, pid, d)
	return projections.CaseView{}
}

func waiting(c projections.CaseView) string {
	var out []string
	for _, w := range c.Waiting {
		out = append(out, fmt.Sprintf("%s %s %q", w.Kind, w.ID, w.Title))
	}
	return strings.Join(out, ", ")
}

func evidenceCounts(c projections.CaseView) string {
	var out []string
	for _, e := range c.Evidence {
		out = append(out, fmt.Sprintf("%s %q %d", e.CompetenceID, e.Name, e.Evidence))
	}
	return strings.Join(out, ", ")
}

// TestDashboardWaitingAndEvidence: evidence counts per competence follow
// attachments, withdrawals and replacements; what the beneficiary did
// waits for the counsellor until they comment or write in the logbook.
func TestDashboardWaitingAndEvidence(t *testing.T) {
	s := newStory(t)
	s.later(time.Hour)
	s.declare("c-1", rncp("C1.1"), "Accueillir le client")
	s.declare("c-2", nil, "Encaisser")
	for _, id := range []string{"ev-1", "ev-2", "ev-3"} {
		s.attach(id, item(domain.ItemCompetence, "c-1"), textEvidence("Preuve "+id, "Texte "+id))
	}
	s.must(s.h.WithdrawEvidence(s.ctx, s.zoe, commands.WithdrawEvidence{PortfolioID: zoe, EvidenceID: "ev-3"}))
	s.journal(s.zoe, "j-1", "Premier jour de stage.\nSuite demain.")
	c := s.caseOf("p-cons", zoe, s.now, 0)
	if got := evidenceCounts(c); got != `c-1 "Accueillir le client" 2, c-2 "Encaisser" 0` {
		t.Errorf("evidence counts: %s", got)
	}
	if got := waiting(c); got != `evidence ev-1 "Preuve ev-1", evidence ev-2 "Preuve ev-2", journal j-1 "Premier jour de stage."` {
		t.Errorf("waiting: %s", got)
	}

	s.comment(s.cons, "cm-1", item(domain.ItemEvidence, "ev-1"), "Bien")
	if c := s.caseOf("p-cons", zoe, s.now, 0); len(c.Waiting) != 0 {
		t.Errorf("after the counsellor's comment, waiting: %s", waiting(c))
	}
	s.attach("ev-4", item(domain.ItemCompetence, "c-2"), textEvidence("Caisse", "Juste"))
	s.must(s.h.SupersedeEvidence(s.ctx, s.zoe, commands.SupersedeEvidence{PortfolioID: zoe, EvidenceID: "ev-2", NewEvidenceID: "ev-5",
		EvidenceInput: textEvidence("Preuve ev-5", "Mieux")}))
	c = s.caseOf("p-cons", zoe, s.now, 0)
	if got := evidenceCounts(c); got != `c-1 "Accueillir le client" 2, c-2 "Encaisser" 1` {
		t.Errorf("evidence counts after replacement: %s", got)
	}
	if got := waiting(c); got != `evidence ev-4 "Caisse", evidence ev-5 "Preuve ev-5"` {
		t.Errorf("waiting: %s", got)
	}
	s.journal(s.cons, "j-2", "Vu ensemble.")
	s.journal(s.zoe, "j-3", "Entretien chez Martin")
	if got := waiting(s.caseOf("p-cons", zoe, s.now, 0)); got != `journal j-3 "Entretien chez Martin"` {
		t.Errorf("after the counsellor's entry, waiting: %s", got)
	}
	// A counsellor assigned now waits for what comes next only.
	s.must(s.h.AssignCounsellor(s.ctx, s.admin, commands.AssignCounsellor{PortfolioID: zoe, CounsellorID: "p-cons2"}))
	if c := s.caseOf("p-cons2", zoe, s.now, 0); len(c.Waiting) != 0 || len(c.Evidence) != 2 {
		t.Errorf("new counsellor's case: %+v", c)
	}
}

const day = 24 * time.Hour

// plannedStory is Zoé's portfolio, all its events at one moment (returned),
// with tutor grants g-1 (no end), g-2 (a day) and g-3 (revoked), a goal
// with milestones m-1 (due in 5 days), m-2 (10 days) and m-3 (reached),
// and a dossier waiting for admissibility; Karim also follows Luc.
func plannedStory(t *testing.T) (*story, time.Time) {
	s := newStory(t)
	s.must(s.h.AssignCounsellor(s.ctx, s.admin, commands.AssignCounsellor{PortfolioID: "p-luc", CounsellorID: "p-cons"}))
	s.addExperience("x-1", domain.KindProfessional, "Vendeuse")
	s.inviteTutor("g-1", time.Time{})
	s.inviteTutor("g-2", s.now.Add(day))
	s.inviteTutor("g-3", time.Time{})
	s.must(s.h.RevokeGrant(s.ctx, s.zoe, commands.RevokeGrant{PortfolioID: zoe, GrantID: "g-3"}))
	target := domain.DateOf(s.now.AddDate(0, 0, 60))
	s.must(s.h.SetGoal(s.ctx, s.cons, commands.SetGoal{PortfolioID: zoe, GoalID: "goal-1",
		GoalInput: domain.GoalInput{Kind: domain.GoalJobSearch, Target: target, Text: domain.GoalText{Title: "CDI"}}}))
	s.must(s.h.PlanMilestones(s.ctx, s.cons, commands.PlanMilestones{PortfolioID: zoe, GoalID: "goal-1", Milestones: []domain.PlannedMilestone{
		{MilestoneID: "m-1", DaysBefore: 55, Text: domain.MilestoneText{Title: "CV à jour"}},
		{MilestoneID: "m-2", DaysBefore: 50, Text: domain.MilestoneText{Title: "Dix candidatures"}},
		{MilestoneID: "m-3", DaysBefore: 53, Text: domain.MilestoneText{Title: "Salon"}}}}))
	s.must(s.h.ReachMilestone(s.ctx, s.zoe, commands.ReachMilestone{PortfolioID: zoe, GoalID: "goal-1", MilestoneID: "m-3"}))
	s.must(s.h.OpenDossier(s.ctx, s.zoe, commands.OpenDossier{PortfolioID: zoe, DossierID: "d-1", Certification: certification()}))
	s.must(s.h.RequestAdmissibility(s.ctx, s.zoe, commands.RequestAdmissibility{PortfolioID: zoe, DossierID: "d-1"}))
	return s, s.now
}

// TestDashboardDerivedAtQueryTime: tutor requests and overdue milestones
// depend on the day asked, not on a stored flag.
func TestDashboardDerivedAtQueryTime(t *testing.T) {
	s, last := plannedStory(t)
	c := s.caseOf("p-cons", zoe, last, 0)
	if len(c.TutorRequests) != 2 || c.TutorRequests[0].GrantID != "g-1" || c.TutorRequests[0].Tutor.Name != "Marc Petit" || len(c.Overdue) != 0 {
		t.Errorf("today: %+v", c)
	}
	if d := c.Dossiers; len(d) != 1 || d[0].State != domain.DossierAdmissibilityRequested || d[0].Blocks != 2 || d[0].RNCPCode != "RNCP37849" {
		t.Errorf("dossiers: %+v", d)
	}
	c = s.caseOf("p-cons", zoe, last.Add(8*day), 0)
	if len(c.TutorRequests) != 1 || len(c.Overdue) != 1 || c.Overdue[0].MilestoneID != "m-1" || c.Overdue[0].Title != "CV à jour" || c.Overdue[0].Goal != "CDI" {
		t.Errorf("in 8 days: requests %+v, overdue %+v", c.TutorRequests, c.Overdue)
	}
	if c := s.caseOf("p-cons", zoe, last.Add(11*day), 0); len(c.Overdue) != 2 || c.Overdue[1].MilestoneID != "m-2" {
		t.Errorf("in 11 days, overdue %+v", c.Overdue)
	}
	// An attestation answers the tutor's grants; an achieved goal has
	// nothing overdue.
	s.attach("ev-1", item(domain.ItemExperience, "x-1"), textEvidence("Caisse", "Juste"))
	s.attest("at-1", item(domain.ItemEvidence, "ev-1"), "Vu")
	s.must(s.h.AchieveGoal(s.ctx, s.cons, commands.AchieveGoal{PortfolioID: zoe, GoalID: "goal-1"}))
	if c := s.caseOf("p-cons", zoe, last.Add(11*day), 0); len(c.TutorRequests) != 0 || len(c.Overdue) != 0 {
		t.Errorf("after attestation and achievement: %+v", c)
	}
}

// TestDashboardInactivityAndCaseload: a portfolio is inactive after N days
// without any event (N a parameter, 14 by default); the caseload follows
// assignments.
func TestDashboardInactivityAndCaseload(t *testing.T) {
	s, last := plannedStory(t)
	for _, tc := range []struct {
		at       time.Time
		after    time.Duration
		inactive bool
	}{{last.Add(13 * day), 0, false}, {last.Add(14 * day), 0, true}, {last.Add(2 * day), 2 * day, true}, {last.Add(day), 2 * day, false}} {
		if c := s.caseOf("p-cons", zoe, tc.at, tc.after); c.Inactive != tc.inactive || !c.LastActivity.Equal(last) {
			t.Errorf("at %v after %v: inactive %v, last activity %v", tc.at, tc.after, c.Inactive, c.LastActivity)
		}
	}
	s.later(3 * day)
	s.addExperience("x-2", domain.KindProfessional, "Caissière")
	if c := s.caseOf("p-cons", zoe, last.Add(15*day), 0); c.Inactive || !c.LastActivity.Equal(s.now) {
		t.Errorf("after a new event: %+v", c)
	}
	if c := s.caseOf("p-cons", "p-luc", s.now, 0); !c.LastActivity.Equal(last) || c.Beneficiary.Name != "Luc Girard" {
		t.Errorf("Luc: %+v", c)
	}
	s.must(s.h.UnassignCounsellor(s.ctx, s.admin, commands.UnassignCounsellor{PortfolioID: "p-luc", CounsellorID: "p-cons"}))
	s.rebuild()
	d, err := s.q.Dashboard(s.ctx, "p-cons", s.now, 0)
	if err != nil || len(d.Caseload) != 1 || d.Counsellor.Name != "Karim Benali" || d.InactiveAfter != projections.DefaultInactiveAfter {
		t.Errorf("caseload after unassignment: %+v %v", d, err)
	}
	if d, err := s.q.Dashboard(s.ctx, "p-cons2", s.now, 0); err != nil || len(d.Caseload) != 0 {
		t.Errorf("a counsellor without caseload: %+v %v", d, err)
	}
}
