package domain

// Portfolio is a beneficiary's portfolio: everything they record, who may
// see and comment it, and their VAE dossiers. One stream per portfolio;
// its ID is the owner's person ID.
type Portfolio struct {
	id     string
	owner  string
	tenant string
	exists bool

	counsellors map[string]bool
	grants      map[string]*Grant

	experiences  map[string]*Experience
	competences  map[string]*Competence
	evidence     map[string]*Evidence
	comments     map[string]*Comment
	attestations map[string]*Attestation
	goals        map[string]*Goal
	journal      map[string]*JournalEntry
	documents    map[string]*Document
	cvs          map[string]*CV
	pages        map[string]*Page
	dossiers     map[string]*Dossier
}

// NewPortfolio returns the empty state of portfolio id, before any event.
func NewPortfolio(id string) *Portfolio {
	return &Portfolio{
		id: id, counsellors: map[string]bool{}, grants: map[string]*Grant{},
		experiences: map[string]*Experience{}, competences: map[string]*Competence{},
		evidence: map[string]*Evidence{}, comments: map[string]*Comment{}, attestations: map[string]*Attestation{},
		goals: map[string]*Goal{}, journal: map[string]*JournalEntry{}, documents: map[string]*Document{},
		cvs: map[string]*CV{}, pages: map[string]*Page{}, dossiers: map[string]*Dossier{},
	}
}

func (p *Portfolio) ID() string     { return p.id }
func (p *Portfolio) Owner() string  { return p.owner }
func (p *Portfolio) Tenant() string { return p.tenant }
func (p *Portfolio) Exists() bool   { return p.exists }

// Apply evolves the state by one event; it never validates and never
// fails.
func (p *Portfolio) Apply(e Event) {
	if pe, ok := e.(portfolioEvent); ok {
		pe.applyTo(p)
	}
}

type portfolioEvent interface {
	Event
	applyTo(*Portfolio)
}

// PortfolioOpened starts a portfolio for its owner within a structure.
type PortfolioOpened struct {
	PortfolioID string `json:"portfolio_id"`
	Owner       string `json:"owner"`
	Tenant      string `json:"tenant"`
}

func (PortfolioOpened) EventType() string { return "PortfolioOpened" }
func (e *PortfolioOpened) applyTo(p *Portfolio) {
	p.exists, p.owner, p.tenant = true, e.Owner, e.Tenant
}

var portfolioEvents = []EventSpec{
	{Type: "PortfolioOpened", Version: 1, New: func() Event { return &PortfolioOpened{} }},
}

// Open decides the opening of the portfolio of owner (its ID) in tenant.
func (p *Portfolio) Open(tenant string) ([]Event, error) {
	if p.exists {
		return nil, conflict("portfolio %s already exists", p.id)
	}
	if err := checkID("portfolio_id", p.id); err != nil {
		return nil, err
	}
	return []Event{&PortfolioOpened{PortfolioID: p.id, Owner: p.id, Tenant: tenant}}, nil
}

func (p *Portfolio) mustExist() error {
	if !p.exists {
		return notFound("portfolio", "no portfolio %s", p.id)
	}
	return nil
}

// ItemKind names the kinds of portfolio items that comments, evidence and
// scopes point to.
type ItemKind string

const (
	ItemExperience  ItemKind = "experience"
	ItemTask        ItemKind = "task"
	ItemCompetence  ItemKind = "competence"
	ItemEvidence    ItemKind = "evidence"
	ItemGoal        ItemKind = "goal"
	ItemJournal     ItemKind = "journal"
	ItemDossier     ItemKind = "dossier"
	ItemAttestation ItemKind = "attestation"
)

// ItemRef points to one item of the portfolio. A task is named by its
// experience and its own ID ("EXPERIENCE/TASK").
type ItemRef struct {
	Kind ItemKind `json:"kind"`
	ID   string   `json:"id"`
}

// Has reports whether the item exists (and is not removed).
func (p *Portfolio) Has(ref ItemRef) bool {
	switch ref.Kind {
	case ItemExperience:
		e, ok := p.experiences[ref.ID]
		return ok && !e.Removed
	case ItemTask:
		_, ok := p.task(ref.ID)
		return ok
	case ItemCompetence:
		_, ok := p.competences[ref.ID]
		return ok
	case ItemEvidence:
		e, ok := p.evidence[ref.ID]
		return ok && !e.Withdrawn
	case ItemGoal:
		_, ok := p.goals[ref.ID]
		return ok
	case ItemJournal:
		_, ok := p.journal[ref.ID]
		return ok
	case ItemDossier:
		_, ok := p.dossiers[ref.ID]
		return ok
	case ItemAttestation:
		_, ok := p.attestations[ref.ID]
		return ok
	}
	return false
}

// Scope of an item: the experiences and competences it belongs to, which
// decide whether a tutor invited on some of them may see and comment it.
func (p *Portfolio) ScopeOf(ref ItemRef) (experiences, competences []string) {
	switch ref.Kind {
	case ItemExperience:
		return []string{ref.ID}, nil
	case ItemTask:
		exp, _, _ := splitTask(ref.ID)
		return []string{exp}, nil
	case ItemCompetence:
		c := p.competences[ref.ID]
		if c == nil {
			return nil, []string{ref.ID}
		}
		return nil, []string{ref.ID}
	case ItemEvidence:
		if e := p.evidence[ref.ID]; e != nil {
			return p.ScopeOf(e.Target)
		}
	case ItemAttestation:
		if a := p.attestations[ref.ID]; a != nil {
			return p.ScopeOf(a.Target)
		}
	}
	return nil, nil
}

// Accessors for readers (projections, authorization).
func (p *Portfolio) Counsellors() map[string]bool          { return p.counsellors }
func (p *Portfolio) Grants() map[string]*Grant             { return p.grants }
func (p *Portfolio) Experiences() map[string]*Experience   { return p.experiences }
func (p *Portfolio) Competences() map[string]*Competence   { return p.competences }
func (p *Portfolio) Evidence() map[string]*Evidence        { return p.evidence }
func (p *Portfolio) Comments() map[string]*Comment         { return p.comments }
func (p *Portfolio) Attestations() map[string]*Attestation { return p.attestations }
func (p *Portfolio) Goals() map[string]*Goal               { return p.goals }
func (p *Portfolio) Journal() map[string]*JournalEntry     { return p.journal }
func (p *Portfolio) Documents() map[string]*Document       { return p.documents }
func (p *Portfolio) CVs() map[string]*CV                   { return p.cvs }
func (p *Portfolio) Pages() map[string]*Page               { return p.pages }
func (p *Portfolio) Dossiers() map[string]*Dossier         { return p.dossiers }
func (p *Portfolio) IsCounsellor(personID string) bool     { return p.counsellors[personID] }
func (p *Portfolio) Experience(id string) (*Experience, bool) {
	e, ok := p.experiences[id]
	return e, ok && !e.Removed
}
