package commands_test

import (
	"strings"
	"testing"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

func TestExperienceCommands(t *testing.T) {
	w := newWorld(t)
	stream := domain.PortfolioStream("p-zoe")
	res := w.mustDo(w.h.AddExperience(w.ctx, w.call(w.bene), commands.AddExperience{PortfolioID: "p-zoe", ExperienceID: "x-1", ExperienceInput: w.experience("1")}))
	if res.ID != "x-1" || res.Events != 1 {
		t.Fatalf("result %+v", res)
	}
	edited := w.experience("1")
	edited.Text.Description = "Accueil, encaissement, vitrine."
	w.mustDo(w.h.EditExperience(w.ctx, w.call(w.bene), commands.EditExperience{PortfolioID: "p-zoe", ExperienceID: "x-1", ExperienceInput: edited}))
	w.mustDo(w.h.AddTask(w.ctx, w.call(w.bene), commands.AddTask{PortfolioID: "p-zoe", ExperienceID: "x-1", TaskID: "t-1", Text: domain.TaskText{Title: "Encaissement"}}))
	w.mustDo(w.h.EditTask(w.ctx, w.call(w.bene), commands.EditTask{PortfolioID: "p-zoe", ExperienceID: "x-1", TaskID: "t-1", Text: domain.TaskText{Title: "Encaissement et caisse"}}))
	gen := w.mustDo(w.h.AddExperience(w.ctx, w.call(w.bene), commands.AddExperience{PortfolioID: "p-zoe", ExperienceInput: w.experience("2")}))
	if !strings.HasPrefix(gen.ID, "x-") {
		t.Fatalf("generated id %q", gen.ID)
	}
	w.mustDo(w.h.RemoveTask(w.ctx, w.call(w.bene), commands.RemoveTask{PortfolioID: "p-zoe", ExperienceID: "x-1", TaskID: "t-1"}))
	w.mustDo(w.h.RemoveExperience(w.ctx, w.call(w.bene), commands.RemoveExperience{PortfolioID: "p-zoe", ExperienceID: gen.ID}))
	w.read(w.bene, "p-zoe", func(p *domain.Portfolio) {
		x, ok := p.Experience("x-1")
		if !ok || x.Personal.Description != edited.Text.Description || !x.Tasks["t-1"].Removed || x.Tasks["t-1"].Personal.Title != "Encaissement et caisse" {
			t.Fatalf("experience state %+v", x)
		}
		if _, ok := p.Experience(gen.ID); ok {
			t.Fatal("removed experience still visible")
		}
		if p.Experiences()[gen.ID] == nil {
			t.Fatal("removal lost the history")
		}
	})

	bad := func(mut func(*domain.ExperienceInput)) domain.ExperienceInput {
		in := w.experience("b")
		mut(&in)
		return in
	}
	refusals := []struct {
		name  string
		actor domain.Actor
		cmd   commands.AddExperience
		kind  domain.Kind
		field string
	}{
		{"counsellor writes content", w.counsellor, commands.AddExperience{PortfolioID: "p-zoe", ExperienceInput: w.experience("c")}, domain.KindForbidden, ""},
		{"tutor without grant", w.tutor, commands.AddExperience{PortfolioID: "p-zoe", ExperienceInput: w.experience("c")}, domain.KindNotFound, "portfolio"},
		{"admin writes content", w.admin, commands.AddExperience{PortfolioID: "p-zoe", ExperienceInput: w.experience("c")}, domain.KindForbidden, ""},
		{"auditor writes", w.auditor, commands.AddExperience{PortfolioID: "p-zoe", ExperienceInput: w.experience("c")}, domain.KindNotFound, "portfolio"},
		{"another beneficiary", w.bene2, commands.AddExperience{PortfolioID: "p-zoe", ExperienceInput: w.experience("c")}, domain.KindNotFound, "portfolio"},
		{"other tenant", domainActor("p-zoe", "s-other", domain.RoleBeneficiary), commands.AddExperience{PortfolioID: "p-zoe", ExperienceInput: w.experience("c")}, domain.KindNotFound, "portfolio"},
		{"duplicate id", w.bene, commands.AddExperience{PortfolioID: "p-zoe", ExperienceID: "x-1", ExperienceInput: w.experience("c")}, domain.KindConflict, ""},
		{"unknown kind", w.bene, commands.AddExperience{PortfolioID: "p-zoe", ExperienceInput: bad(func(i *domain.ExperienceInput) { i.Kind = "job" })}, domain.KindInvalid, "kind"},
		{"unknown context", w.bene, commands.AddExperience{PortfolioID: "p-zoe", ExperienceInput: bad(func(i *domain.ExperienceInput) { i.Context = "x" })}, domain.KindInvalid, "context"},
		{"bad date", w.bene, commands.AddExperience{PortfolioID: "p-zoe", ExperienceInput: bad(func(i *domain.ExperienceInput) { i.From = "2023-13-01" })}, domain.KindInvalid, "from"},
		{"end before start", w.bene, commands.AddExperience{PortfolioID: "p-zoe", ExperienceInput: bad(func(i *domain.ExperienceInput) { i.To = "2022-01-01" })}, domain.KindInvalid, "from"},
		{"bad occupation", w.bene, commands.AddExperience{PortfolioID: "p-zoe", ExperienceInput: bad(func(i *domain.ExperienceInput) { i.Occupation = "plumber" })}, domain.KindInvalid, "occupation"},
		{"no title", w.bene, commands.AddExperience{PortfolioID: "p-zoe", ExperienceInput: bad(func(i *domain.ExperienceInput) { i.Text.Title = "" })}, domain.KindInvalid, "title"},
		{"control character", w.bene, commands.AddExperience{PortfolioID: "p-zoe", ExperienceInput: bad(func(i *domain.ExperienceInput) { i.Text.Place = "a\x00b" })}, domain.KindInvalid, "place"},
		{"too long", w.bene, commands.AddExperience{PortfolioID: "p-zoe", ExperienceInput: bad(func(i *domain.ExperienceInput) { i.Text.Description = strings.Repeat("é", 10001) })}, domain.KindInvalid, "description"},
		{"missing portfolio", w.bene, commands.AddExperience{PortfolioID: "p-nobody", ExperienceInput: w.experience("c")}, domain.KindNotFound, "portfolio"},
	}
	for _, r := range refusals {
		t.Run(r.name, func(t *testing.T) {
			w.t = t
			before := w.revision(stream)
			_, err := w.h.AddExperience(w.ctx, w.call(r.actor), r.cmd)
			w.refused(err, r.kind, r.field, stream, before)
		})
	}
	w.t = t
	before := w.revision(stream)
	_, err := w.h.EditExperience(w.ctx, w.call(w.bene), commands.EditExperience{PortfolioID: "p-zoe", ExperienceID: "x-404", ExperienceInput: w.experience("c")})
	w.refused(err, domain.KindNotFound, "experience_id", stream, before)
	_, err = w.h.AddTask(w.ctx, w.call(w.bene), commands.AddTask{PortfolioID: "p-zoe", ExperienceID: gen.ID, Text: domain.TaskText{Title: "x"}})
	w.refused(err, domain.KindNotFound, "experience_id", stream, before)
}

func domainActor(id, tenant string, role domain.Role) domain.Actor {
	return domain.Actor{PersonID: id, Tenant: tenant, Role: role}
}
