package projections

import "github.com/parcours/parcours/domain"

// The item trackers, one per family of events; each ignores the events of
// the others.

func (t itemTracker) experiences() error {
	const ns, tasks = string(domain.ItemExperience), string(domain.ItemTask)
	switch e := t.d.Event.(type) {
	case *domain.ExperienceAdded:
		t.b.Put(ns, t.key(e.ExperienceID), &experienceDoc{Kind: e.Kind, Context: e.Context, From: e.From, To: e.To,
			Occupation: e.Occupation, Personal: t.d.Personal})
	case *domain.ExperienceEdited:
		return update(t.b, ns, t.key(e.ExperienceID), func(x *experienceDoc) {
			x.Kind, x.Context, x.From, x.To, x.Occupation, x.Personal = e.Kind, e.Context, e.From, e.To, e.Occupation, t.d.Personal
		})
	case *domain.ExperienceRemoved:
		return update(t.b, ns, t.key(e.ExperienceID), func(x *experienceDoc) { x.Removed = true })
	case *domain.TaskAdded:
		t.b.Put(tasks, t.key(e.ExperienceID+"/"+e.TaskID), &taskDoc{Personal: t.d.Personal})
		return update(t.b, ns, t.key(e.ExperienceID), func(x *experienceDoc) { x.Tasks = append(x.Tasks, e.TaskID) })
	case *domain.TaskEdited:
		return update(t.b, tasks, t.key(e.ExperienceID+"/"+e.TaskID), func(x *taskDoc) { x.Personal = t.d.Personal })
	case *domain.TaskRemoved:
		return update(t.b, tasks, t.key(e.ExperienceID+"/"+e.TaskID), func(x *taskDoc) { x.Removed = true })
	}
	return nil
}

func (t itemTracker) competences() error {
	const ns = string(domain.ItemCompetence)
	switch e := t.d.Event.(type) {
	case *domain.CompetenceAdded:
		t.b.Put(ns, t.key(e.CompetenceID), &competenceDoc{Framework: e.Framework, Personal: t.d.Personal})
	case *domain.CompetenceLinked:
		return update(t.b, ns, t.key(e.CompetenceID), func(c *competenceDoc) {
			c.Experiences, c.Tasks = append(c.Experiences, e.Experiences...), append(c.Tasks, e.Tasks...)
		})
	case *domain.CompetenceUnlinked:
		return update(t.b, ns, t.key(e.CompetenceID), func(c *competenceDoc) {
			c.Experiences, c.Tasks = without(c.Experiences, e.Experiences), without(c.Tasks, e.Tasks)
		})
	case *domain.CompetenceSelfAssessed:
		return update(t.b, ns, t.key(e.CompetenceID), func(c *competenceDoc) { c.SelfLevel = e.Level })
	case *domain.CompetenceAssessmentRecorded:
		return update(t.b, ns, t.key(e.CompetenceID), func(c *competenceDoc) {
			c.Assessments = append(c.Assessments, assessmentDoc{By: e.By, Role: e.Role, Result: e.Result, At: e.At, Personal: t.d.Personal})
		})
	case *domain.CompetenceValidationRecorded:
		return update(t.b, ns, t.key(e.CompetenceID), func(c *competenceDoc) {
			c.Validation = &domain.Validation{By: e.By, Role: e.Role, At: e.At}
		})
	}
	return nil
}

func (t itemTracker) evidence() error {
	const ns = string(domain.ItemEvidence)
	switch e := t.d.Event.(type) {
	case *domain.EvidenceAttached:
		t.b.Put(ns, t.key(e.EvidenceID), &evidenceDoc{Target: e.Target, Kind: e.Kind, Personal: t.d.Personal})
		return t.refer(e.Target, func(r *refsDoc) *[]string { return &r.Evidence }, e.EvidenceID)
	case *domain.EvidenceRevised:
		return update(t.b, ns, t.key(e.EvidenceID), func(x *evidenceDoc) { x.Kind, x.Personal = e.Kind, t.d.Personal })
	case *domain.EvidenceWithdrawn:
		return update(t.b, ns, t.key(e.EvidenceID), func(x *evidenceDoc) { x.Withdrawn = true })
	case *domain.EvidenceSuperseded:
		return update(t.b, ns, t.key(e.EvidenceID), func(x *evidenceDoc) { x.SupersededBy = e.SupersededBy })
	}
	return nil
}

func (t itemTracker) feedback() error {
	switch e := t.d.Event.(type) {
	case *domain.AttestationRecorded:
		t.b.Put(string(domain.ItemAttestation), t.key(e.AttestationID),
			&feedbackDoc{Target: e.Target, By: e.Tutor, Role: domain.RoleTutor, At: e.At, Personal: t.d.Personal})
		return t.refer(e.Target, func(r *refsDoc) *[]string { return &r.Attestations }, e.AttestationID)
	case *domain.CommentAdded:
		t.b.Put(string(itemComment), t.key(e.CommentID),
			&feedbackDoc{Target: e.Target, By: e.Author, Role: e.Role, At: e.At, Personal: t.d.Personal})
		return t.refer(e.Target, func(r *refsDoc) *[]string { return &r.Comments }, e.CommentID)
	}
	return nil
}

func (t itemTracker) goals() error {
	const ns = string(domain.ItemGoal)
	milestone := func(goal, id string, fn func(*milestoneDoc)) error {
		return update(t.b, ns, t.key(goal), func(g *goalDoc) {
			for i := range g.Milestones {
				if g.Milestones[i].ID == id {
					fn(&g.Milestones[i])
				}
			}
		})
	}
	switch e := t.d.Event.(type) {
	case *domain.GoalSet:
		t.b.Put(ns, t.key(e.GoalID), &goalDoc{Kind: e.Kind, Target: e.Target, Personal: t.d.Personal})
	case *domain.MilestoneAdded:
		return update(t.b, ns, t.key(e.GoalID), func(g *goalDoc) {
			g.Milestones = append(g.Milestones, milestoneDoc{ID: e.MilestoneID, Due: e.Due, Personal: t.d.Personal})
		})
	case *domain.MilestoneMoved:
		return milestone(e.GoalID, e.MilestoneID, func(m *milestoneDoc) { m.Due = e.Due })
	case *domain.MilestoneReached:
		return milestone(e.GoalID, e.MilestoneID, func(m *milestoneDoc) { m.Reached = e.On })
	case *domain.MilestoneRemoved:
		return milestone(e.GoalID, e.MilestoneID, func(m *milestoneDoc) { m.Removed = true })
	case *domain.GoalAchieved:
		return update(t.b, ns, t.key(e.GoalID), func(g *goalDoc) { g.Achieved = e.On })
	}
	return nil
}

func (t itemTracker) journal() error {
	if e, ok := t.d.Event.(*domain.JournalEntryWritten); ok {
		t.b.Put(string(domain.ItemJournal), t.key(e.EntryID), &journalDoc{Author: e.Author, Role: e.Role, Day: e.Day, Personal: t.d.Personal})
	}
	return nil
}

// without returns list less the elements of drop, in a new slice.
func without(list, drop []string) []string {
	var out []string
	for _, s := range list {
		keep := true
		for _, d := range drop {
			keep = keep && s != d
		}
		if keep {
			out = append(out, s)
		}
	}
	return out
}
