package domain

import (
	"encoding/json"
	"time"
)

// Dossier events. None carries personal data: a certification's
// definition is public (RNCP), and mappings name items by ID only.
type (
	// VAEDossierOpened starts a VAE dossier for a certification defined
	// inline. Schema version 2; see upcastDossierOpened1 for version 1.
	VAEDossierOpened struct {
		DossierID     string        `json:"dossier_id"`
		Certification Certification `json:"certification"`
		Source        string        `json:"source"` // where the definition came from: DefinedInline
	}
	// AdmissibilityRequested: the owner sent the request ("livret 1").
	AdmissibilityRequested struct {
		DossierID string    `json:"dossier_id"`
		At        time.Time `json:"at"`
	}
	// AdmissibilityDecided transcribes the certifier's decision, made on
	// DecidedOn; By is the counsellor who recorded it.
	AdmissibilityDecided struct {
		DossierID  string    `json:"dossier_id"`
		Admissible bool      `json:"admissible"`
		DecidedOn  Date      `json:"decided_on"`
		By         string    `json:"by"`
		At         time.Time `json:"at"`
	}
	DossierItemMapped struct {
		DossierID string  `json:"dossier_id"`
		Block     string  `json:"block"`
		Item      ItemRef `json:"item"`
	}
	DossierItemUnmapped struct {
		DossierID string  `json:"dossier_id"`
		Block     string  `json:"block"`
		Item      ItemRef `json:"item"`
	}
	// VAEDossierSubmitted fixes the dossier as the portfolio stood at
	// PortfolioRevision, the stream's last revision before this event:
	// replaying the stream up to it shows exactly what was submitted.
	VAEDossierSubmitted struct {
		DossierID         string    `json:"dossier_id"`
		PortfolioRevision uint64    `json:"portfolio_revision"`
		At                time.Time `json:"at"`
	}
	// JuryDecisionRecorded transcribes the jury's decision on one block.
	JuryDecisionRecorded struct {
		DossierID string        `json:"dossier_id"`
		Block     string        `json:"block"`
		Decision  BlockDecision `json:"decision"`
		DecidedOn Date          `json:"decided_on"`
		By        string        `json:"by"`
		At        time.Time     `json:"at"`
	}
	// VAEDossierDecided follows the decision on the dossier's last block.
	VAEDossierDecided struct {
		DossierID string    `json:"dossier_id"`
		At        time.Time `json:"at"`
	}
)

func (VAEDossierOpened) EventType() string       { return "VAEDossierOpened" }
func (AdmissibilityRequested) EventType() string { return "AdmissibilityRequested" }
func (AdmissibilityDecided) EventType() string   { return "AdmissibilityDecided" }
func (DossierItemMapped) EventType() string      { return "DossierItemMapped" }
func (DossierItemUnmapped) EventType() string    { return "DossierItemUnmapped" }
func (VAEDossierSubmitted) EventType() string    { return "VAEDossierSubmitted" }
func (JuryDecisionRecorded) EventType() string   { return "JuryDecisionRecorded" }
func (VAEDossierDecided) EventType() string      { return "VAEDossierDecided" }

func (e *VAEDossierOpened) applyTo(p *Portfolio) {
	p.dossiers[e.DossierID] = &Dossier{ID: e.DossierID, Certification: e.Certification, State: DossierOpened,
		Mapping: map[string][]ItemRef{}, Decisions: map[string]BlockDecision{}}
}
func (e *AdmissibilityRequested) applyTo(p *Portfolio) {
	if d := p.dossiers[e.DossierID]; d != nil {
		d.State, d.Admissible = DossierAdmissibilityRequested, nil
	}
}
func (e *AdmissibilityDecided) applyTo(p *Portfolio) {
	if d := p.dossiers[e.DossierID]; d != nil {
		ok := e.Admissible
		d.Admissible, d.State = &ok, DossierInadmissible
		if ok {
			d.State = DossierAdmissible
		}
	}
}
func (e *DossierItemMapped) applyTo(p *Portfolio) {
	if d := p.dossiers[e.DossierID]; d != nil {
		d.Mapping[e.Block] = append(d.Mapping[e.Block], e.Item)
	}
}
func (e *DossierItemUnmapped) applyTo(p *Portfolio) {
	if d := p.dossiers[e.DossierID]; d != nil {
		var kept []ItemRef
		for _, r := range d.Mapping[e.Block] {
			if r != e.Item {
				kept = append(kept, r)
			}
		}
		if d.Mapping[e.Block] = kept; len(kept) == 0 {
			delete(d.Mapping, e.Block)
		}
	}
}
func (e *VAEDossierSubmitted) applyTo(p *Portfolio) {
	if d := p.dossiers[e.DossierID]; d != nil {
		d.State, d.SubmittedRevision, d.SubmittedAt = DossierSubmitted, e.PortfolioRevision, e.At
	}
}
func (e *JuryDecisionRecorded) applyTo(p *Portfolio) {
	if d := p.dossiers[e.DossierID]; d != nil {
		d.Decisions[e.Block] = e.Decision
	}
}
func (e *VAEDossierDecided) applyTo(p *Portfolio) {
	if d := p.dossiers[e.DossierID]; d != nil {
		d.State = DossierDecided
	}
}

var dossierEvents = []EventSpec{
	{Type: "VAEDossierOpened", Version: 2, New: func() Event { return &VAEDossierOpened{} },
		Upcast: map[uint32]func([]byte) ([]byte, error){1: upcastDossierOpened1}},
	{Type: "AdmissibilityRequested", Version: 1, New: func() Event { return &AdmissibilityRequested{} }},
	{Type: "AdmissibilityDecided", Version: 1, New: func() Event { return &AdmissibilityDecided{} }},
	{Type: "DossierItemMapped", Version: 1, New: func() Event { return &DossierItemMapped{} }},
	{Type: "DossierItemUnmapped", Version: 1, New: func() Event { return &DossierItemUnmapped{} }},
	{Type: "VAEDossierSubmitted", Version: 1, New: func() Event { return &VAEDossierSubmitted{} }},
	{Type: "JuryDecisionRecorded", Version: 1, New: func() Event { return &JuryDecisionRecorded{} }},
	{Type: "VAEDossierDecided", Version: 1, New: func() Event { return &VAEDossierDecided{} }},
}

// DefinedInline is the source of a certification given within the
// dossier, the only source for now (a later one: the national registry).
const DefinedInline = "inline"

// upcastDossierOpened1 turns a version-1 VAEDossierOpened, which kept the
// certification's fields at the top level, into version 2: nested under
// "certification", with the source, inline, the only one there was. The
// blocks pass through byte for byte.
func upcastDossierOpened1(clear []byte) ([]byte, error) {
	var v1 struct {
		DossierID string          `json:"dossier_id"`
		RNCPCode  string          `json:"rncp_code"`
		Title     string          `json:"title"`
		Blocks    json.RawMessage `json:"blocks"`
	}
	if err := json.Unmarshal(clear, &v1); err != nil {
		return nil, err
	}
	type certificationV2 struct {
		RNCPCode string          `json:"rncp_code"`
		Title    string          `json:"title"`
		Blocks   json.RawMessage `json:"blocks"`
	}
	return json.Marshal(struct {
		DossierID     string          `json:"dossier_id"`
		Certification certificationV2 `json:"certification"`
		Source        string          `json:"source"`
	}{v1.DossierID, certificationV2{v1.RNCPCode, v1.Title, v1.Blocks}, DefinedInline})
}
