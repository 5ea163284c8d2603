package domain

import "time"

// GrantKind is what a grant lets its holder do.
type GrantKind string

const (
	GrantTutor   GrantKind = "tutor"   // see, comment and attest items in scope
	GrantAuditor GrantKind = "auditor" // read one VAE dossier
)

// Grant gives a tutor or an auditor access to (part of) a portfolio, until
// an optional end.
type Grant struct {
	ID          string
	Kind        GrantKind
	Grantee     string
	GrantedBy   string
	GrantedAt   time.Time
	AllItems    bool
	Experiences []string
	Competences []string
	DossierID   string
	Until       time.Time // zero: no end
	Revoked     bool
}

// ActiveAt reports whether the grant holds at now.
func (g *Grant) ActiveAt(now time.Time) bool {
	return !g.Revoked && (g.Until.IsZero() || now.Before(g.Until))
}

// Covers reports whether an active tutor grant reaches the item.
func (p *Portfolio) Covers(g *Grant, ref ItemRef) bool {
	if g.Kind != GrantTutor {
		return false
	}
	if g.AllItems {
		return true
	}
	exps, comps := p.ScopeOf(ref)
	for _, e := range exps {
		if contains(g.Experiences, e) {
			return true
		}
	}
	for _, c := range comps {
		if contains(g.Competences, c) {
			return true
		}
	}
	// A competence linked to an experience in scope is in scope too.
	for _, c := range comps {
		if comp := p.competences[c]; comp != nil {
			for _, e := range comp.Experiences {
				if contains(g.Experiences, e) {
					return true
				}
			}
		}
	}
	return false
}

// TutorCovers reports whether tutor holds an active grant reaching ref.
func (p *Portfolio) TutorCovers(tutor string, ref ItemRef, now time.Time) bool {
	for _, g := range p.grants {
		if g.Grantee == tutor && g.ActiveAt(now) && p.Covers(g, ref) {
			return true
		}
	}
	return false
}

// HasActiveGrant reports whether person holds any active grant of kind.
func (p *Portfolio) HasActiveGrant(person string, kind GrantKind, now time.Time) bool {
	for _, g := range p.grants {
		if g.Grantee == person && g.Kind == kind && g.ActiveAt(now) {
			return true
		}
	}
	return false
}

// AuditorCovers reports whether auditor holds an active grant on dossier.
func (p *Portfolio) AuditorCovers(auditor, dossierID string, now time.Time) bool {
	for _, g := range p.grants {
		if g.Kind == GrantAuditor && g.Grantee == auditor && g.DossierID == dossierID && g.ActiveAt(now) {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Grant events.
type (
	CounsellorAssigned struct {
		CounsellorID string    `json:"counsellor_id"`
		By           string    `json:"by"`
		At           time.Time `json:"at"`
	}
	CounsellorUnassigned struct {
		CounsellorID string    `json:"counsellor_id"`
		By           string    `json:"by"`
		At           time.Time `json:"at"`
	}
	TutorInvited struct {
		GrantID     string    `json:"grant_id"`
		TutorID     string    `json:"tutor_id"`
		AllItems    bool      `json:"all_items"`
		Experiences []string  `json:"experiences,omitempty"`
		Competences []string  `json:"competences,omitempty"`
		Until       time.Time `json:"until,omitzero"`
		By          string    `json:"by"`
		At          time.Time `json:"at"`
	}
	AuditorGranted struct {
		GrantID   string    `json:"grant_id"`
		AuditorID string    `json:"auditor_id"`
		DossierID string    `json:"dossier_id"`
		Until     time.Time `json:"until"`
		By        string    `json:"by"`
		At        time.Time `json:"at"`
	}
	GrantRevoked struct {
		GrantID string    `json:"grant_id"`
		By      string    `json:"by"`
		At      time.Time `json:"at"`
	}
)

func (CounsellorAssigned) EventType() string   { return "CounsellorAssigned" }
func (CounsellorUnassigned) EventType() string { return "CounsellorUnassigned" }
func (TutorInvited) EventType() string         { return "TutorInvited" }
func (AuditorGranted) EventType() string       { return "AuditorGranted" }
func (GrantRevoked) EventType() string         { return "GrantRevoked" }

func (e *CounsellorAssigned) applyTo(p *Portfolio)   { p.counsellors[e.CounsellorID] = true }
func (e *CounsellorUnassigned) applyTo(p *Portfolio) { delete(p.counsellors, e.CounsellorID) }
func (e *TutorInvited) applyTo(p *Portfolio) {
	p.grants[e.GrantID] = &Grant{ID: e.GrantID, Kind: GrantTutor, Grantee: e.TutorID, GrantedBy: e.By, GrantedAt: e.At,
		AllItems: e.AllItems, Experiences: e.Experiences, Competences: e.Competences, Until: e.Until}
}
func (e *AuditorGranted) applyTo(p *Portfolio) {
	p.grants[e.GrantID] = &Grant{ID: e.GrantID, Kind: GrantAuditor, Grantee: e.AuditorID, GrantedBy: e.By, GrantedAt: e.At,
		DossierID: e.DossierID, Until: e.Until}
}
func (e *GrantRevoked) applyTo(p *Portfolio) {
	if g := p.grants[e.GrantID]; g != nil {
		g.Revoked = true
	}
}

var grantEvents = []EventSpec{
	{Type: "CounsellorAssigned", Version: 1, New: func() Event { return &CounsellorAssigned{} }},
	{Type: "CounsellorUnassigned", Version: 1, New: func() Event { return &CounsellorUnassigned{} }},
	{Type: "TutorInvited", Version: 1, New: func() Event { return &TutorInvited{} }},
	{Type: "AuditorGranted", Version: 1, New: func() Event { return &AuditorGranted{} }},
	{Type: "GrantRevoked", Version: 1, New: func() Event { return &GrantRevoked{} }},
}

// AssignCounsellor decides the assignment of a counsellor (whose
// membership the command layer checked) to the portfolio.
func (p *Portfolio) AssignCounsellor(counsellor, by string, now time.Time) ([]Event, error) {
	if err := p.mustExist(); err != nil {
		return nil, err
	}
	if err := checkID("counsellor_id", counsellor); err != nil {
		return nil, err
	}
	if p.counsellors[counsellor] {
		return nil, conflict("counsellor %s is already assigned", counsellor)
	}
	return []Event{&CounsellorAssigned{CounsellorID: counsellor, By: by, At: now}}, nil
}

// UnassignCounsellor decides the end of an assignment.
func (p *Portfolio) UnassignCounsellor(counsellor, by string, now time.Time) ([]Event, error) {
	if err := p.mustExist(); err != nil {
		return nil, err
	}
	if !p.counsellors[counsellor] {
		return nil, notFound("counsellor_id", "counsellor %s is not assigned", counsellor)
	}
	return []Event{&CounsellorUnassigned{CounsellorID: counsellor, By: by, At: now}}, nil
}

// TutorScope is the part of a portfolio a tutor is invited on.
type TutorScope struct {
	AllItems    bool
	Experiences []string
	Competences []string
}

// InviteTutor decides a tutor grant over scope until (zero: no end).
func (p *Portfolio) InviteTutor(grantID, tutor string, scope TutorScope, until time.Time, by string, now time.Time) ([]Event, error) {
	if err := p.mustExist(); err != nil {
		return nil, err
	}
	if err := checkID("grant_id", grantID); err != nil {
		return nil, err
	}
	if err := checkID("tutor_id", tutor); err != nil {
		return nil, err
	}
	if _, dup := p.grants[grantID]; dup {
		return nil, conflict("grant %s already exists", grantID)
	}
	if !scope.AllItems && len(scope.Experiences) == 0 && len(scope.Competences) == 0 {
		return nil, invalid("scope", "name experiences or competences, or grant all items")
	}
	for _, e := range scope.Experiences {
		if !p.Has(ItemRef{Kind: ItemExperience, ID: e}) {
			return nil, notFound("scope.experiences", "no experience %s", e)
		}
	}
	for _, c := range scope.Competences {
		if !p.Has(ItemRef{Kind: ItemCompetence, ID: c}) {
			return nil, notFound("scope.competences", "no competence %s", c)
		}
	}
	if !until.IsZero() && !until.After(now) {
		return nil, invalid("until", "must be in the future")
	}
	return []Event{&TutorInvited{GrantID: grantID, TutorID: tutor, AllItems: scope.AllItems,
		Experiences: scope.Experiences, Competences: scope.Competences, Until: until.UTC(), By: by, At: now}}, nil
}

// GrantAuditor decides an auditor's read access to one dossier, until a
// required end.
func (p *Portfolio) GrantAuditor(grantID, auditor, dossierID string, until time.Time, by string, now time.Time) ([]Event, error) {
	if err := p.mustExist(); err != nil {
		return nil, err
	}
	if err := checkID("grant_id", grantID); err != nil {
		return nil, err
	}
	if err := checkID("auditor_id", auditor); err != nil {
		return nil, err
	}
	if _, dup := p.grants[grantID]; dup {
		return nil, conflict("grant %s already exists", grantID)
	}
	if _, ok := p.dossiers[dossierID]; !ok {
		return nil, notFound("dossier_id", "no dossier %s", dossierID)
	}
	if until.IsZero() || !until.After(now) {
		return nil, invalid("until", "an auditor's access needs an end date in the future")
	}
	return []Event{&AuditorGranted{GrantID: grantID, AuditorID: auditor, DossierID: dossierID, Until: until.UTC(), By: by, At: now}}, nil
}

// RevokeGrant decides the end of a grant.
func (p *Portfolio) RevokeGrant(grantID, by string, now time.Time) ([]Event, error) {
	if err := p.mustExist(); err != nil {
		return nil, err
	}
	g, ok := p.grants[grantID]
	if !ok {
		return nil, notFound("grant_id", "no grant %s", grantID)
	}
	if g.Revoked {
		return nil, conflict("grant %s is already revoked", grantID)
	}
	return []Event{&GrantRevoked{GrantID: grantID, By: by, At: now}}, nil
}
