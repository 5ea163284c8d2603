package domain

import "time"

// Competence events.
type (
	CompetenceAdded struct {
		CompetenceID string         `json:"competence_id"`
		Framework    *FrameworkRef  `json:"framework,omitempty"`
		Personal     CompetenceText `json:"-"`
	}
	// CompetenceLinked adds links to experiences and tasks.
	CompetenceLinked struct {
		CompetenceID string   `json:"competence_id"`
		Experiences  []string `json:"experiences,omitempty"`
		Tasks        []string `json:"tasks,omitempty"`
	}
	// CompetenceUnlinked removes links to experiences and tasks.
	CompetenceUnlinked struct {
		CompetenceID string   `json:"competence_id"`
		Experiences  []string `json:"experiences,omitempty"`
		Tasks        []string `json:"tasks,omitempty"`
	}
	CompetenceSelfAssessed struct {
		CompetenceID string `json:"competence_id"`
		Level        int    `json:"level"`
	}
	// CompetenceAssessmentRecorded records a counsellor's or a tutor's verdict.
	CompetenceAssessmentRecorded struct {
		CompetenceID string           `json:"competence_id"`
		By           string           `json:"by"`
		Role         Role             `json:"role"`
		Result       AssessmentResult `json:"result"`
		At           time.Time        `json:"at"`
		Personal     CommentText      `json:"-"`
	}
	CompetenceValidationRecorded struct {
		CompetenceID string    `json:"competence_id"`
		By           string    `json:"by"`
		Role         Role      `json:"role"`
		At           time.Time `json:"at"`
	}
)

func (CompetenceAdded) EventType() string              { return "CompetenceAdded" }
func (CompetenceLinked) EventType() string             { return "CompetenceLinked" }
func (CompetenceUnlinked) EventType() string           { return "CompetenceUnlinked" }
func (CompetenceSelfAssessed) EventType() string       { return "CompetenceSelfAssessed" }
func (CompetenceAssessmentRecorded) EventType() string { return "CompetenceAssessmentRecorded" }
func (CompetenceValidationRecorded) EventType() string { return "CompetenceValidationRecorded" }

func (e *CompetenceAdded) PersonalPart() any              { return &e.Personal }
func (e *CompetenceAssessmentRecorded) PersonalPart() any { return &e.Personal }

func (e *CompetenceAdded) applyTo(p *Portfolio) {
	p.competences[e.CompetenceID] = &Competence{ID: e.CompetenceID, Framework: e.Framework, Personal: e.Personal}
}
func (e *CompetenceLinked) applyTo(p *Portfolio) {
	if c := p.competences[e.CompetenceID]; c != nil {
		c.Experiences = append(c.Experiences, e.Experiences...)
		c.Tasks = append(c.Tasks, e.Tasks...)
	}
}
func (e *CompetenceUnlinked) applyTo(p *Portfolio) {
	if c := p.competences[e.CompetenceID]; c != nil {
		c.Experiences = without(c.Experiences, e.Experiences)
		c.Tasks = without(c.Tasks, e.Tasks)
	}
}
func (e *CompetenceSelfAssessed) applyTo(p *Portfolio) {
	if c := p.competences[e.CompetenceID]; c != nil {
		c.SelfLevel = e.Level
	}
}
func (e *CompetenceAssessmentRecorded) applyTo(p *Portfolio) {
	if c := p.competences[e.CompetenceID]; c != nil {
		c.Assessments = append(c.Assessments, Assessment{By: e.By, Role: e.Role, Result: e.Result, At: e.At, Personal: e.Personal})
	}
}
func (e *CompetenceValidationRecorded) applyTo(p *Portfolio) {
	if c := p.competences[e.CompetenceID]; c != nil {
		c.Validation = &Validation{By: e.By, Role: e.Role, At: e.At}
	}
}

var competenceEvents = []EventSpec{
	{Type: "CompetenceAdded", Version: 1, New: func() Event { return &CompetenceAdded{} }},
	{Type: "CompetenceLinked", Version: 1, New: func() Event { return &CompetenceLinked{} }},
	{Type: "CompetenceUnlinked", Version: 1, New: func() Event { return &CompetenceUnlinked{} }},
	{Type: "CompetenceSelfAssessed", Version: 1, New: func() Event { return &CompetenceSelfAssessed{} }},
	{Type: "CompetenceAssessmentRecorded", Version: 1, New: func() Event { return &CompetenceAssessmentRecorded{} }},
	{Type: "CompetenceValidationRecorded", Version: 1, New: func() Event { return &CompetenceValidationRecorded{} }},
}

// without returns list less the elements of drop, in a new slice.
func without(list, drop []string) []string {
	var out []string
	for _, s := range list {
		if !contains(drop, s) {
			out = append(out, s)
		}
	}
	return out
}

// State derives where a competence stands: validated once validated,
// assessed once assessed, evidenced while live evidence targets it
// directly, declared otherwise.
func (c *Competence) State(p *Portfolio) CompetenceState {
	switch {
	case c.Validation != nil:
		return CompetenceValidated
	case len(c.Assessments) > 0:
		return CompetenceAssessed
	case p.hasLiveEvidence(ItemRef{Kind: ItemCompetence, ID: c.ID}):
		return CompetenceEvidenced
	}
	return CompetenceDeclared
}

// Competence returns a declared competence.
func (p *Portfolio) Competence(id string) (*Competence, bool) {
	c, ok := p.competences[id]
	return c, ok
}

// CompetenceInput is what the owner says of a competence: a name, a
// framework element, or both.
type CompetenceInput struct {
	Framework *FrameworkRef  `json:"framework,omitempty"`
	Text      CompetenceText `json:"text"`
}

func (in CompetenceInput) validate() error {
	minName := 1
	if in.Framework != nil {
		if err := in.Framework.validate(); err != nil {
			return err
		}
		minName = 0 // the framework element names it
	}
	if err := checkText("name", in.Text.Name, minName, 200); err != nil {
		return err
	}
	return checkText("description", in.Text.Description, 0, 10000)
}

// DeclareCompetence decides a new competence.
func (p *Portfolio) DeclareCompetence(id string, in CompetenceInput) ([]Event, error) {
	if err := p.mustExist(); err != nil {
		return nil, err
	}
	if err := checkID("competence_id", id); err != nil {
		return nil, err
	}
	if _, dup := p.competences[id]; dup {
		return nil, conflict("competence %s already exists", id)
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	if in.Framework != nil {
		for _, c := range p.competences {
			if c.Framework != nil && *c.Framework == *in.Framework {
				return nil, conflict("%s %s is already declared as competence %s", in.Framework.Framework, in.Framework.Code, c.ID)
			}
		}
	}
	return []Event{&CompetenceAdded{CompetenceID: id, Framework: in.Framework, Personal: in.Text}}, nil
}

// CompetenceLinks names experiences and tasks ("EXPERIENCE/TASK").
type CompetenceLinks struct {
	Experiences []string `json:"experiences,omitempty"`
	Tasks       []string `json:"tasks,omitempty"`
}

// LinkCompetence decides links from a competence to existing experiences
// and tasks; those already linked are left as they are.
func (p *Portfolio) LinkCompetence(id string, l CompetenceLinks) ([]Event, error) {
	c, err := p.competence(id)
	if err != nil {
		return nil, err
	}
	if len(l.Experiences) == 0 && len(l.Tasks) == 0 {
		return nil, invalid("experiences", "name experiences or tasks to link")
	}
	e := &CompetenceLinked{CompetenceID: id}
	if e.Experiences, err = p.missingLinks(ItemExperience, "experiences", l.Experiences, c.Experiences); err != nil {
		return nil, err
	}
	if e.Tasks, err = p.missingLinks(ItemTask, "tasks", l.Tasks, c.Tasks); err != nil {
		return nil, err
	}
	if len(e.Experiences) == 0 && len(e.Tasks) == 0 {
		return nil, conflict("competence %s is already linked to all of these", id)
	}
	return []Event{e}, nil
}

// missingLinks returns the items of want not in have, once each, after
// checking that each exists.
func (p *Portfolio) missingLinks(kind ItemKind, field string, want, have []string) ([]string, error) {
	var out []string
	for _, id := range want {
		if !p.Has(ItemRef{Kind: kind, ID: id}) {
			return nil, notFound(field, "no %s %s", kind, id)
		}
		if !contains(have, id) && !contains(out, id) {
			out = append(out, id)
		}
	}
	return out, nil
}

// UnlinkCompetence decides the removal of links (to items that may since
// have been removed).
func (p *Portfolio) UnlinkCompetence(id string, l CompetenceLinks) ([]Event, error) {
	c, err := p.competence(id)
	if err != nil {
		return nil, err
	}
	if len(l.Experiences) == 0 && len(l.Tasks) == 0 {
		return nil, invalid("experiences", "name experiences or tasks to unlink")
	}
	for _, f := range []struct {
		name       string
		want, have []string
	}{{"experiences", l.Experiences, c.Experiences}, {"tasks", l.Tasks, c.Tasks}} {
		for _, x := range f.want {
			if !contains(f.have, x) {
				return nil, notFound(f.name, "competence %s is not linked to %s", id, x)
			}
		}
	}
	return []Event{&CompetenceUnlinked{CompetenceID: id, Experiences: l.Experiences, Tasks: l.Tasks}}, nil
}

// SelfAssessCompetence decides the owner's own level, 1 to 4.
func (p *Portfolio) SelfAssessCompetence(id string, level int) ([]Event, error) {
	if _, err := p.competence(id); err != nil {
		return nil, err
	}
	if level < 1 || level > 4 {
		return nil, invalid("level", "must be 1 to 4")
	}
	return []Event{&CompetenceSelfAssessed{CompetenceID: id, Level: level}}, nil
}

// AssessCompetence decides an assessment by a counsellor or a tutor (a
// jury assesses through the VAE dossier). by and role are the actor's.
func (p *Portfolio) AssessCompetence(id, by string, role Role, result AssessmentResult, comment CommentText, now time.Time) ([]Event, error) {
	if _, err := p.competence(id); err != nil {
		return nil, err
	}
	if err := checkAssessor(role); err != nil {
		return nil, err
	}
	switch result {
	case ResultNotYet, ResultPartly, ResultAcquired:
	default:
		return nil, invalid("result", "must be not_yet, partly or acquired")
	}
	if err := checkText("comment", comment.Text, 1, 5000); err != nil {
		return nil, err
	}
	return []Event{&CompetenceAssessmentRecorded{CompetenceID: id, By: by, Role: role, Result: result, At: now, Personal: comment}}, nil
}

// ValidateCompetence decides the validation of a competence by by, acting
// in role, at now.
func (p *Portfolio) ValidateCompetence(id, by string, role Role, now time.Time) ([]Event, error) {
	c, err := p.competence(id)
	if err != nil {
		return nil, err
	}
	if err := checkAssessor(role); err != nil {
		return nil, err
	}
	if c.Validation != nil {
		return nil, conflict("competence %s was validated by %s on %s", id, c.Validation.By, DateOf(c.Validation.At))
	}
	return []Event{&CompetenceValidationRecorded{CompetenceID: id, By: by, Role: role, At: now}}, nil
}

// checkAssessor accepts the roles that assess and validate competences
// here; the jury does so through the VAE dossier.
func checkAssessor(role Role) error {
	if role != RoleCounsellor && role != RoleTutor {
		return forbidden("only a counsellor or a tutor assesses or validates a competence here")
	}
	return nil
}

func (p *Portfolio) competence(id string) (*Competence, error) {
	if err := p.mustExist(); err != nil {
		return nil, err
	}
	c, ok := p.competences[id]
	if !ok {
		return nil, notFound("competence_id", "no competence %s", id)
	}
	return c, nil
}
