package projections

import (
	"time"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventcodec"
)

// Items is the read model of portfolio items that the CV, the recruiter
// page, the VAE dossier and the timeline show by reference: one document
// per item, holding the reference to the personal part of the event that
// last set its text, and people's names. Those read models keep only
// their own documents (a CV's selection, a page's items, a dossier's
// mapping) and resolve the references in the same read transaction when
// a query answers, so an edit or a removal shows at once wherever the
// item is selected, and an erasure everywhere. Keeping the items once,
// rather than in each read model that shows them, keeps rebuilds and
// storage small.
// Read models are applied independently: right after a write, one may
// name an item the items read model has not applied yet, and the query
// leaves it out until it has (waiting for the write's position, as
// Runner.WaitFor does, avoids that).
//
// Item documents live in namespaces named by kind ("experience", …) under
// the key "PORTFOLIO/ID" (a task's ID is "EXPERIENCE/TASK"); "refs" lists,
// under "PORTFOLIO/KIND/ID", the evidence, attestations and comments that
// point to an item; "person" holds, under a person's ID, the reference to
// their name as their structure enrolled them.
type Items struct{}

func (Items) Name() string { return itemsModel }
func (Items) Version() int { return 1 }

const itemsModel = "items"

// Apply keeps the item documents and people's names up to date.
func (Items) Apply(b *Batch, d eventcodec.Decoded) error {
	if e, ok := d.Event.(*domain.PersonEnrolled); ok {
		b.Put(nsPerson, e.PersonID, &personDoc{Personal: d.Personal})
		return nil
	}
	t := itemTracker{b: b, d: d, pid: portfolioOf(d.Stored.Stream)}
	if t.pid == "" {
		return nil
	}
	for _, track := range []func() error{t.experiences, t.competences, t.evidence, t.feedback, t.goals, t.journal} {
		if err := track(); err != nil {
			return err
		}
	}
	return nil
}

// itemComment is the kind of comment documents (comments are not items
// that others point to).
const itemComment domain.ItemKind = "comment"

const (
	nsPerson = "person"
	nsRefs   = "refs"
)

// itemNamespaces are the namespaces of the items read model.
var itemNamespaces = map[string]bool{nsPerson: true, nsRefs: true, string(domain.ItemExperience): true, string(domain.ItemTask): true,
	string(domain.ItemCompetence): true, string(domain.ItemEvidence): true, string(domain.ItemAttestation): true,
	string(itemComment): true, string(domain.ItemGoal): true, string(domain.ItemJournal): true}

type personDoc struct {
	Personal *eventcodec.PersonalRef `json:"personal,omitempty"`
}

type experienceDoc struct {
	Kind       domain.ExperienceKind   `json:"kind"`
	Context    domain.LearningContext  `json:"context"`
	From       domain.Date             `json:"from,omitempty"`
	To         domain.Date             `json:"to,omitempty"`
	Occupation string                  `json:"occupation,omitempty"`
	Removed    bool                    `json:"removed,omitempty"`
	Tasks      []string                `json:"tasks,omitempty"` // in the order added
	Personal   *eventcodec.PersonalRef `json:"personal,omitempty"`
}

type taskDoc struct {
	Removed  bool                    `json:"removed,omitempty"`
	Personal *eventcodec.PersonalRef `json:"personal,omitempty"`
}

type competenceDoc struct {
	Framework   *domain.FrameworkRef    `json:"framework,omitempty"`
	Experiences []string                `json:"experiences,omitempty"`
	Tasks       []string                `json:"tasks,omitempty"`
	SelfLevel   int                     `json:"self_level,omitempty"`
	Assessments []assessmentDoc         `json:"assessments,omitempty"`
	Validation  *domain.Validation      `json:"validation,omitempty"`
	Personal    *eventcodec.PersonalRef `json:"personal,omitempty"`
}

type assessmentDoc struct {
	By       string                  `json:"by"`
	Role     domain.Role             `json:"role"`
	Result   domain.AssessmentResult `json:"result"`
	At       time.Time               `json:"at"`
	Personal *eventcodec.PersonalRef `json:"personal,omitempty"`
}

// evidenceDoc: the file reference and content hash are in the personal
// part (they say what the person showed).
type evidenceDoc struct {
	Target       domain.ItemRef          `json:"target"`
	Kind         domain.EvidenceKind     `json:"kind"`
	Withdrawn    bool                    `json:"withdrawn,omitempty"`
	SupersededBy string                  `json:"superseded_by,omitempty"`
	Personal     *eventcodec.PersonalRef `json:"personal,omitempty"`
}

type feedbackDoc struct { // an attestation or a comment
	Target   domain.ItemRef          `json:"target"`
	By       string                  `json:"by"`
	Role     domain.Role             `json:"role"`
	At       time.Time               `json:"at"`
	Personal *eventcodec.PersonalRef `json:"personal,omitempty"`
}

type journalDoc struct {
	Author   string                  `json:"author"`
	Role     domain.Role             `json:"role"`
	Day      domain.Date             `json:"day"`
	Personal *eventcodec.PersonalRef `json:"personal,omitempty"`
}

type goalDoc struct {
	Kind       domain.GoalKind         `json:"kind"`
	Target     domain.Date             `json:"target"`
	Achieved   domain.Date             `json:"achieved,omitempty"`
	Milestones []milestoneDoc          `json:"milestones,omitempty"`
	Personal   *eventcodec.PersonalRef `json:"personal,omitempty"`
}

type milestoneDoc struct {
	ID       string                  `json:"id"`
	Due      domain.Date             `json:"due"`
	Reached  domain.Date             `json:"reached,omitempty"`
	Removed  bool                    `json:"removed,omitempty"`
	Personal *eventcodec.PersonalRef `json:"personal,omitempty"`
}

// refsDoc lists what points to an item.
type refsDoc struct {
	Evidence     []string `json:"evidence,omitempty"`
	Attestations []string `json:"attestations,omitempty"`
	Comments     []string `json:"comments,omitempty"`
}

func itemKey(portfolio, id string) string { return portfolio + "/" + id }
func refsKey(portfolio string, target domain.ItemRef) string {
	return portfolio + "/" + string(target.Kind) + "/" + target.ID
}

// update applies fn to the document ns/key and marks it changed; a
// missing document is left missing.
func update[T any](b *Batch, ns, key string, fn func(*T)) error {
	v, ok, err := Get[T](b, ns, key)
	if err != nil || !ok {
		return err
	}
	fn(v)
	b.Put(ns, key, v)
	return nil
}

// itemTracker applies one event to the item documents.
type itemTracker struct {
	b   *Batch
	d   eventcodec.Decoded
	pid string
}

func (t itemTracker) key(id string) string { return itemKey(t.pid, id) }

// refer adds id to the list of target's refs that field picks.
func (t itemTracker) refer(target domain.ItemRef, field func(*refsDoc) *[]string, id string) error {
	r, _, err := Get[refsDoc](t.b, nsRefs, refsKey(t.pid, target))
	if err != nil {
		return err
	}
	list := field(r)
	*list = append(*list, id)
	t.b.Put(nsRefs, refsKey(t.pid, target), r)
	return nil
}
