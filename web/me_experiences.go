package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

// Experiences and the tasks carried out in them.

func experienceForm(l Lang, action, submit string) *form {
	return &form{Action: action, Submit: words.T(l, submit), Fields: []formField{
		{Name: "title", Label: words.T(l, "me.f.exptitle"), Hint: words.T(l, "me.h.exptitle"), Type: "text", Required: true, Max: 200},
		{Name: "kind", Label: words.T(l, "me.f.kind"), Type: "select", Required: true,
			Options: options(l, "pv.kind.", "professional", "volunteer", "personal", "leisure", "training")},
		{Name: "context", Label: words.T(l, "me.f.context"), Hint: words.T(l, "me.h.context"), Type: "select", Required: true,
			Options: options(l, "pv.context.", "informal", "non_formal", "formal")},
		{Name: "organisation", Label: words.T(l, "me.f.organisation"), Type: "text", Max: 200},
		{Name: "place", Label: words.T(l, "me.f.place"), Type: "text", Max: 200},
		{Name: "from", Label: words.T(l, "me.f.from"), Type: "date"},
		{Name: "to", Label: words.T(l, "me.f.to"), Hint: words.T(l, "me.h.to"), Type: "date"},
		{Name: "description", Label: words.T(l, "me.f.description"), Type: "textarea", Max: 10000},
		{Name: "occupation", Label: words.T(l, "me.f.occupation"), Hint: words.T(l, "me.h.occupation"), Type: "text", Max: 200},
	}}
}

func experienceInput(v url.Values) domain.ExperienceInput {
	return domain.ExperienceInput{
		Kind: domain.ExperienceKind(v.Get("kind")), Context: domain.LearningContext(v.Get("context")),
		From: domain.Date(v.Get("from")), To: domain.Date(v.Get("to")), Occupation: strings.TrimSpace(v.Get("occupation")),
		Text: domain.ExperienceText{Title: strings.TrimSpace(v.Get("title")), Place: strings.TrimSpace(v.Get("place")),
			Organisation: strings.TrimSpace(v.Get("organisation")), Description: strings.TrimSpace(v.Get("description"))},
	}
}

var experienceBack = formPage{Back: "/me/portfolio"}

func (s *Server) newExperience(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.beneficiary(w, r); !ok {
		return
	}
	f := experienceForm(language(r), "/me/experiences", "me.add")
	f.Key = newKey()
	s.showForm(w, r, http.StatusOK, "me.exp.new", f, experienceBack)
}

func (s *Server) addExperience(w http.ResponseWriter, r *http.Request) {
	a, call, ok := s.mePost(w, r)
	if !ok {
		return
	}
	f := experienceForm(language(r), "/me/experiences", "me.add")
	f.fill(r.PostForm)
	res, err := s.deps.Commands.AddExperience(r.Context(), call, commands.AddExperience{PortfolioID: a.PersonID, ExperienceInput: experienceInput(r.PostForm)})
	if err != nil {
		s.refused(w, r, "me.exp.new", f, experienceBack, err)
		return
	}
	s.saved(w, r, res, "/me/portfolio?done=saved#"+res.ID)
}

func (s *Server) editExperienceForm(w http.ResponseWriter, r *http.Request) {
	a, ok := s.beneficiary(w, r)
	if !ok {
		return
	}
	id := chi.URLParam(r, "id")
	f := experienceForm(language(r), "/me/experiences/"+id, "me.save")
	err := s.readMine(r.Context(), a, func(p *domain.Portfolio) error {
		x, ok := p.Experience(id)
		if !ok {
			return &domain.Error{Kind: domain.KindNotFound, Field: "experience_id", Reason: "no experience " + id}
		}
		f.fill(url.Values{"title": {x.Personal.Title}, "kind": {string(x.Kind)}, "context": {string(x.Context)},
			"organisation": {x.Personal.Organisation}, "place": {x.Personal.Place}, "from": {string(x.From)}, "to": {string(x.To)},
			"description": {x.Personal.Description}, "occupation": {x.Occupation}})
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.showForm(w, r, http.StatusOK, "me.exp.edit", f, experienceBack)
}

func (s *Server) editExperience(w http.ResponseWriter, r *http.Request) {
	a, call, ok := s.mePost(w, r)
	if !ok {
		return
	}
	id := chi.URLParam(r, "id")
	f := experienceForm(language(r), "/me/experiences/"+id, "me.save")
	f.fill(r.PostForm)
	res, err := s.deps.Commands.EditExperience(r.Context(), call, commands.EditExperience{PortfolioID: a.PersonID, ExperienceID: id, ExperienceInput: experienceInput(r.PostForm)})
	if err != nil {
		s.refused(w, r, "me.exp.edit", f, experienceBack, err)
		return
	}
	s.saved(w, r, res, "/me/portfolio?done=saved#"+id)
}

func taskForm(l Lang, action, submit string) *form {
	return &form{Action: action, Submit: words.T(l, submit), Fields: []formField{
		{Name: "title", Label: words.T(l, "me.f.tasktitle"), Hint: words.T(l, "me.h.tasktitle"), Type: "text", Required: true, Max: 200},
		{Name: "description", Label: words.T(l, "me.f.taskdesc"), Type: "textarea", Max: 10000},
	}}
}

func taskText(v url.Values) domain.TaskText {
	return domain.TaskText{Title: strings.TrimSpace(v.Get("title")), Description: strings.TrimSpace(v.Get("description"))}
}

func (s *Server) newTask(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.beneficiary(w, r); !ok {
		return
	}
	f := taskForm(language(r), "/me/experiences/"+chi.URLParam(r, "id")+"/tasks", "me.add")
	f.Key = newKey()
	s.showForm(w, r, http.StatusOK, "me.task.new", f, experienceBack)
}

func (s *Server) addTask(w http.ResponseWriter, r *http.Request) {
	a, call, ok := s.mePost(w, r)
	if !ok {
		return
	}
	exp := chi.URLParam(r, "id")
	f := taskForm(language(r), "/me/experiences/"+exp+"/tasks", "me.add")
	f.fill(r.PostForm)
	res, err := s.deps.Commands.AddTask(r.Context(), call, commands.AddTask{PortfolioID: a.PersonID, ExperienceID: exp, Text: taskText(r.PostForm)})
	if err != nil {
		s.refused(w, r, "me.task.new", f, experienceBack, err)
		return
	}
	s.saved(w, r, res, "/me/portfolio?done=saved#"+exp)
}

func (s *Server) editTaskForm(w http.ResponseWriter, r *http.Request) {
	a, ok := s.beneficiary(w, r)
	if !ok {
		return
	}
	exp, task := chi.URLParam(r, "id"), chi.URLParam(r, "task")
	f := taskForm(language(r), "/me/experiences/"+exp+"/tasks/"+task, "me.save")
	err := s.readMine(r.Context(), a, func(p *domain.Portfolio) error {
		x, ok := p.Experience(exp)
		if !ok || x.Tasks[task] == nil || x.Tasks[task].Removed {
			return &domain.Error{Kind: domain.KindNotFound, Field: "task_id", Reason: "no task " + exp + "/" + task}
		}
		t := x.Tasks[task].Personal
		f.fill(url.Values{"title": {t.Title}, "description": {t.Description}})
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.showForm(w, r, http.StatusOK, "me.task.edit", f, experienceBack)
}

func (s *Server) editTask(w http.ResponseWriter, r *http.Request) {
	a, call, ok := s.mePost(w, r)
	if !ok {
		return
	}
	exp, task := chi.URLParam(r, "id"), chi.URLParam(r, "task")
	f := taskForm(language(r), "/me/experiences/"+exp+"/tasks/"+task, "me.save")
	f.fill(r.PostForm)
	res, err := s.deps.Commands.EditTask(r.Context(), call, commands.EditTask{PortfolioID: a.PersonID, ExperienceID: exp, TaskID: task, Text: taskText(r.PostForm)})
	if err != nil {
		s.refused(w, r, "me.task.edit", f, experienceBack, err)
		return
	}
	s.saved(w, r, res, "/me/portfolio?done=saved#"+exp)
}
