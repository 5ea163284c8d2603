package projections

import (
	"time"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventcodec"
)

// Dashboards is the counsellor dashboard: for each counsellor, the
// portfolios assigned to them, each summed up in one document (last
// activity, evidence per competence, what waits for them, tutors asked
// for an attestation, milestones, VAE dossiers); people's names come from
// the items read model. What depends on the day (overdue, inactive,
// expired) is derived when the query answers.
//
// Waiting for a counsellor's comment: evidence the beneficiary attached or
// revised, and logbook entries the beneficiary wrote, after the later of
// the counsellor's assignment and their last comment or logbook entry in
// that portfolio (withdrawn and superseded evidence no longer waits).
//
// Asked of tutors: tutor grants neither revoked nor expired whose tutor
// has recorded no attestation in the portfolio since the grant.
type Dashboards struct{}

func (Dashboards) Name() string { return "dashboard" }
func (Dashboards) Version() int { return 1 }

const (
	nsCaseload = "caseload" // counsellor ID → caseloadDoc
	nsCase     = "case"     // portfolio ID → caseDoc
)

type caseloadDoc struct {
	Portfolios map[string]bool `json:"portfolios,omitempty"`
}

type caseDoc struct {
	LastActivity time.Time                  `json:"last_activity"`
	Counsellors  map[string]uint64          `json:"counsellors,omitempty"` // assigned → revision after which items wait for them
	Competences  map[string]*caseCompetence `json:"competences,omitempty"`
	EvidenceOn   map[string]string          `json:"evidence_on,omitempty"` // live evidence on a competence → the competence
	Waiting      []waitingDoc               `json:"waiting,omitempty"`
	TutorGrants  map[string]tutorGrantDoc   `json:"tutor_grants,omitempty"`
	Goals        map[string]*caseGoal       `json:"goals,omitempty"`
	Dossiers     map[string]*caseDossier    `json:"dossiers,omitempty"`
}

type caseCompetence struct {
	Framework *domain.FrameworkRef    `json:"framework,omitempty"`
	Evidence  int                     `json:"evidence"`
	Personal  *eventcodec.PersonalRef `json:"personal,omitempty"`
}

type waitingDoc struct {
	Kind     domain.ItemKind         `json:"kind"`
	ID       string                  `json:"id"`
	Revision uint64                  `json:"revision"`
	At       time.Time               `json:"at"`
	Personal *eventcodec.PersonalRef `json:"personal,omitempty"`
}

type tutorGrantDoc struct {
	Tutor string    `json:"tutor"`
	At    time.Time `json:"at"`
	Until time.Time `json:"until,omitzero"`
}

// caseGoal keeps the milestones that may still fall overdue: achieved
// goals, reached and removed milestones are dropped.
type caseGoal struct {
	Personal   *eventcodec.PersonalRef  `json:"personal,omitempty"`
	Milestones map[string]caseMilestone `json:"milestones,omitempty"`
}

type caseMilestone struct {
	Due      domain.Date             `json:"due"`
	Personal *eventcodec.PersonalRef `json:"personal,omitempty"`
}

type caseDossier struct {
	RNCPCode string              `json:"rncp_code"`
	Title    string              `json:"title"`
	State    domain.DossierState `json:"state"`
	Blocks   int                 `json:"blocks"`
	Decided  int                 `json:"decided"`
}

// caseUpdate applies one event of a portfolio to its case document.
type caseUpdate struct {
	b   *Batch
	d   eventcodec.Decoded
	pid string
	c   *caseDoc
	rev uint64
	at  time.Time
}

func (Dashboards) Apply(b *Batch, d eventcodec.Decoded) error {
	pid := portfolioOf(d.Stored.Stream)
	if pid == "" {
		return nil
	}
	c, _, err := Get[caseDoc](b, nsCase, pid)
	if err != nil {
		return err
	}
	u := caseUpdate{b: b, d: d, pid: pid, c: c, rev: d.Stored.Revision, at: d.Meta.OccurredAt}
	if u.at.IsZero() {
		u.at = d.Stored.RecordedAt
	}
	if u.at.After(c.LastActivity) {
		c.LastActivity = u.at
	}
	for _, step := range []func() error{u.counsellors, u.competences, u.waiting, u.tutors, u.goals, u.dossiers} {
		if err := step(); err != nil {
			return err
		}
	}
	b.Put(nsCase, pid, c)
	return nil
}

// counsellors keeps the assignments, in the case and in the caseloads.
func (u caseUpdate) counsellors() error {
	var counsellor string
	assigned := false
	switch e := u.d.Event.(type) {
	case *domain.CounsellorAssigned:
		counsellor, assigned = e.CounsellorID, true
		if u.c.Counsellors == nil {
			u.c.Counsellors = map[string]uint64{}
		}
		u.c.Counsellors[counsellor] = u.rev
	case *domain.CounsellorUnassigned:
		counsellor = e.CounsellorID
		delete(u.c.Counsellors, counsellor)
		u.prune()
	default:
		return nil
	}
	load, _, err := Get[caseloadDoc](u.b, nsCaseload, counsellor)
	if err != nil {
		return err
	}
	if load.Portfolios == nil {
		load.Portfolios = map[string]bool{}
	}
	if assigned {
		load.Portfolios[u.pid] = true
	} else {
		delete(load.Portfolios, u.pid)
	}
	u.b.Put(nsCaseload, counsellor, load)
	return nil
}

// competences counts the live evidence attached to each competence.
func (u caseUpdate) competences() error {
	switch e := u.d.Event.(type) {
	case *domain.CompetenceAdded:
		if u.c.Competences == nil {
			u.c.Competences = map[string]*caseCompetence{}
		}
		u.c.Competences[e.CompetenceID] = &caseCompetence{Framework: e.Framework, Personal: u.d.Personal}
	case *domain.EvidenceAttached:
		comp := u.c.Competences[e.Target.ID]
		if e.Target.Kind != domain.ItemCompetence || comp == nil {
			return nil
		}
		comp.Evidence++
		if u.c.EvidenceOn == nil {
			u.c.EvidenceOn = map[string]string{}
		}
		u.c.EvidenceOn[e.EvidenceID] = e.Target.ID
	case *domain.EvidenceWithdrawn:
		u.evidenceGone(e.EvidenceID)
	case *domain.EvidenceSuperseded:
		u.evidenceGone(e.EvidenceID)
	}
	return nil
}

func (u caseUpdate) evidenceGone(id string) {
	if comp, ok := u.c.EvidenceOn[id]; ok {
		u.c.Competences[comp].Evidence--
		delete(u.c.EvidenceOn, id)
	}
}
