package projections

import (
	"slices"

	"github.com/parcours/parcours/domain"
)

// waiting keeps what the beneficiary did that waits for a counsellor's
// comment, and each counsellor's last comment or logbook entry.
func (u caseUpdate) waiting() error {
	switch e := u.d.Event.(type) {
	case *domain.EvidenceAttached:
		u.wait(domain.ItemEvidence, e.EvidenceID)
	case *domain.EvidenceRevised:
		u.unwait(domain.ItemEvidence, e.EvidenceID)
		u.wait(domain.ItemEvidence, e.EvidenceID)
	case *domain.EvidenceWithdrawn:
		u.unwait(domain.ItemEvidence, e.EvidenceID)
	case *domain.EvidenceSuperseded:
		u.unwait(domain.ItemEvidence, e.EvidenceID)
	case *domain.JournalEntryWritten:
		if e.Author == u.pid {
			u.wait(domain.ItemJournal, e.EntryID)
		} else {
			u.answered(e.Author)
		}
	case *domain.CommentAdded:
		u.answered(e.Author)
	}
	return nil
}

// wait records an item of the beneficiary's, if a counsellor may answer it.
func (u caseUpdate) wait(kind domain.ItemKind, id string) {
	if u.d.Meta.Actor != u.pid || len(u.c.Counsellors) == 0 {
		return
	}
	u.c.Waiting = append(u.c.Waiting, waitingDoc{Kind: kind, ID: id, Revision: u.rev, At: u.at, Personal: u.d.Personal})
}

func (u caseUpdate) unwait(kind domain.ItemKind, id string) {
	u.c.Waiting = slices.DeleteFunc(u.c.Waiting, func(w waitingDoc) bool { return w.Kind == kind && w.ID == id })
}

// answered moves an assigned counsellor's mark to this event.
func (u caseUpdate) answered(person string) {
	if _, ok := u.c.Counsellors[person]; ok {
		u.c.Counsellors[person] = u.rev
		u.prune()
	}
}

// prune drops what no assigned counsellor waits for any more.
func (u caseUpdate) prune() {
	if len(u.c.Counsellors) == 0 {
		u.c.Waiting = nil
		return
	}
	oldest := uint64(0)
	first := true
	for _, mark := range u.c.Counsellors {
		if first || mark < oldest {
			oldest, first = mark, false
		}
	}
	u.c.Waiting = slices.DeleteFunc(u.c.Waiting, func(w waitingDoc) bool { return w.Revision <= oldest })
}

// tutors keeps the tutor grants that wait for an attestation.
func (u caseUpdate) tutors() error {
	switch e := u.d.Event.(type) {
	case *domain.TutorInvited:
		if u.c.TutorGrants == nil {
			u.c.TutorGrants = map[string]tutorGrantDoc{}
		}
		u.c.TutorGrants[e.GrantID] = tutorGrantDoc{Tutor: e.TutorID, At: e.At, Until: e.Until}
	case *domain.GrantRevoked:
		delete(u.c.TutorGrants, e.GrantID)
	case *domain.AttestationRecorded:
		for id, g := range u.c.TutorGrants {
			if g.Tutor == e.Tutor {
				delete(u.c.TutorGrants, id)
			}
		}
	}
	return nil
}

// goals keeps the milestones that may still fall overdue.
func (u caseUpdate) goals() error {
	switch e := u.d.Event.(type) {
	case *domain.GoalSet:
		if u.c.Goals == nil {
			u.c.Goals = map[string]*caseGoal{}
		}
		u.c.Goals[e.GoalID] = &caseGoal{Personal: u.d.Personal}
	case *domain.MilestoneAdded:
		if g := u.c.Goals[e.GoalID]; g != nil {
			if g.Milestones == nil {
				g.Milestones = map[string]caseMilestone{}
			}
			g.Milestones[e.MilestoneID] = caseMilestone{Due: e.Due, Personal: u.d.Personal}
		}
	case *domain.MilestoneMoved:
		if g := u.c.Goals[e.GoalID]; g != nil {
			if m, ok := g.Milestones[e.MilestoneID]; ok {
				m.Due = e.Due
				g.Milestones[e.MilestoneID] = m
			}
		}
	case *domain.MilestoneReached:
		u.dropMilestone(e.GoalID, e.MilestoneID)
	case *domain.MilestoneRemoved:
		u.dropMilestone(e.GoalID, e.MilestoneID)
	case *domain.GoalAchieved:
		delete(u.c.Goals, e.GoalID)
	}
	return nil
}

func (u caseUpdate) dropMilestone(goal, id string) {
	if g := u.c.Goals[goal]; g != nil {
		delete(g.Milestones, id)
	}
}

// dossiers keeps where each VAE dossier stands.
func (u caseUpdate) dossiers() error {
	switch e := u.d.Event.(type) {
	case *domain.VAEDossierOpened:
		if u.c.Dossiers == nil {
			u.c.Dossiers = map[string]*caseDossier{}
		}
		u.c.Dossiers[e.DossierID] = &caseDossier{RNCPCode: e.Certification.RNCPCode, Title: e.Certification.Title,
			State: domain.DossierOpened, Blocks: len(e.Certification.Blocks)}
	case *domain.AdmissibilityRequested:
		u.dossierState(e.DossierID, domain.DossierAdmissibilityRequested)
	case *domain.AdmissibilityDecided:
		state := domain.DossierInadmissible
		if e.Admissible {
			state = domain.DossierAdmissible
		}
		u.dossierState(e.DossierID, state)
	case *domain.VAEDossierSubmitted:
		u.dossierState(e.DossierID, domain.DossierSubmitted)
	case *domain.JuryDecisionRecorded:
		if d := u.c.Dossiers[e.DossierID]; d != nil {
			d.Decided++
		}
	case *domain.VAEDossierDecided:
		u.dossierState(e.DossierID, domain.DossierDecided)
	}
	return nil
}

func (u caseUpdate) dossierState(id string, state domain.DossierState) {
	if d := u.c.Dossiers[id]; d != nil {
		d.State = state
	}
}
