package projections

import (
	"time"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventcodec"
)

// VAEDossiers is the VAE dossier view: a dossier's certification blocks,
// each with the portfolio's competences that refer to the block and its
// competences, the experiences and evidence mapped to it (with content
// hashes, file references, comments and attestations, whose status says
// whether the evidence is still as the tutor saw it), the assessments and
// validations of those competences, the jury's decision, and what the
// block still lacks. Items are resolved from the items read model when
// the dossier is read.
type VAEDossiers struct{}

func (VAEDossiers) Name() string { return "vae_dossier" }
func (VAEDossiers) Version() int { return 1 }

const nsDossier = "dossier" // PORTFOLIO/DOSSIER → dossierDoc

type dossierDoc struct {
	Certification     domain.Certification        `json:"certification"`
	State             domain.DossierState         `json:"state"`
	Mapping           map[string][]domain.ItemRef `json:"mapping,omitempty"`
	RequestedAt       time.Time                   `json:"requested_at,omitzero"`
	Admissible        *bool                       `json:"admissible,omitempty"`
	AdmissibilityOn   domain.Date                 `json:"admissibility_on,omitempty"`
	AdmissibilityBy   string                      `json:"admissibility_by,omitempty"`
	SubmittedRevision uint64                      `json:"submitted_revision,omitempty"`
	SubmittedAt       time.Time                   `json:"submitted_at,omitzero"`
	Decisions         map[string]decisionDoc      `json:"decisions,omitempty"`
	DecidedAt         time.Time                   `json:"decided_at,omitzero"`
}

type decisionDoc struct {
	Decision domain.BlockDecision `json:"decision"`
	On       domain.Date          `json:"on"`
	By       string               `json:"by"`
	At       time.Time            `json:"at"`
}

func (VAEDossiers) Apply(b *Batch, d eventcodec.Decoded) error {
	pid := portfolioOf(d.Stored.Stream)
	change := func(id string, fn func(*dossierDoc)) error { return update(b, nsDossier, itemKey(pid, id), fn) }
	switch e := d.Event.(type) {
	case *domain.VAEDossierOpened:
		b.Put(nsDossier, itemKey(pid, e.DossierID), &dossierDoc{Certification: e.Certification, State: domain.DossierOpened})
	case *domain.AdmissibilityRequested:
		return change(e.DossierID, func(x *dossierDoc) {
			x.State, x.RequestedAt, x.Admissible, x.AdmissibilityOn, x.AdmissibilityBy = domain.DossierAdmissibilityRequested, e.At, nil, "", ""
		})
	case *domain.AdmissibilityDecided:
		return change(e.DossierID, func(x *dossierDoc) {
			ok := e.Admissible
			x.State, x.Admissible, x.AdmissibilityOn, x.AdmissibilityBy = domain.DossierInadmissible, &ok, e.DecidedOn, e.By
			if ok {
				x.State = domain.DossierAdmissible
			}
		})
	case *domain.DossierItemMapped:
		return change(e.DossierID, func(x *dossierDoc) {
			if x.Mapping == nil {
				x.Mapping = map[string][]domain.ItemRef{}
			}
			x.Mapping[e.Block] = append(x.Mapping[e.Block], e.Item)
		})
	case *domain.DossierItemUnmapped:
		return change(e.DossierID, func(x *dossierDoc) { x.unmap(e.Block, e.Item) })
	case *domain.VAEDossierSubmitted:
		return change(e.DossierID, func(x *dossierDoc) {
			x.State, x.SubmittedRevision, x.SubmittedAt = domain.DossierSubmitted, e.PortfolioRevision, e.At
		})
	case *domain.JuryDecisionRecorded:
		return change(e.DossierID, func(x *dossierDoc) {
			if x.Decisions == nil {
				x.Decisions = map[string]decisionDoc{}
			}
			x.Decisions[e.Block] = decisionDoc{Decision: e.Decision, On: e.DecidedOn, By: e.By, At: e.At}
		})
	case *domain.VAEDossierDecided:
		return change(e.DossierID, func(x *dossierDoc) { x.State, x.DecidedAt = domain.DossierDecided, e.At })
	}
	return nil
}

func (x *dossierDoc) unmap(block string, item domain.ItemRef) {
	var kept []domain.ItemRef
	for _, r := range x.Mapping[block] {
		if r != item {
			kept = append(kept, r)
		}
	}
	if x.Mapping[block] = kept; len(kept) == 0 {
		delete(x.Mapping, block)
	}
}

// DossierView is a VAE dossier as its owner, their counsellor and an
// auditor read it.
type DossierView struct {
	PortfolioID   string              `json:"portfolio_id"`
	DossierID     string              `json:"dossier_id"`
	Owner         PersonView          `json:"owner"`
	RNCPCode      string              `json:"rncp_code"`
	Title         string              `json:"title"`
	State         domain.DossierState `json:"state"`
	Admissibility Admissibility       `json:"admissibility"`
	// SubmittedRevision is the portfolio stream's revision the submission
	// fixed: replaying the stream up to it shows what was submitted.
	SubmittedRevision uint64        `json:"submitted_revision,omitempty"`
	SubmittedAt       time.Time     `json:"submitted_at,omitzero"`
	DecidedAt         time.Time     `json:"decided_at,omitzero"`
	Blocks            []BlockView   `json:"blocks"`
	Complete          bool          `json:"complete"` // no block lacks anything
	Comments          []CommentView `json:"comments,omitempty"`
}

// Admissibility is the request ("livret 1") and the certifier's decision,
// transcribed by a counsellor.
type Admissibility struct {
	RequestedAt time.Time   `json:"requested_at,omitzero"`
	Admissible  *bool       `json:"admissible,omitempty"` // nil until decided
	DecidedOn   domain.Date `json:"decided_on,omitempty"`
	RecordedBy  *PersonView `json:"recorded_by,omitempty"`
}

// BlockView is one block of the certification.
type BlockView struct {
	Code  string `json:"code"`
	Title string `json:"title"`
	// Declared are the portfolio's competences that refer to the block
	// itself; each of Competences those that refer to one of its
	// competences.
	Declared     []CompetenceView      `json:"declared,omitempty"`
	Competences  []BlockCompetenceView `json:"competences"`
	Experiences  []ExperienceView      `json:"experiences"`
	Evidence     []EvidenceView        `json:"evidence"`
	Decision     *JuryDecision         `json:"decision,omitempty"`
	Completeness Completeness          `json:"completeness"`
}

// BlockCompetenceView is a competence of the certification, and the
// portfolio's competences that refer to it.
type BlockCompetenceView struct {
	Code     string           `json:"code"`
	Title    string           `json:"title"`
	Declared []CompetenceView `json:"declared,omitempty"`
}

// JuryDecision is the jury's decision on a block, transcribed.
type JuryDecision struct {
	Decision   domain.BlockDecision `json:"decision"`
	DecidedOn  domain.Date          `json:"decided_on"`
	RecordedBy PersonView           `json:"recorded_by"`
	At         time.Time            `json:"at"`
}

// Completeness counts what supports a block as domain.DossierProgress
// does and names what it lacks ("mapping", "evidence", "attestation").
// Attestations count only while their content hash can be compared, so
// none do once the owner is erased.
type Completeness struct {
	Items    int      `json:"items"`
	Evidence int      `json:"evidence"`
	Attested int      `json:"attested"`
	Lacks    []string `json:"lacks,omitempty"`
}
