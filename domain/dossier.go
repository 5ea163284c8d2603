package domain

// TODO(domain): dossier events, decisions and their application.

var dossierEvents = []EventSpec{}

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
