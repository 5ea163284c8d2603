package domain

// CV events. A CV is a selection: the experiences, competences and
// education (experiences of kind training) it shows, by ID.
type (
	CVCreated struct {
		CVID        string   `json:"cv_id"`
		Experiences []string `json:"experiences,omitempty"`
		Competences []string `json:"competences,omitempty"`
		Education   []string `json:"education,omitempty"`
		Personal    CVText   `json:"-"`
	}
	// CVEdited replaces a CV's selection and text.
	CVEdited struct {
		CVID        string   `json:"cv_id"`
		Experiences []string `json:"experiences,omitempty"`
		Competences []string `json:"competences,omitempty"`
		Education   []string `json:"education,omitempty"`
		Personal    CVText   `json:"-"`
	}
	CVRemoved struct {
		CVID string `json:"cv_id"`
	}
)

func (CVCreated) EventType() string { return "CVCreated" }
func (CVEdited) EventType() string  { return "CVEdited" }
func (CVRemoved) EventType() string { return "CVRemoved" }

func (e *CVCreated) PersonalPart() any { return &e.Personal }
func (e *CVEdited) PersonalPart() any  { return &e.Personal }

func (e *CVCreated) applyTo(p *Portfolio) {
	p.cvs[e.CVID] = &CV{ID: e.CVID, Experiences: e.Experiences, Competences: e.Competences, Education: e.Education, Personal: e.Personal}
}
func (e *CVEdited) applyTo(p *Portfolio) {
	if cv := p.cvs[e.CVID]; cv != nil {
		cv.Experiences, cv.Competences, cv.Education, cv.Personal = e.Experiences, e.Competences, e.Education, e.Personal
	}
}
func (e *CVRemoved) applyTo(p *Portfolio) {
	if cv := p.cvs[e.CVID]; cv != nil {
		cv.Removed = true
	}
}

var cvEvents = []EventSpec{
	{Type: "CVCreated", Version: 1, New: func() Event { return &CVCreated{} }},
	{Type: "CVEdited", Version: 1, New: func() Event { return &CVEdited{} }},
	{Type: "CVRemoved", Version: 1, New: func() Event { return &CVRemoved{} }},
}

// CVInput is a CV's selection and text.
type CVInput struct {
	Experiences []string `json:"experiences,omitempty"`
	Competences []string `json:"competences,omitempty"`
	Education   []string `json:"education,omitempty"`
	Text        CVText   `json:"text"`
}

// maxSelection bounds the items a CV or a page selects.
const maxSelection = 200

func (p *Portfolio) checkCV(in CVInput) error {
	if err := p.checkSelection("experiences", in.Experiences, ItemExperience); err != nil {
		return err
	}
	if err := p.checkSelection("competences", in.Competences, ItemCompetence); err != nil {
		return err
	}
	if err := p.checkSelection("education", in.Education, ItemExperience); err != nil {
		return err
	}
	for _, id := range in.Education {
		if p.experiences[id].Kind != KindTraining {
			return invalid("education", "experience %s is not a training", id)
		}
	}
	if err := checkText("title", in.Text.Title, 1, 200); err != nil {
		return err
	}
	if err := checkText("target_job", in.Text.TargetJob, 0, 200); err != nil {
		return err
	}
	return checkText("summary", in.Text.Summary, 0, 5000)
}

// checkSelection checks a list of IDs of items of kind: at most
// maxSelection, no repeats, each existing.
func (p *Portfolio) checkSelection(field string, ids []string, kind ItemKind) error {
	if len(ids) > maxSelection {
		return invalid(field, "must select at most %d items", maxSelection)
	}
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if seen[id] {
			return invalid(field, "selects %s twice", id)
		}
		seen[id] = true
		if !p.Has(ItemRef{Kind: kind, ID: id}) {
			return notFound(field, "no %s %s", kind, id)
		}
	}
	return nil
}

// CreateCV decides a new CV.
func (p *Portfolio) CreateCV(id string, in CVInput) ([]Event, error) {
	if err := p.mustExist(); err != nil {
		return nil, err
	}
	if err := checkID("cv_id", id); err != nil {
		return nil, err
	}
	if _, dup := p.cvs[id]; dup {
		return nil, conflict("CV %s already exists", id)
	}
	if err := p.checkCV(in); err != nil {
		return nil, err
	}
	return []Event{&CVCreated{CVID: id, Experiences: in.Experiences, Competences: in.Competences, Education: in.Education, Personal: in.Text}}, nil
}

// EditCV decides a CV's new selection and text.
func (p *Portfolio) EditCV(id string, in CVInput) ([]Event, error) {
	if _, err := p.liveCV(id); err != nil {
		return nil, err
	}
	if err := p.checkCV(in); err != nil {
		return nil, err
	}
	return []Event{&CVEdited{CVID: id, Experiences: in.Experiences, Competences: in.Competences, Education: in.Education, Personal: in.Text}}, nil
}

// RemoveCV decides the removal of a CV.
func (p *Portfolio) RemoveCV(id string) ([]Event, error) {
	if _, err := p.liveCV(id); err != nil {
		return nil, err
	}
	return []Event{&CVRemoved{CVID: id}}, nil
}

func (p *Portfolio) liveCV(id string) (*CV, error) {
	if err := p.mustExist(); err != nil {
		return nil, err
	}
	cv, ok := p.cvs[id]
	if !ok || cv.Removed {
		return nil, notFound("cv_id", "no CV %s", id)
	}
	return cv, nil
}
