package commands_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

// cvWorld is a world where p-zoe has a job (x-job), a training (x-bts),
// a removed experience (x-gone) and a competence (c-vente).
func cvWorld(t *testing.T) *world {
	w := newWorld(t)
	training := w.experience("bts")
	training.Kind = domain.KindTraining
	w.mustDo(w.h.AddExperience(w.ctx, w.call(w.bene), commands.AddExperience{PortfolioID: "p-zoe", ExperienceID: "x-job", ExperienceInput: w.experience("job")}))
	w.mustDo(w.h.AddExperience(w.ctx, w.call(w.bene), commands.AddExperience{PortfolioID: "p-zoe", ExperienceID: "x-bts", ExperienceInput: training}))
	w.mustDo(w.h.AddExperience(w.ctx, w.call(w.bene), commands.AddExperience{PortfolioID: "p-zoe", ExperienceID: "x-gone", ExperienceInput: w.experience("gone")}))
	w.mustDo(w.h.RemoveExperience(w.ctx, w.call(w.bene), commands.RemoveExperience{PortfolioID: "p-zoe", ExperienceID: "x-gone"}))
	w.mustDo(w.h.DeclareCompetence(w.ctx, w.call(w.bene), commands.DeclareCompetence{PortfolioID: "p-zoe", CompetenceID: "c-vente",
		CompetenceInput: domain.CompetenceInput{Text: domain.CompetenceText{Name: "Conseiller un client"}}}))
	return w
}

func cvInput(title string) domain.CVInput {
	return domain.CVInput{Experiences: []string{"x-job"}, Competences: []string{"c-vente"}, Education: []string{"x-bts"},
		Text: domain.CVText{Title: title, TargetJob: "Vendeuse en boulangerie-CV-Zoé", Summary: "Cinq ans de vente-CV-Zoé"}}
}

func (w *world) cvState(id string) domain.CV {
	w.t.Helper()
	var cv domain.CV
	w.read(w.bene, "p-zoe", func(p *domain.Portfolio) { cv = *p.CVs()[id] })
	return cv
}

func TestCVs(t *testing.T) {
	w := cvWorld(t)
	res := w.mustDo(w.h.CreateCV(w.ctx, w.call(w.bene), commands.CreateCV{PortfolioID: "p-zoe", CVID: "cv-boulangerie", CVInput: cvInput("CV boulangerie")}))
	if res.ID != "cv-boulangerie" {
		t.Fatalf("create: %+v", res)
	}
	// Several CVs, each its own selection.
	gen := w.mustDo(w.h.CreateCV(w.ctx, w.call(w.bene), commands.CreateCV{PortfolioID: "p-zoe", CVInput: domain.CVInput{Text: domain.CVText{Title: "CV vide"}}}))
	if !strings.HasPrefix(gen.ID, "cv-") {
		t.Fatalf("generated id %q", gen.ID)
	}
	cv := w.cvState("cv-boulangerie")
	if !slices.Equal(cv.Experiences, []string{"x-job"}) || !slices.Equal(cv.Competences, []string{"c-vente"}) || !slices.Equal(cv.Education, []string{"x-bts"}) || cv.Personal.TargetJob != "Vendeuse en boulangerie-CV-Zoé" {
		t.Fatalf("created CV %+v", cv)
	}
	edited := domain.CVInput{Experiences: []string{"x-bts", "x-job"}, Text: domain.CVText{Title: "CV commerce"}}
	w.mustDo(w.h.EditCV(w.ctx, w.call(w.bene), commands.EditCV{PortfolioID: "p-zoe", CVID: "cv-boulangerie", CVInput: edited}))
	cv = w.cvState("cv-boulangerie")
	if !slices.Equal(cv.Experiences, []string{"x-bts", "x-job"}) || len(cv.Education) != 0 || len(cv.Competences) != 0 || cv.Personal.Title != "CV commerce" || cv.Personal.Summary != "" {
		t.Fatalf("edit must replace the selection and the text: %+v", cv)
	}
	w.mustDo(w.h.RemoveCV(w.ctx, w.call(w.bene), commands.RemoveCV{PortfolioID: "p-zoe", CVID: gen.ID}))
	if cv := w.cvState(gen.ID); !cv.Removed || cv.Personal.Title != "CV vide" {
		t.Fatalf("removed CV %+v", cv)
	}
	w.neverInClear("CV-Zoé", "CV boulangerie", "CV commerce")
}

func TestCVRefusals(t *testing.T) {
	w := cvWorld(t)
	w.mustDo(w.h.CreateCV(w.ctx, w.call(w.bene), commands.CreateCV{PortfolioID: "p-zoe", CVID: "cv-1", CVInput: cvInput("CV")}))
	w.mustDo(w.h.CreateCV(w.ctx, w.call(w.bene), commands.CreateCV{PortfolioID: "p-zoe", CVID: "cv-gone", CVInput: cvInput("CV")}))
	w.mustDo(w.h.RemoveCV(w.ctx, w.call(w.bene), commands.RemoveCV{PortfolioID: "p-zoe", CVID: "cv-gone"}))

	create := func(mut func(*commands.CreateCV)) func(commands.Call) (commands.Result, error) {
		cmd := commands.CreateCV{PortfolioID: "p-zoe", CVInput: cvInput("CV")}
		mut(&cmd)
		return func(c commands.Call) (commands.Result, error) { return w.h.CreateCV(w.ctx, c, cmd) }
	}
	edit := func(id string, mut func(*domain.CVInput)) func(commands.Call) (commands.Result, error) {
		cmd := commands.EditCV{PortfolioID: "p-zoe", CVID: id, CVInput: cvInput("CV")}
		mut(&cmd.CVInput)
		return func(c commands.Call) (commands.Result, error) { return w.h.EditCV(w.ctx, c, cmd) }
	}
	remove := func(id string) func(commands.Call) (commands.Result, error) {
		return func(c commands.Call) (commands.Result, error) {
			return w.h.RemoveCV(w.ctx, c, commands.RemoveCV{PortfolioID: "p-zoe", CVID: id})
		}
	}
	everyone := w.outsiders(false)
	for name, cmd := range map[string]func(commands.Call) (commands.Result, error){
		"CreateCV": create(func(*commands.CreateCV) {}), "EditCV": edit("cv-1", func(*domain.CVInput) {}), "RemoveCV": remove("cv-1"),
	} {
		t.Run(name, func(t *testing.T) { w.refusedToAll(t, everyone, cmd) })
	}
	many := make([]string, 201)
	for i := range many {
		many[i] = fmt.Sprintf("x-%d", i)
	}
	b, inv, nf := w.bene, domain.KindInvalid, domain.KindNotFound
	w.refusedAll(t, []refusal{
		{"unknown experience", b, create(func(c *commands.CreateCV) { c.Experiences = []string{"x-job", "x-404"} }), nf, "experiences"},
		{"removed experience", b, create(func(c *commands.CreateCV) { c.Experiences = []string{"x-gone"} }), nf, "experiences"},
		{"experience twice", b, create(func(c *commands.CreateCV) { c.Experiences = []string{"x-job", "x-job"} }), inv, "experiences"},
		{"too many experiences", b, create(func(c *commands.CreateCV) { c.Experiences = many }), inv, "experiences"},
		{"unknown competence", b, create(func(c *commands.CreateCV) { c.Competences = []string{"c-404"} }), nf, "competences"},
		{"education not a training", b, create(func(c *commands.CreateCV) { c.Education = []string{"x-job"} }), inv, "education"},
		{"unknown education", b, create(func(c *commands.CreateCV) { c.Education = []string{"x-404"} }), nf, "education"},
		{"no title", b, create(func(c *commands.CreateCV) { c.Text.Title = "" }), inv, "title"},
		{"target job too long", b, create(func(c *commands.CreateCV) { c.Text.TargetJob = strings.Repeat("v", 201) }), inv, "target_job"},
		{"summary too long", b, create(func(c *commands.CreateCV) { c.Text.Summary = strings.Repeat("s", 5001) }), inv, "summary"},
		{"bad id", b, create(func(c *commands.CreateCV) { c.CVID = "cv/1" }), inv, "cv_id"},
		{"duplicate id", b, create(func(c *commands.CreateCV) { c.CVID = "cv-gone" }), domain.KindConflict, ""},
		{"missing portfolio", b, create(func(c *commands.CreateCV) { c.PortfolioID = "p-nobody" }), nf, "portfolio"},
		{"edit: unknown CV", b, edit("cv-404", func(*domain.CVInput) {}), nf, "cv_id"},
		{"edit: removed CV", b, edit("cv-gone", func(*domain.CVInput) {}), nf, "cv_id"},
		{"edit: unknown experience", b, edit("cv-1", func(in *domain.CVInput) { in.Experiences = []string{"x-404"} }), nf, "experiences"},
		{"edit: no title", b, edit("cv-1", func(in *domain.CVInput) { in.Text.Title = "" }), inv, "title"},
		{"remove twice", b, remove("cv-gone"), nf, "cv_id"},
	})
}
