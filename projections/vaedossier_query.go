package projections

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/parcours/parcours/domain"
)

// Dossier returns a VAE dossier; found is false if the portfolio has no
// such dossier. Once the owner is erased its text reads as erased.
func (q *Queries) Dossier(ctx context.Context, portfolioID, dossierID string) (DossierView, bool, error) {
	r, err := q.begin(ctx, VAEDossiers{}.Name())
	if err != nil {
		return DossierView{}, false, err
	}
	defer r.close()
	doc, found, err := load[dossierDoc](r, nsDossier, itemKey(portfolioID, dossierID))
	if err != nil || !found {
		return DossierView{}, false, err
	}
	s := newResolver(r, portfolioID, true)
	v := DossierView{PortfolioID: portfolioID, DossierID: dossierID, RNCPCode: doc.Certification.RNCPCode, Title: doc.Certification.Title,
		State: doc.State, SubmittedRevision: doc.SubmittedRevision, SubmittedAt: doc.SubmittedAt, DecidedAt: doc.DecidedAt, Complete: true}
	if err := s.dossierHeader(&v, doc); err != nil {
		return DossierView{}, false, err
	}
	declared, err := s.declaredByCode(doc.Certification.RNCPCode)
	if err != nil {
		return DossierView{}, false, err
	}
	for _, b := range doc.Certification.Blocks {
		bv, err := s.block(b, doc, declared)
		if err != nil {
			return DossierView{}, false, err
		}
		v.Complete = v.Complete && len(bv.Completeness.Lacks) == 0
		v.Blocks = append(v.Blocks, bv)
	}
	return v, true, nil
}

// dossierHeader fills the owner, the admissibility and the comments on
// the dossier itself.
func (s *resolver) dossierHeader(v *DossierView, doc *dossierDoc) error {
	var err error
	if v.Owner, err = s.person(v.PortfolioID); err != nil {
		return err
	}
	v.Admissibility = Admissibility{RequestedAt: doc.RequestedAt, Admissible: doc.Admissible, DecidedOn: doc.AdmissibilityOn}
	if doc.AdmissibilityBy != "" {
		by, err := s.person(doc.AdmissibilityBy)
		if err != nil {
			return err
		}
		v.Admissibility.RecordedBy = &by
	}
	_, _, v.Comments, err = s.around(domain.ItemRef{Kind: domain.ItemDossier, ID: v.DossierID})
	return err
}

// declaredByCode returns the portfolio's competences that refer to an
// element of certification rncp, by the element's code.
func (s *resolver) declaredByCode(rncp string) (map[string][]CompetenceView, error) {
	codes := map[string]string{} // competence ID → element code
	err := s.r.scan(string(domain.ItemCompetence), s.pid+"/", func(key string, raw []byte) error {
		var c competenceDoc
		if err := json.Unmarshal(raw, &c); err != nil {
			return fmt.Errorf("decode competence %s: %w", key, err)
		}
		if c.Framework != nil && c.Framework.Framework == rncp {
			codes[strings.TrimPrefix(key, s.pid+"/")] = c.Framework.Code
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := map[string][]CompetenceView{}
	for _, id := range slices.Sorted(maps.Keys(codes)) {
		v, err := s.competence(id)
		if err != nil {
			return nil, err
		}
		if v != nil {
			out[codes[id]] = append(out[codes[id]], *v)
		}
	}
	return out, nil
}

// block answers one block of the dossier.
func (s *resolver) block(b domain.Block, doc *dossierDoc, declared map[string][]CompetenceView) (BlockView, error) {
	v := BlockView{Code: b.Code, Title: b.Title, Declared: declared[b.Code], Competences: []BlockCompetenceView{},
		Experiences: []ExperienceView{}, Evidence: []EvidenceView{}}
	for _, c := range b.Competences {
		v.Competences = append(v.Competences, BlockCompetenceView{Code: c.Code, Title: c.Title, Declared: declared[c.Code]})
	}
	for _, ref := range doc.Mapping[b.Code] {
		if err := s.mapped(&v, ref); err != nil {
			return v, err
		}
	}
	if d, ok := doc.Decisions[b.Code]; ok {
		by, err := s.person(d.By)
		if err != nil {
			return v, err
		}
		v.Decision = &JuryDecision{Decision: d.Decision, DecidedOn: d.On, RecordedBy: by, At: d.At}
	}
	var err error
	v.Completeness, err = s.completeness(doc.Mapping[b.Code])
	return v, err
}

// mapped adds a mapped item still there to the block.
func (s *resolver) mapped(v *BlockView, ref domain.ItemRef) error {
	switch ref.Kind {
	case domain.ItemExperience:
		x, err := s.experience(ref.ID)
		if err != nil || x == nil {
			return err
		}
		v.Experiences = append(v.Experiences, *x)
	case domain.ItemEvidence:
		e, err := s.deepEvidence(ref.ID)
		if err != nil || e == nil || e.Withdrawn {
			return err
		}
		v.Evidence = append(v.Evidence, *e)
	}
	return nil
}

// completeness counts what supports a block mapped to refs, as
// domain.Portfolio.DossierProgress does.
func (s *resolver) completeness(refs []domain.ItemRef) (Completeness, error) {
	var c Completeness
	experiences, evidence := map[string]bool{}, map[string]bool{}
	for _, r := range refs {
		live, err := s.liveItem(r)
		if err != nil {
			return c, err
		}
		switch {
		case live && r.Kind == domain.ItemExperience:
			experiences[r.ID] = true
		case live:
			evidence[r.ID] = true
		}
		if live {
			c.Items++
		}
	}
	tasks, err := s.supportingEvidence(experiences, evidence)
	if err != nil {
		return c, err
	}
	c.Evidence = len(evidence)
	if c.Attested, err = s.attested(evidence, tasks); err != nil {
		return c, err
	}
	c.Lacks = domain.BlockProgress{Items: c.Items, Evidence: c.Evidence, Attested: c.Attested}.Lacks()
	return c, nil
}

// liveItem reports whether a mapped experience or evidence is still there.
func (s *resolver) liveItem(r domain.ItemRef) (bool, error) {
	switch r.Kind {
	case domain.ItemExperience:
		x, ok, err := load[experienceDoc](s.r, string(domain.ItemExperience), itemKey(s.pid, r.ID))
		return ok && !x.Removed, err
	case domain.ItemEvidence:
		e, err := s.shallowEvidence(r.ID)
		return e != nil && !e.Withdrawn, err
	}
	return false, nil
}

// supportingEvidence adds to evidence the live evidence attached to the
// experiences or to their live tasks, and returns those tasks.
func (s *resolver) supportingEvidence(experiences, evidence map[string]bool) ([]string, error) {
	var tasks []string
	for exp := range experiences {
		x, _, err := load[experienceDoc](s.r, string(domain.ItemExperience), itemKey(s.pid, exp))
		if err != nil {
			return nil, err
		}
		targets := []domain.ItemRef{{Kind: domain.ItemExperience, ID: exp}}
		for _, id := range x.Tasks {
			t, ok, err := load[taskDoc](s.r, string(domain.ItemTask), itemKey(s.pid, exp+"/"+id))
			if err != nil {
				return nil, err
			}
			if ok && !t.Removed {
				tasks = append(tasks, exp+"/"+id)
				targets = append(targets, domain.ItemRef{Kind: domain.ItemTask, ID: exp + "/" + id})
			}
		}
		for _, target := range targets {
			if err := s.addLiveEvidence(target, evidence); err != nil {
				return nil, err
			}
		}
	}
	return tasks, nil
}

func (s *resolver) addLiveEvidence(target domain.ItemRef, evidence map[string]bool) error {
	refs, _, err := load[refsDoc](s.r, nsRefs, refsKey(s.pid, target))
	if err != nil {
		return err
	}
	for _, id := range refs.Evidence {
		e, err := s.shallowEvidence(id)
		if err != nil {
			return err
		}
		if e != nil && e.Live() {
			evidence[id] = true
		}
	}
	return nil
}

// attested counts the attestations of the evidence still bound to its
// content, and of the tasks.
func (s *resolver) attested(evidence map[string]bool, tasks []string) (int, error) {
	n := 0
	for id := range evidence {
		refs, _, err := load[refsDoc](s.r, nsRefs, refsKey(s.pid, domain.ItemRef{Kind: domain.ItemEvidence, ID: id}))
		if err != nil {
			return 0, err
		}
		for _, aid := range refs.Attestations {
			a, err := s.attestation(aid)
			if err != nil {
				return 0, err
			}
			e, err := s.shallowEvidence(id)
			if err != nil {
				return 0, err
			}
			if a != nil && e != nil && !a.Erased && !e.Erased && a.ContentHash == e.ContentHash {
				n++
			}
		}
	}
	for _, t := range tasks {
		refs, _, err := load[refsDoc](s.r, nsRefs, refsKey(s.pid, domain.ItemRef{Kind: domain.ItemTask, ID: t}))
		if err != nil {
			return 0, err
		}
		n += len(refs.Attestations)
	}
	return n, nil
}
