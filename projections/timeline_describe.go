package projections

import (
	"strconv"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventcodec"
)

// timelineStep turns one event of a portfolio into a timeline entry,
// keeping the titles of what the items read model does not keep
// (documents, CVs, pages, dossiers) and the grantees of grants, which
// later entries name.
type timelineStep struct {
	b   *Batch
	d   eventcodec.Decoded
	pid string
	e   timelineDoc
}

func (t *timelineStep) describe() error {
	for _, step := range []func() error{t.items, t.feedback, t.plans, t.folders, t.dossier, t.access} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// titledByItems are the kinds whose titles the items read model keeps
// (a milestone's ID is "GOAL/MILESTONE").
var titledByItems = map[domain.ItemKind]bool{domain.ItemExperience: true, domain.ItemTask: true, domain.ItemCompetence: true,
	domain.ItemEvidence: true, domain.ItemAttestation: true, domain.ItemGoal: true, itemMilestone: true, domain.ItemJournal: true}

// names makes the event's personal part what the entry names, and the
// title of a thing the items read model does not keep.
func (t *timelineStep) names(kind domain.ItemKind, id, clear string) error {
	t.e.titleDoc = titleDoc{Title: t.d.Personal, Clear: clear}
	if !titledByItems[kind] {
		doc := t.e.titleDoc
		t.b.Put(nsTitle, refsKey(t.pid, domain.ItemRef{Kind: kind, ID: id}), &doc)
	}
	return nil
}

// about makes the entry name an item by its last title.
func (t *timelineStep) about(kind domain.ItemKind, id string) error {
	if titledByItems[kind] {
		t.e.Item = &domain.ItemRef{Kind: kind, ID: id}
		return nil
	}
	doc, _, err := Get[titleDoc](t.b, nsTitle, refsKey(t.pid, domain.ItemRef{Kind: kind, ID: id}))
	if err == nil {
		t.e.titleDoc = *doc
	}
	return err
}

func (t *timelineStep) set(name, value string) {
	if t.e.Vars == nil {
		t.e.Vars = map[string]string{}
	}
	t.e.Vars[name] = value
}

func (t *timelineStep) items() error {
	switch e := t.d.Event.(type) {
	case *domain.ExperienceAdded:
		return t.names(domain.ItemExperience, e.ExperienceID, "")
	case *domain.ExperienceEdited:
		return t.names(domain.ItemExperience, e.ExperienceID, "")
	case *domain.ExperienceRemoved:
		return t.about(domain.ItemExperience, e.ExperienceID)
	case *domain.TaskAdded:
		return t.names(domain.ItemTask, e.ExperienceID+"/"+e.TaskID, "")
	case *domain.TaskEdited:
		return t.names(domain.ItemTask, e.ExperienceID+"/"+e.TaskID, "")
	case *domain.TaskRemoved:
		return t.about(domain.ItemTask, e.ExperienceID+"/"+e.TaskID)
	case *domain.CompetenceAdded:
		clear := ""
		if e.Framework != nil {
			clear = e.Framework.Framework + " " + e.Framework.Code
		}
		return t.names(domain.ItemCompetence, e.CompetenceID, clear)
	case *domain.CompetenceLinked:
		return t.about(domain.ItemCompetence, e.CompetenceID)
	case *domain.CompetenceUnlinked:
		return t.about(domain.ItemCompetence, e.CompetenceID)
	case *domain.CompetenceSelfAssessed:
		t.set("level", strconv.Itoa(e.Level))
		return t.about(domain.ItemCompetence, e.CompetenceID)
	case *domain.CompetenceAssessmentRecorded:
		t.set("result", string(e.Result))
		return t.about(domain.ItemCompetence, e.CompetenceID)
	case *domain.CompetenceValidationRecorded:
		return t.about(domain.ItemCompetence, e.CompetenceID)
	case *domain.EvidenceAttached:
		return t.names(domain.ItemEvidence, e.EvidenceID, "")
	case *domain.EvidenceRevised:
		return t.names(domain.ItemEvidence, e.EvidenceID, "")
	case *domain.EvidenceWithdrawn:
		return t.about(domain.ItemEvidence, e.EvidenceID)
	case *domain.EvidenceSuperseded:
		return t.about(domain.ItemEvidence, e.EvidenceID)
	}
	return nil
}

// feedback names the item commented or attested.
func (t *timelineStep) feedback() error {
	switch e := t.d.Event.(type) {
	case *domain.CommentAdded:
		return t.about(e.Target.Kind, e.Target.ID)
	case *domain.AttestationRecorded:
		return t.about(e.Target.Kind, e.Target.ID)
	}
	return nil
}

func (t *timelineStep) plans() error {
	milestone := func(goal, id string) string { return goal + "/" + id }
	switch e := t.d.Event.(type) {
	case *domain.GoalSet:
		return t.names(domain.ItemGoal, e.GoalID, "")
	case *domain.MilestoneAdded:
		t.set("due", string(e.Due))
		return t.names(itemMilestone, milestone(e.GoalID, e.MilestoneID), "")
	case *domain.MilestoneMoved:
		t.set("due", string(e.Due))
		return t.about(itemMilestone, milestone(e.GoalID, e.MilestoneID))
	case *domain.MilestoneReached:
		t.set("day", string(e.On))
		return t.about(itemMilestone, milestone(e.GoalID, e.MilestoneID))
	case *domain.MilestoneRemoved:
		return t.about(itemMilestone, milestone(e.GoalID, e.MilestoneID))
	case *domain.GoalAchieved:
		t.set("day", string(e.On))
		return t.about(domain.ItemGoal, e.GoalID)
	case *domain.JournalEntryWritten:
		t.set("day", string(e.Day))
		return t.names(domain.ItemJournal, e.EntryID, "")
	}
	return nil
}

// Kinds of titled things that are not items others point to.
const (
	itemMilestone domain.ItemKind = "milestone"
	itemDocument  domain.ItemKind = "document"
	itemCV        domain.ItemKind = "cv"
	itemPage      domain.ItemKind = "page"
)

func (t *timelineStep) folders() error {
	switch e := t.d.Event.(type) {
	case *domain.DocumentAdded:
		return t.names(itemDocument, e.DocumentID, "")
	case *domain.DocumentShared:
		return t.about(itemDocument, e.DocumentID)
	case *domain.DocumentUnshared:
		return t.about(itemDocument, e.DocumentID)
	case *domain.DocumentRemoved:
		return t.about(itemDocument, e.DocumentID)
	case *domain.CVCreated:
		return t.names(itemCV, e.CVID, "")
	case *domain.CVEdited:
		return t.names(itemCV, e.CVID, "")
	case *domain.CVRemoved:
		return t.about(itemCV, e.CVID)
	case *domain.PageCreated:
		return t.names(itemPage, e.PageID, "")
	case *domain.PageEdited:
		return t.names(itemPage, e.PageID, "")
	case *domain.PageRemoved:
		return t.about(itemPage, e.PageID)
	case *domain.PagePublished:
		return t.about(itemPage, e.PageID)
	case *domain.ShareLinkRevoked:
		return t.about(itemPage, e.PageID)
	}
	return nil
}

func (t *timelineStep) dossier() error {
	switch e := t.d.Event.(type) {
	case *domain.VAEDossierOpened:
		doc := &titleDoc{Clear: e.Certification.RNCPCode + " " + e.Certification.Title}
		t.b.Put(nsTitle, refsKey(t.pid, domain.ItemRef{Kind: domain.ItemDossier, ID: e.DossierID}), doc)
		t.e.titleDoc = *doc
	case *domain.AdmissibilityRequested:
		return t.about(domain.ItemDossier, e.DossierID)
	case *domain.AdmissibilityDecided:
		t.e.Label += map[bool]string{true: ".admissible", false: ".inadmissible"}[e.Admissible]
		t.set("day", string(e.DecidedOn))
		return t.about(domain.ItemDossier, e.DossierID)
	case *domain.DossierItemMapped:
		t.set("block", e.Block)
		return t.about(e.Item.Kind, e.Item.ID)
	case *domain.DossierItemUnmapped:
		t.set("block", e.Block)
		return t.about(e.Item.Kind, e.Item.ID)
	case *domain.VAEDossierSubmitted:
		return t.about(domain.ItemDossier, e.DossierID)
	case *domain.JuryDecisionRecorded:
		t.set("block", e.Block)
		t.set("decision", string(e.Decision))
		return t.about(domain.ItemDossier, e.DossierID)
	case *domain.VAEDossierDecided:
		return t.about(domain.ItemDossier, e.DossierID)
	}
	return nil
}

// access names the person an assignment or a grant is about.
func (t *timelineStep) access() error {
	grant := func(id, person string) {
		t.b.Put(nsGrantee, itemKey(t.pid, id), &granteeDoc{Person: person})
		t.e.Person = person
	}
	switch e := t.d.Event.(type) {
	case *domain.CounsellorAssigned:
		t.e.Person = e.CounsellorID
	case *domain.CounsellorUnassigned:
		t.e.Person = e.CounsellorID
	case *domain.TutorInvited:
		grant(e.GrantID, e.TutorID)
	case *domain.AuditorGranted:
		grant(e.GrantID, e.AuditorID)
		return t.about(domain.ItemDossier, e.DossierID)
	case *domain.GrantRevoked:
		g, _, err := Get[granteeDoc](t.b, nsGrantee, itemKey(t.pid, e.GrantID))
		if err != nil {
			return err
		}
		t.e.Person = g.Person
	}
	return nil
}
