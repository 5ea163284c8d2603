package domain

import "strings"

// Experience events.
type (
	ExperienceAdded struct {
		ExperienceID string          `json:"experience_id"`
		Kind         ExperienceKind  `json:"kind"`
		Context      LearningContext `json:"context"`
		From         Date            `json:"from,omitempty"`
		To           Date            `json:"to,omitempty"`
		Occupation   string          `json:"occupation,omitempty"`
		Personal     ExperienceText  `json:"-"`
	}
	// ExperienceEdited replaces every field of an experience.
	ExperienceEdited struct {
		ExperienceID string          `json:"experience_id"`
		Kind         ExperienceKind  `json:"kind"`
		Context      LearningContext `json:"context"`
		From         Date            `json:"from,omitempty"`
		To           Date            `json:"to,omitempty"`
		Occupation   string          `json:"occupation,omitempty"`
		Personal     ExperienceText  `json:"-"`
	}
	// ExperienceRemoved hides an experience; its history stays.
	ExperienceRemoved struct {
		ExperienceID string `json:"experience_id"`
	}
	TaskAdded struct {
		ExperienceID string   `json:"experience_id"`
		TaskID       string   `json:"task_id"`
		Personal     TaskText `json:"-"`
	}
	TaskEdited struct {
		ExperienceID string   `json:"experience_id"`
		TaskID       string   `json:"task_id"`
		Personal     TaskText `json:"-"`
	}
	TaskRemoved struct {
		ExperienceID string `json:"experience_id"`
		TaskID       string `json:"task_id"`
	}
)

func (ExperienceAdded) EventType() string   { return "ExperienceAdded" }
func (ExperienceEdited) EventType() string  { return "ExperienceEdited" }
func (ExperienceRemoved) EventType() string { return "ExperienceRemoved" }
func (TaskAdded) EventType() string         { return "TaskAdded" }
func (TaskEdited) EventType() string        { return "TaskEdited" }
func (TaskRemoved) EventType() string       { return "TaskRemoved" }

func (e *ExperienceAdded) PersonalPart() any  { return &e.Personal }
func (e *ExperienceEdited) PersonalPart() any { return &e.Personal }
func (e *TaskAdded) PersonalPart() any        { return &e.Personal }
func (e *TaskEdited) PersonalPart() any       { return &e.Personal }

func (e *ExperienceAdded) applyTo(p *Portfolio) {
	p.experiences[e.ExperienceID] = &Experience{ID: e.ExperienceID, Kind: e.Kind, Context: e.Context, From: e.From, To: e.To,
		Occupation: e.Occupation, Tasks: map[string]*Task{}, Personal: e.Personal}
}
func (e *ExperienceEdited) applyTo(p *Portfolio) {
	if x := p.experiences[e.ExperienceID]; x != nil {
		x.Kind, x.Context, x.From, x.To, x.Occupation, x.Personal = e.Kind, e.Context, e.From, e.To, e.Occupation, e.Personal
	}
}
func (e *ExperienceRemoved) applyTo(p *Portfolio) {
	if x := p.experiences[e.ExperienceID]; x != nil {
		x.Removed = true
	}
}
func (e *TaskAdded) applyTo(p *Portfolio) {
	if x := p.experiences[e.ExperienceID]; x != nil {
		x.Tasks[e.TaskID] = &Task{ID: e.TaskID, Personal: e.Personal}
	}
}
func (e *TaskEdited) applyTo(p *Portfolio) {
	if t, ok := p.task(e.ExperienceID + "/" + e.TaskID); ok {
		t.Personal = e.Personal
	}
}
func (e *TaskRemoved) applyTo(p *Portfolio) {
	if t, ok := p.task(e.ExperienceID + "/" + e.TaskID); ok {
		t.Removed = true
	}
}

var experienceEvents = []EventSpec{
	{Type: "ExperienceAdded", Version: 1, New: func() Event { return &ExperienceAdded{} }},
	{Type: "ExperienceEdited", Version: 1, New: func() Event { return &ExperienceEdited{} }},
	{Type: "ExperienceRemoved", Version: 1, New: func() Event { return &ExperienceRemoved{} }},
	{Type: "TaskAdded", Version: 1, New: func() Event { return &TaskAdded{} }},
	{Type: "TaskEdited", Version: 1, New: func() Event { return &TaskEdited{} }},
	{Type: "TaskRemoved", Version: 1, New: func() Event { return &TaskRemoved{} }},
}

// splitTask splits "EXPERIENCE/TASK".
func splitTask(ref string) (exp, task string, ok bool) {
	exp, task, ok = strings.Cut(ref, "/")
	return exp, task, ok
}

// task finds a live task by "EXPERIENCE/TASK".
func (p *Portfolio) task(ref string) (*Task, bool) {
	exp, id, ok := splitTask(ref)
	if !ok {
		return nil, false
	}
	x, ok := p.experiences[exp]
	if !ok || x.Removed {
		return nil, false
	}
	t, ok := x.Tasks[id]
	return t, ok && !t.Removed
}

// ExperienceInput is what the owner says of an experience.
type ExperienceInput struct {
	Kind       ExperienceKind  `json:"kind"`
	Context    LearningContext `json:"context"`
	From       Date            `json:"from,omitempty"`
	To         Date            `json:"to,omitempty"`
	Occupation string          `json:"occupation,omitempty"`
	Text       ExperienceText  `json:"text"`
}

func (in ExperienceInput) validate() error {
	switch in.Kind {
	case KindProfessional, KindVolunteer, KindPersonal, KindLeisure, KindTraining:
	default:
		return invalid("kind", "must be professional, volunteer, personal, leisure or training")
	}
	switch in.Context {
	case ContextFormal, ContextNonFormal, ContextInformal:
	default:
		return invalid("context", "must be formal, non_formal or informal")
	}
	if err := checkDate("from", in.From, false); err != nil {
		return err
	}
	if err := checkDate("to", in.To, false); err != nil {
		return err
	}
	if err := checkRange("from", in.From, in.To); err != nil {
		return err
	}
	if err := checkOccupation(in.Occupation); err != nil {
		return err
	}
	if err := checkText("title", in.Text.Title, 1, 200); err != nil {
		return err
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"place", in.Text.Place, 200}, {"organisation", in.Text.Organisation, 200}, {"description", in.Text.Description, 10000}} {
		if err := checkText(f.name, f.v, 0, f.max); err != nil {
			return err
		}
	}
	return nil
}

// checkOccupation accepts "" , a ROME code ("ROME:K1201") or an ESCO
// occupation URI.
func checkOccupation(s string) error {
	if s == "" {
		return nil
	}
	if code, ok := strings.CutPrefix(s, "ROME:"); ok && len(code) == 5 && code[0] >= 'A' && code[0] <= 'N' &&
		strings.Trim(code[1:], "0123456789") == "" {
		return nil
	}
	if strings.HasPrefix(s, "http://data.europa.eu/esco/occupation/") && len(s) < 200 {
		return nil
	}
	return invalid("occupation", "must be a ROME code (ROME:K1201) or an ESCO occupation URI")
}

// AddExperience decides a new experience.
func (p *Portfolio) AddExperience(id string, in ExperienceInput) ([]Event, error) {
	if err := p.mustExist(); err != nil {
		return nil, err
	}
	if err := checkID("experience_id", id); err != nil {
		return nil, err
	}
	if _, dup := p.experiences[id]; dup {
		return nil, conflict("experience %s already exists", id)
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	return []Event{&ExperienceAdded{ExperienceID: id, Kind: in.Kind, Context: in.Context, From: in.From, To: in.To,
		Occupation: in.Occupation, Personal: in.Text}}, nil
}

// EditExperience decides new values for every field of an experience.
func (p *Portfolio) EditExperience(id string, in ExperienceInput) ([]Event, error) {
	if err := p.mustExist(); err != nil {
		return nil, err
	}
	if _, ok := p.Experience(id); !ok {
		return nil, notFound("experience_id", "no experience %s", id)
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	return []Event{&ExperienceEdited{ExperienceID: id, Kind: in.Kind, Context: in.Context, From: in.From, To: in.To,
		Occupation: in.Occupation, Personal: in.Text}}, nil
}

// RemoveExperience hides an experience.
func (p *Portfolio) RemoveExperience(id string) ([]Event, error) {
	if err := p.mustExist(); err != nil {
		return nil, err
	}
	if _, ok := p.Experience(id); !ok {
		return nil, notFound("experience_id", "no experience %s", id)
	}
	if d := p.dossierUsing(ItemRef{Kind: ItemExperience, ID: id}); d != "" {
		return nil, conflict("experience %s belongs to submitted dossier %s", id, d)
	}
	return []Event{&ExperienceRemoved{ExperienceID: id}}, nil
}

// AddTask decides a new task within an experience.
func (p *Portfolio) AddTask(expID, taskID string, text TaskText) ([]Event, error) {
	if err := p.mustExist(); err != nil {
		return nil, err
	}
	x, ok := p.Experience(expID)
	if !ok {
		return nil, notFound("experience_id", "no experience %s", expID)
	}
	if err := checkID("task_id", taskID); err != nil {
		return nil, err
	}
	if _, dup := x.Tasks[taskID]; dup {
		return nil, conflict("task %s already exists", taskID)
	}
	if err := checkTask(text); err != nil {
		return nil, err
	}
	return []Event{&TaskAdded{ExperienceID: expID, TaskID: taskID, Personal: text}}, nil
}

// EditTask decides a task's new text.
func (p *Portfolio) EditTask(expID, taskID string, text TaskText) ([]Event, error) {
	if err := p.mustExist(); err != nil {
		return nil, err
	}
	if _, ok := p.task(expID + "/" + taskID); !ok {
		return nil, notFound("task_id", "no task %s/%s", expID, taskID)
	}
	if err := checkTask(text); err != nil {
		return nil, err
	}
	return []Event{&TaskEdited{ExperienceID: expID, TaskID: taskID, Personal: text}}, nil
}

// RemoveTask hides a task.
func (p *Portfolio) RemoveTask(expID, taskID string) ([]Event, error) {
	if err := p.mustExist(); err != nil {
		return nil, err
	}
	if _, ok := p.task(expID + "/" + taskID); !ok {
		return nil, notFound("task_id", "no task %s/%s", expID, taskID)
	}
	return []Event{&TaskRemoved{ExperienceID: expID, TaskID: taskID}}, nil
}

func checkTask(t TaskText) error {
	if err := checkText("title", t.Title, 1, 200); err != nil {
		return err
	}
	return checkText("description", t.Description, 0, 10000)
}
