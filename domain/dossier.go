package domain

import "time"

// A VAE dossier moves opened → admissibility_requested → admissible or
// inadmissible (then a new request may follow) → submitted → decided. The
// owner prepares and submits it; an assigned counsellor transcribes the
// certifier's and the jury's decisions (the command layer authorizes).
// Until submission the owner maps experiences and evidence to blocks;
// from then on the mapping is fixed and its items stay (dossierUsing).

// dossierUsing returns the ID of a submitted (or decided) dossier whose
// mapping includes ref, or "".
func (p *Portfolio) dossierUsing(ref ItemRef) string {
	for id, d := range p.dossiers {
		if d.State != DossierSubmitted && d.State != DossierDecided {
			continue
		}
		for _, refs := range d.Mapping {
			for _, r := range refs {
				if r == ref {
					return id
				}
			}
		}
	}
	return ""
}

// Block returns the block of code in the dossier's certification.
func (d *Dossier) Block(code string) (Block, bool) {
	for _, b := range d.Certification.Blocks {
		if b.Code == code {
			return b, true
		}
	}
	return Block{}, false
}

// Editable reports whether the mapping may still change: until submission.
func (d *Dossier) Editable() bool {
	return d.State != DossierSubmitted && d.State != DossierDecided
}

func (d *Dossier) mapped(block string, item ItemRef) bool {
	for _, r := range d.Mapping[block] {
		if r == item {
			return true
		}
	}
	return false
}

// supersededBy returns the evidence that replaced item, or "": a dossier
// under preparation maps current evidence only.
func (p *Portfolio) supersededBy(item ItemRef) string {
	if e := p.evidence[item.ID]; item.Kind == ItemEvidence && e != nil {
		return e.SupersededBy
	}
	return ""
}

// dossier returns dossier id of an existing portfolio.
func (p *Portfolio) dossier(id string) (*Dossier, error) {
	if err := p.mustExist(); err != nil {
		return nil, err
	}
	d, ok := p.dossiers[id]
	if !ok {
		return nil, notFound("dossier_id", "no dossier %s", id)
	}
	return d, nil
}

// OpenDossier decides a new VAE dossier for certification c, defined
// inline. A certification has one dossier under way at a time.
func (p *Portfolio) OpenDossier(id string, c Certification) ([]Event, error) {
	if err := p.mustExist(); err != nil {
		return nil, err
	}
	if err := checkID("dossier_id", id); err != nil {
		return nil, err
	}
	if _, dup := p.dossiers[id]; dup {
		return nil, conflict("dossier %s already exists", id)
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	for _, d := range p.dossiers {
		if d.Certification.RNCPCode == c.RNCPCode && d.State != DossierInadmissible && d.State != DossierDecided {
			return nil, conflict("dossier %s for %s is under way", d.ID, c.RNCPCode)
		}
	}
	return []Event{&VAEDossierOpened{DossierID: id, Certification: c, Source: DefinedInline}}, nil
}

// RequestAdmissibility decides the admissibility request ("livret 1"), or
// a new one after a refusal.
func (p *Portfolio) RequestAdmissibility(id string, now time.Time) ([]Event, error) {
	d, err := p.dossier(id)
	if err != nil {
		return nil, err
	}
	if d.State != DossierOpened && d.State != DossierInadmissible {
		return nil, conflict("dossier %s is %s: admissibility cannot be requested", id, d.State)
	}
	return []Event{&AdmissibilityRequested{DossierID: id, At: now}}, nil
}

// RecordAdmissibility decides the transcription by by of the certifier's
// decision on a pending request, made on day on.
func (p *Portfolio) RecordAdmissibility(id string, admissible bool, on Date, by string, now time.Time) ([]Event, error) {
	d, err := p.dossier(id)
	if err != nil {
		return nil, err
	}
	if d.State != DossierAdmissibilityRequested {
		return nil, conflict("dossier %s is %s: no admissibility request is pending", id, d.State)
	}
	if err := checkDecisionDay(on, "", now); err != nil {
		return nil, err
	}
	return []Event{&AdmissibilityDecided{DossierID: id, Admissible: admissible, DecidedOn: on, By: by, At: now}}, nil
}

// editableBlock returns dossier id if its mapping may change and it has
// block.
func (p *Portfolio) editableBlock(id, block string) (*Dossier, error) {
	d, err := p.dossier(id)
	if err != nil {
		return nil, err
	}
	if !d.Editable() {
		return nil, conflict("dossier %s is %s: its mapping is fixed", id, d.State)
	}
	if _, ok := d.Block(block); !ok {
		return nil, notFound("block", "no block %s in dossier %s", block, id)
	}
	return d, nil
}

// MapToBlock decides that a live experience or piece of evidence supports
// a block of a dossier not yet submitted.
func (p *Portfolio) MapToBlock(id, block string, item ItemRef) ([]Event, error) {
	d, err := p.editableBlock(id, block)
	if err != nil {
		return nil, err
	}
	if item.Kind != ItemExperience && item.Kind != ItemEvidence {
		return nil, invalid("item.kind", "must be experience or evidence")
	}
	if !p.Has(item) {
		return nil, notFound("item.id", "no %s %s", item.Kind, item.ID)
	}
	if by := p.supersededBy(item); by != "" {
		return nil, conflict("evidence %s was superseded by %s: map that one", item.ID, by)
	}
	if d.mapped(block, item) {
		return nil, conflict("%s %s is already mapped to block %s", item.Kind, item.ID, block)
	}
	return []Event{&DossierItemMapped{DossierID: id, Block: block, Item: item}}, nil
}

// UnmapFromBlock decides that an item no longer supports a block of a
// dossier not yet submitted.
func (p *Portfolio) UnmapFromBlock(id, block string, item ItemRef) ([]Event, error) {
	d, err := p.editableBlock(id, block)
	if err != nil {
		return nil, err
	}
	if !d.mapped(block, item) {
		return nil, notFound("item.id", "%s %s is not mapped to block %s", item.Kind, item.ID, block)
	}
	return []Event{&DossierItemUnmapped{DossierID: id, Block: block, Item: item}}, nil
}

// SubmitDossier decides the submission of an admissible dossier whose
// every block is supported by current items only (experiences not
// removed, evidence neither withdrawn nor superseded). revision is the portfolio
// stream's last revision: the state the submission fixes.
func (p *Portfolio) SubmitDossier(id string, revision uint64, now time.Time) ([]Event, error) {
	d, err := p.dossier(id)
	if err != nil {
		return nil, err
	}
	if d.State != DossierAdmissible {
		return nil, conflict("dossier %s is %s: only an admissible dossier can be submitted", id, d.State)
	}
	for _, b := range d.Certification.Blocks {
		if len(d.Mapping[b.Code]) == 0 {
			return nil, conflict("block %s has no experience or evidence mapped to it", b.Code)
		}
		for _, r := range d.Mapping[b.Code] {
			if !p.Has(r) || p.supersededBy(r) != "" {
				return nil, conflict("block %s maps %s %s, which is gone or superseded: unmap it first", b.Code, r.Kind, r.ID)
			}
		}
	}
	return []Event{&VAEDossierSubmitted{DossierID: id, PortfolioRevision: revision, At: now}}, nil
}

// RecordJuryDecision decides the transcription by by of the jury's
// decision on one block of a submitted dossier, made on day on; the last
// block's decision decides the dossier.
func (p *Portfolio) RecordJuryDecision(id, block string, decision BlockDecision, on Date, by string, now time.Time) ([]Event, error) {
	d, err := p.dossier(id)
	if err != nil {
		return nil, err
	}
	if d.State != DossierSubmitted {
		return nil, conflict("dossier %s is %s: the jury decides a submitted dossier", id, d.State)
	}
	if _, ok := d.Block(block); !ok {
		return nil, notFound("block", "no block %s in dossier %s", block, id)
	}
	if _, done := d.Decisions[block]; done {
		return nil, conflict("block %s already has the jury's decision", block)
	}
	switch decision {
	case BlockValidated, BlockPartly, BlockNotValidated:
	default:
		return nil, invalid("decision", "must be validated, partly or not_validated")
	}
	if err := checkDecisionDay(on, DateOf(d.SubmittedAt), now); err != nil {
		return nil, err
	}
	events := []Event{&JuryDecisionRecorded{DossierID: id, Block: block, Decision: decision, DecidedOn: on, By: by, At: now}}
	if len(d.Decisions)+1 == len(d.Certification.Blocks) {
		events = append(events, &VAEDossierDecided{DossierID: id, At: now})
	}
	return events, nil
}

// checkDecisionDay checks the day a certifier or jury decided: given, and
// neither in the future nor before notBefore ("" for no bound).
func checkDecisionDay(day Date, notBefore Date, now time.Time) error {
	if err := checkDate("decided_on", day, true); err != nil {
		return err
	}
	if day > DateOf(now) {
		return invalid("decided_on", "must not be in the future")
	}
	if day < notBefore {
		return invalid("decided_on", "must not be before the submission (%s)", notBefore)
	}
	return nil
}
