package domain

// BlockProgress is where one block of a VAE dossier stands, for the
// dossier's read model and for the owner preparing it: what is mapped to
// the block, what evidence supports it, how much of it a tutor attested.
type BlockProgress struct {
	Block string
	// Items counts the live experiences and evidence mapped to the block.
	Items int
	// Evidence counts the evidence that supports the block: mapped to it
	// and not withdrawn, or current (neither withdrawn nor superseded) and
	// attached to a mapped experience or to one of its live tasks.
	Evidence int
	// Attested counts the attestations of that evidence still bound to its
	// content (same hash), and of live tasks of mapped experiences.
	Attested int
}

// Lacks names what the block still needs, among "mapping", "evidence"
// and "attestation"; nothing when it is complete.
func (b BlockProgress) Lacks() []string {
	var lacks []string
	if b.Items == 0 {
		lacks = append(lacks, "mapping")
	}
	if b.Evidence == 0 {
		lacks = append(lacks, "evidence")
	}
	if b.Attested == 0 {
		lacks = append(lacks, "attestation")
	}
	return lacks
}

// DossierProgress returns the progress of every block of dossier id, in
// the certification's order.
func (p *Portfolio) DossierProgress(id string) ([]BlockProgress, error) {
	d, ok := p.dossiers[id]
	if !ok {
		return nil, notFound("dossier_id", "no dossier %s", id)
	}
	out := make([]BlockProgress, 0, len(d.Certification.Blocks))
	for _, b := range d.Certification.Blocks {
		out = append(out, p.blockProgress(b.Code, d.Mapping[b.Code]))
	}
	return out, nil
}

func (p *Portfolio) blockProgress(code string, refs []ItemRef) BlockProgress {
	bp := BlockProgress{Block: code}
	experiences, evidence := map[string]bool{}, map[string]bool{}
	for _, r := range refs {
		if !p.Has(r) {
			continue
		}
		bp.Items++
		if r.Kind == ItemExperience {
			experiences[r.ID] = true
		} else if r.Kind == ItemEvidence {
			evidence[r.ID] = true
		}
	}
	for id, e := range p.evidence {
		if !e.Withdrawn && e.SupersededBy == "" && p.withinExperiences(e.Target, experiences) {
			evidence[id] = true
		}
	}
	bp.Evidence = len(evidence)
	for _, a := range p.attestations {
		if p.attestationSupports(a, evidence, experiences) {
			bp.Attested++
		}
	}
	return bp
}

// withinExperiences reports whether ref is one of experiences or a live
// task of one.
func (p *Portfolio) withinExperiences(ref ItemRef, experiences map[string]bool) bool {
	switch ref.Kind {
	case ItemExperience:
		return experiences[ref.ID]
	case ItemTask:
		exp, _, _ := splitTask(ref.ID)
		return experiences[exp] && p.Has(ref)
	}
	return false
}

// attestationSupports reports whether a speaks of evidence in evidence,
// as it is now, or of a task of experiences.
func (p *Portfolio) attestationSupports(a *Attestation, evidence, experiences map[string]bool) bool {
	switch a.Target.Kind {
	case ItemEvidence:
		e := p.evidence[a.Target.ID]
		return evidence[a.Target.ID] && e != nil && a.ContentHash == e.ContentHash
	case ItemTask:
		return p.withinExperiences(a.Target, experiences)
	}
	return false
}
