package projections

import "github.com/parcours/parcours/domain"

// attestations resolves attestations by ID.
func (s *resolver) attestations(ids []string) ([]AttestationView, error) {
	var out []AttestationView
	for _, id := range ids {
		v, err := s.attestation(id)
		if err != nil {
			return nil, err
		}
		if v != nil {
			out = append(out, *v)
		}
	}
	return out, nil
}

// attestation resolves an attestation with its status.
func (s *resolver) attestation(id string) (*AttestationView, error) {
	a, ok, err := load[feedbackDoc](s.r, string(domain.ItemAttestation), itemKey(s.pid, id))
	if err != nil || !ok {
		return nil, err
	}
	v := &AttestationView{ID: id, Target: a.Target, At: a.At}
	if v.Tutor, err = s.person(a.By); err != nil {
		return nil, err
	}
	e, erased, err := s.r.openEvent(a.Personal)
	if err != nil {
		return nil, err
	}
	v.Erased = erased
	if e, ok := e.(*domain.AttestationRecorded); ok {
		v.Statement, v.ContentHash = e.Personal.Text, e.ContentHash
	}
	v.Status, err = s.attestationStatus(v)
	return v, err
}

// attestationStatus tells, as domain.Attestation.Status does, whether what
// a attests is still there as the tutor saw it; "" when the hashes that
// tell it were erased.
func (s *resolver) attestationStatus(a *AttestationView) (domain.AttestationStatus, error) {
	if a.Target.Kind != domain.ItemEvidence {
		live, err := s.taskLive(a.Target.ID)
		if err != nil || !live {
			return domain.AttestationWithdrawn, err
		}
		return domain.AttestationCurrent, nil
	}
	e, err := s.shallowEvidence(a.Target.ID)
	switch {
	case err != nil:
		return "", err
	case e == nil || e.Withdrawn:
		return domain.AttestationWithdrawn, nil
	case e.SupersededBy != "":
		return domain.AttestationSuperseded, nil
	case a.Erased || e.Erased:
		return "", nil
	case e.ContentHash != a.ContentHash:
		return domain.AttestationChanged, nil
	}
	return domain.AttestationCurrent, nil
}

// comments resolves comments by ID.
func (s *resolver) comments(ids []string) ([]CommentView, error) {
	var out []CommentView
	for _, id := range ids {
		c, ok, err := load[feedbackDoc](s.r, string(itemComment), itemKey(s.pid, id))
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		v := CommentView{ID: id, Target: c.Target, Role: c.Role, At: c.At}
		if v.Author, err = s.person(c.By); err != nil {
			return nil, err
		}
		e, erased, err := s.r.openEvent(c.Personal)
		if err != nil {
			return nil, err
		}
		if e, ok := e.(*domain.CommentAdded); ok {
			v.Text = e.Personal.Text
		}
		v.Erased = erased
		out = append(out, v)
	}
	return out, nil
}

// competence resolves a competence with its assessments and state.
func (s *resolver) competence(id string) (*CompetenceView, error) {
	c, ok, err := load[competenceDoc](s.r, string(domain.ItemCompetence), itemKey(s.pid, id))
	if err != nil || !ok {
		return nil, err
	}
	v := &CompetenceView{ID: id, Framework: c.Framework, SelfLevel: c.SelfLevel, Experiences: c.Experiences, Tasks: c.Tasks}
	e, erased, err := s.r.openEvent(c.Personal)
	if err != nil {
		return nil, err
	}
	if e, ok := e.(*domain.CompetenceAdded); ok {
		v.Name, v.Description = e.Personal.Name, e.Personal.Description
	}
	v.Erased = erased
	if err := s.assessments(v, c); err != nil {
		return nil, err
	}
	evidence, _, comments, err := s.around(domain.ItemRef{Kind: domain.ItemCompetence, ID: id})
	if err != nil {
		return nil, err
	}
	v.State = competenceState(c, evidence)
	if s.deep {
		v.Evidence, v.Comments = evidence, comments
	}
	return v, nil
}

// competenceState derives the state as domain.Competence.State does.
func competenceState(c *competenceDoc, evidence []EvidenceView) domain.CompetenceState {
	switch {
	case c.Validation != nil:
		return domain.CompetenceValidated
	case len(c.Assessments) > 0:
		return domain.CompetenceAssessed
	}
	for _, e := range evidence {
		if e.Live() {
			return domain.CompetenceEvidenced
		}
	}
	return domain.CompetenceDeclared
}

// assessments fills v's assessments and validation from c.
func (s *resolver) assessments(v *CompetenceView, c *competenceDoc) error {
	for _, a := range c.Assessments {
		av := AssessmentView{Role: a.Role, Result: a.Result, At: a.At}
		var err error
		if av.By, err = s.person(a.By); err != nil {
			return err
		}
		e, erased, err := s.r.openEvent(a.Personal)
		if err != nil {
			return err
		}
		if e, ok := e.(*domain.CompetenceAssessmentRecorded); ok {
			av.Comment = e.Personal.Text
		}
		av.Erased = erased
		v.Assessments = append(v.Assessments, av)
	}
	if c.Validation == nil {
		return nil
	}
	by, err := s.person(c.Validation.By)
	v.Validation = &ValidationView{By: by, Role: c.Validation.Role, At: c.Validation.At}
	return err
}

// goal resolves a goal with its milestones not removed.
func (s *resolver) goal(id string) (*GoalView, error) {
	g, ok, err := load[goalDoc](s.r, string(domain.ItemGoal), itemKey(s.pid, id))
	if err != nil || !ok {
		return nil, err
	}
	v := &GoalView{ID: id, Kind: g.Kind, Target: g.Target, Achieved: g.Achieved}
	e, erased, err := s.r.openEvent(g.Personal)
	if err != nil {
		return nil, err
	}
	if e, ok := e.(*domain.GoalSet); ok {
		v.Title, v.Description = e.Personal.Title, e.Personal.Description
	}
	v.Erased = erased
	for _, m := range g.Milestones {
		if m.Removed {
			continue
		}
		mv := MilestoneView{ID: m.ID, Due: m.Due, Reached: m.Reached}
		e, erased, err := s.r.openEvent(m.Personal)
		if err != nil {
			return nil, err
		}
		if e, ok := e.(*domain.MilestoneAdded); ok {
			mv.Title = e.Personal.Title
		}
		mv.Erased = erased
		v.Milestones = append(v.Milestones, mv)
	}
	return v, nil
}
