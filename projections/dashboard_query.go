package projections

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"time"

	"github.com/parcours/parcours/domain"
)

// DefaultInactiveAfter is how long without activity marks a beneficiary
// inactive when the caller does not say.
const DefaultInactiveAfter = 14 * 24 * time.Hour

// CounsellorDashboard is what a counsellor sees of their caseload at a
// moment.
type CounsellorDashboard struct {
	Counsellor    PersonView    `json:"counsellor"`
	At            time.Time     `json:"at"`
	InactiveAfter time.Duration `json:"inactive_after"`
	Caseload      []CaseView    `json:"caseload"`
}

// CaseView is one assigned beneficiary.
type CaseView struct {
	PortfolioID  string     `json:"portfolio_id"`
	Beneficiary  PersonView `json:"beneficiary"`
	LastActivity time.Time  `json:"last_activity"`
	// Inactive: nothing happened in the portfolio for InactiveAfter.
	Inactive      bool                 `json:"inactive"`
	Evidence      []CompetenceEvidence `json:"evidence_per_competence"`
	Waiting       []WaitingItem        `json:"waiting"`
	TutorRequests []TutorRequest       `json:"tutor_requests"`
	Overdue       []OverdueMilestone   `json:"overdue_milestones"`
	Dossiers      []DossierStatus      `json:"dossiers"`
}

// CompetenceEvidence counts the live evidence attached to a competence.
type CompetenceEvidence struct {
	CompetenceID string               `json:"competence_id"`
	Framework    *domain.FrameworkRef `json:"framework,omitempty"`
	Name         string               `json:"name,omitempty"`
	Erased       bool                 `json:"erased,omitempty"`
	Evidence     int                  `json:"evidence"`
}

// WaitingItem is evidence or a logbook entry waiting for the counsellor's
// comment; Title is the evidence's title or the start of the entry.
type WaitingItem struct {
	Kind   domain.ItemKind `json:"kind"`
	ID     string          `json:"id"`
	At     time.Time       `json:"at"`
	Title  string          `json:"title,omitempty"`
	Erased bool            `json:"erased,omitempty"`
}

// TutorRequest is a tutor asked (granted access) who has not attested yet.
type TutorRequest struct {
	GrantID string     `json:"grant_id"`
	Tutor   PersonView `json:"tutor"`
	Since   time.Time  `json:"since"`
	Until   time.Time  `json:"until,omitzero"`
}

// OverdueMilestone is a milestone past due and not reached.
type OverdueMilestone struct {
	GoalID      string      `json:"goal_id"`
	Goal        string      `json:"goal,omitempty"`
	MilestoneID string      `json:"milestone_id"`
	Title       string      `json:"title,omitempty"`
	Due         domain.Date `json:"due"`
	Erased      bool        `json:"erased,omitempty"`
}

// DossierStatus is where a VAE dossier stands.
type DossierStatus struct {
	DossierID string              `json:"dossier_id"`
	RNCPCode  string              `json:"rncp_code"`
	Title     string              `json:"title"`
	State     domain.DossierState `json:"state"`
	Blocks    int                 `json:"blocks"`
	Decided   int                 `json:"blocks_decided"`
}

// Dashboard returns a counsellor's dashboard at now: their caseload in
// portfolio order. inactiveAfter (DefaultInactiveAfter if not positive)
// is how long without any event in a portfolio makes it inactive. A
// counsellor without caseload gets an empty one. Erased people read as
// erased.
func (q *Queries) Dashboard(ctx context.Context, counsellorID string, now time.Time, inactiveAfter time.Duration) (CounsellorDashboard, error) {
	if inactiveAfter <= 0 {
		inactiveAfter = DefaultInactiveAfter
	}
	r, err := q.begin(ctx, Dashboards{}.Name())
	if err != nil {
		return CounsellorDashboard{}, err
	}
	defer r.close()
	out := CounsellorDashboard{At: now, InactiveAfter: inactiveAfter, Caseload: []CaseView{}}
	s := caseReader{resolver: newResolver(r, "", false), counsellor: counsellorID, now: now, inactiveAfter: inactiveAfter}
	if out.Counsellor, err = s.person(counsellorID); err != nil {
		return out, err
	}
	caseload, _, err := load[caseloadDoc](r, nsCaseload, counsellorID)
	if err != nil {
		return out, err
	}
	for _, pid := range slices.Sorted(maps.Keys(caseload.Portfolios)) {
		c, ok, err := load[caseDoc](r, nsCase, pid)
		if err != nil {
			return out, err
		}
		if !ok {
			continue
		}
		v, err := s.caseView(pid, c)
		if err != nil {
			return out, err
		}
		out.Caseload = append(out.Caseload, v)
	}
	return out, nil
}

// caseReader answers the cases of one counsellor at one moment.
type caseReader struct {
	*resolver
	counsellor    string
	now           time.Time
	inactiveAfter time.Duration
}

// caseView answers one case.
func (s caseReader) caseView(pid string, c *caseDoc) (CaseView, error) {
	v := CaseView{PortfolioID: pid, LastActivity: c.LastActivity, Inactive: s.now.Sub(c.LastActivity) >= s.inactiveAfter}
	var err error
	if v.Beneficiary, err = s.person(pid); err != nil {
		return v, err
	}
	for _, step := range []func(*CaseView, *caseDoc) error{s.caseEvidence, s.caseWaiting, s.caseTutors, s.caseOverdue} {
		if err := step(&v, c); err != nil {
			return v, err
		}
	}
	v.Dossiers = []DossierStatus{}
	for _, id := range slices.Sorted(maps.Keys(c.Dossiers)) {
		d := c.Dossiers[id]
		v.Dossiers = append(v.Dossiers, DossierStatus{DossierID: id, RNCPCode: d.RNCPCode, Title: d.Title, State: d.State, Blocks: d.Blocks, Decided: d.Decided})
	}
	return v, nil
}

func (s caseReader) caseEvidence(v *CaseView, c *caseDoc) error {
	v.Evidence = []CompetenceEvidence{}
	for _, id := range slices.Sorted(maps.Keys(c.Competences)) {
		comp := c.Competences[id]
		e, erased, err := s.r.openEvent(comp.Personal)
		if err != nil {
			return err
		}
		v.Evidence = append(v.Evidence, CompetenceEvidence{CompetenceID: id, Framework: comp.Framework, Name: titleOf(e), Erased: erased, Evidence: comp.Evidence})
	}
	return nil
}

// caseWaiting lists what waits for this counsellor: items after their mark.
func (s caseReader) caseWaiting(v *CaseView, c *caseDoc) error {
	v.Waiting = []WaitingItem{}
	mark, ok := c.Counsellors[s.counsellor]
	if !ok {
		return nil
	}
	for _, w := range c.Waiting {
		if w.Revision <= mark {
			continue
		}
		e, erased, err := s.r.openEvent(w.Personal)
		if err != nil {
			return err
		}
		v.Waiting = append(v.Waiting, WaitingItem{Kind: w.Kind, ID: w.ID, At: w.At, Title: titleOf(e), Erased: erased})
	}
	return nil
}

func (s caseReader) caseTutors(v *CaseView, c *caseDoc) error {
	v.TutorRequests = []TutorRequest{}
	for _, id := range slices.Sorted(maps.Keys(c.TutorGrants)) {
		g := c.TutorGrants[id]
		if !g.Until.IsZero() && !s.now.Before(g.Until) {
			continue
		}
		tutor, err := s.person(g.Tutor)
		if err != nil {
			return err
		}
		v.TutorRequests = append(v.TutorRequests, TutorRequest{GrantID: id, Tutor: tutor, Since: g.At, Until: g.Until})
	}
	return nil
}

// caseOverdue derives the milestones overdue on the day of the query.
func (s caseReader) caseOverdue(v *CaseView, c *caseDoc) error {
	v.Overdue = []OverdueMilestone{}
	today := domain.DateOf(s.now)
	for goalID, g := range c.Goals {
		goal, goalErased, err := s.r.openEvent(g.Personal)
		if err != nil {
			return err
		}
		for id, m := range g.Milestones {
			if !(&domain.Milestone{Due: m.Due}).Overdue(today) {
				continue
			}
			e, erased, err := s.r.openEvent(m.Personal)
			if err != nil {
				return err
			}
			v.Overdue = append(v.Overdue, OverdueMilestone{GoalID: goalID, Goal: titleOf(goal), MilestoneID: id, Title: titleOf(e), Due: m.Due, Erased: erased || goalErased})
		}
	}
	slices.SortFunc(v.Overdue, func(a, b OverdueMilestone) int {
		return cmp.Or(cmp.Compare(a.Due, b.Due), cmp.Compare(a.GoalID, b.GoalID), cmp.Compare(a.MilestoneID, b.MilestoneID))
	})
	return nil
}
