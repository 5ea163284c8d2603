package commands_test

import (
	"testing"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

func vaeCertification(code string) domain.Certification {
	return domain.Certification{RNCPCode: code, Title: "Employé polyvalent du commerce", Blocks: []domain.Block{
		{Code: "BC01", Title: "Accueillir et conseiller", Competences: []domain.BlockCompetence{{Code: "C1.1", Title: "Accueillir le client"}}},
		{Code: "BC02", Title: "Tenir la caisse", Competences: []domain.BlockCompetence{{Code: "C2.1", Title: "Encaisser"}}},
	}}
}

// vaeWorld is newWorld with experiences x-1 and x-2 in Zoé's portfolio,
// her dossier d-1, the tutor invited on all of it and the auditor granted
// d-1 for 30 days: the wrong roles hold grants.
func vaeWorld(t *testing.T) *world {
	w := newWorld(t)
	for _, x := range []string{"x-1", "x-2"} {
		w.mustDo(w.h.AddExperience(w.ctx, w.call(w.bene), commands.AddExperience{PortfolioID: "p-zoe", ExperienceID: x, ExperienceInput: w.experience(x)}))
	}
	res := w.mustDo(w.h.OpenDossier(w.ctx, w.call(w.bene), commands.OpenDossier{PortfolioID: "p-zoe", DossierID: "d-1", Certification: vaeCertification("RNCP37849")}))
	if res.ID != "d-1" || res.Events != 1 {
		t.Fatalf("open: %+v", res)
	}
	w.mustDo(w.h.InviteTutor(w.ctx, w.call(w.bene), commands.InviteTutor{PortfolioID: "p-zoe", TutorID: "p-tutor", AllItems: true}))
	w.mustDo(w.h.GrantAuditor(w.ctx, w.call(w.bene), commands.GrantAuditor{PortfolioID: "p-zoe", AuditorID: "p-audit", DossierID: "d-1", Until: w.now.AddDate(0, 0, 30)}))
	return w
}

func vaeItem(id string) domain.ItemRef { return domain.ItemRef{Kind: domain.ItemExperience, ID: id} }

// vaeCommands runs each dossier command as actor a, on d-1 of Zoé.
func vaeCommands(w *world) map[string]func(a domain.Actor) error {
	p := "p-zoe"
	return map[string]func(domain.Actor) error{
		"open": func(a domain.Actor) error {
			_, err := w.h.OpenDossier(w.ctx, w.call(a), commands.OpenDossier{PortfolioID: p, Certification: vaeCertification("RNCP1234")})
			return err
		},
		"request admissibility": func(a domain.Actor) error {
			_, err := w.h.RequestAdmissibility(w.ctx, w.call(a), commands.RequestAdmissibility{PortfolioID: p, DossierID: "d-1"})
			return err
		},
		"record admissibility": func(a domain.Actor) error {
			_, err := w.h.RecordAdmissibility(w.ctx, w.call(a), commands.RecordAdmissibility{PortfolioID: p, DossierID: "d-1", Admissible: true, DecidedOn: "2026-02-20"})
			return err
		},
		"map": func(a domain.Actor) error {
			_, err := w.h.MapToBlock(w.ctx, w.call(a), commands.MapToBlock{PortfolioID: p, DossierID: "d-1", Block: "BC01", Item: vaeItem("x-2")})
			return err
		},
		"unmap": func(a domain.Actor) error {
			_, err := w.h.UnmapFromBlock(w.ctx, w.call(a), commands.UnmapFromBlock{PortfolioID: p, DossierID: "d-1", Block: "BC01", Item: vaeItem("x-1")})
			return err
		},
		"submit": func(a domain.Actor) error {
			_, err := w.h.SubmitDossier(w.ctx, w.call(a), commands.SubmitDossier{PortfolioID: p, DossierID: "d-1"})
			return err
		},
		"jury decision": func(a domain.Actor) error {
			_, err := w.h.RecordJuryDecision(w.ctx, w.call(a), commands.RecordJuryDecision{PortfolioID: p, DossierID: "d-1", Block: "BC01", Decision: domain.BlockValidated, DecidedOn: "2026-03-02"})
			return err
		},
	}
}

func TestDossierRolesRefused(t *testing.T) {
	w := vaeWorld(t)
	stream := domain.PortfolioStream("p-zoe")
	w.mustDo(w.h.MapToBlock(w.ctx, w.call(w.bene), commands.MapToBlock{PortfolioID: "p-zoe", DossierID: "d-1", Block: "BC01", Item: vaeItem("x-1")}))
	type refusal struct {
		who   string
		actor domain.Actor
		kind  domain.Kind
	}
	common := []refusal{
		{"tutor with a grant", w.tutor, domain.KindForbidden},
		{"auditor with a grant", w.auditor, domain.KindForbidden},
		{"structure admin", w.admin, domain.KindForbidden},
		{"another beneficiary", w.bene2, domain.KindNotFound},
		{"other tenant", domainActor("p-zoe", "s-other", domain.RoleBeneficiary), domain.KindNotFound},
		{"other tenant's counsellor", domainActor("p-cons", "s-other", domain.RoleCounsellor), domain.KindNotFound},
	}
	ownerOnly := append([]refusal{{"assigned counsellor", w.counsellor, domain.KindForbidden}}, common...)
	counsellorOnly := append([]refusal{{"owner", w.bene, domain.KindForbidden}, {"unassigned counsellor", w.counsellor2, domain.KindNotFound}}, common...)
	for name, run := range vaeCommands(w) {
		wrong := ownerOnly
		if name == "record admissibility" || name == "jury decision" {
			wrong = counsellorOnly
		}
		for _, r := range wrong {
			t.Run(name+"/"+r.who, func(t *testing.T) {
				w.t = t
				before := w.revision(stream)
				field := ""
				if r.kind == domain.KindNotFound {
					field = "portfolio"
				}
				w.refused(run(r.actor), r.kind, field, stream, before)
			})
		}
	}
}

func TestDossierCommands(t *testing.T) {
	w := vaeWorld(t)
	stream := domain.PortfolioStream("p-zoe")
	run := vaeCommands(w)
	refused := func(name string, a domain.Actor, kind domain.Kind, field string) {
		t.Helper()
		before := w.revision(stream)
		w.refused(run[name](a), kind, field, stream, before)
	}
	// Given an opened dossier: no decision before a request, no submission
	// before admissibility.
	refused("record admissibility", w.counsellor, domain.KindConflict, "")
	w.mustDo(w.h.MapToBlock(w.ctx, w.call(w.bene), commands.MapToBlock{PortfolioID: "p-zoe", DossierID: "d-1", Block: "BC01", Item: vaeItem("x-1")}))
	w.mustDo(w.h.MapToBlock(w.ctx, w.call(w.bene), commands.MapToBlock{PortfolioID: "p-zoe", DossierID: "d-1", Block: "BC02", Item: vaeItem("x-1")}))
	refused("submit", w.bene, domain.KindConflict, "")
	refused("jury decision", w.counsellor, domain.KindConflict, "")
	w.mustDo(w.h.RequestAdmissibility(w.ctx, w.call(w.bene), commands.RequestAdmissibility{PortfolioID: "p-zoe", DossierID: "d-1"}))
	refused("request admissibility", w.bene, domain.KindConflict, "")
	refused("submit", w.bene, domain.KindConflict, "")
	w.mustDo(w.h.RecordAdmissibility(w.ctx, w.call(w.counsellor), commands.RecordAdmissibility{PortfolioID: "p-zoe", DossierID: "d-1", Admissible: true, DecidedOn: "2026-02-20"}))
	// An item can be mapped and unmapped until submission.
	if err := run["map"](w.bene); err != nil {
		t.Fatal(err)
	}
	w.mustDo(w.h.UnmapFromBlock(w.ctx, w.call(w.bene), commands.UnmapFromBlock{PortfolioID: "p-zoe", DossierID: "d-1", Block: "BC01", Item: vaeItem("x-2")}))
	var d domain.Dossier
	w.read(w.bene, "p-zoe", func(p *domain.Portfolio) { d = *p.Dossiers()["d-1"] })
	if d.State != domain.DossierAdmissible || *d.Admissible != true || len(d.Mapping["BC01"]) != 1 || len(d.Mapping["BC02"]) != 1 {
		t.Fatalf("admissible dossier %+v", d)
	}
	w.mustDo(w.h.SubmitDossier(w.ctx, w.call(w.bene), commands.SubmitDossier{PortfolioID: "p-zoe", DossierID: "d-1"}))
	// After submission the mapping is fixed, mapped experiences stay, and
	// the jury decides.
	refused("map", w.bene, domain.KindConflict, "")
	refused("unmap", w.bene, domain.KindConflict, "")
	refused("submit", w.bene, domain.KindConflict, "")
	before := w.revision(stream)
	_, err := w.h.RemoveExperience(w.ctx, w.call(w.bene), commands.RemoveExperience{PortfolioID: "p-zoe", ExperienceID: "x-1"})
	w.refused(err, domain.KindConflict, "", stream, before)
	w.mustDo(w.h.RemoveExperience(w.ctx, w.call(w.bene), commands.RemoveExperience{PortfolioID: "p-zoe", ExperienceID: "x-2"}))
	one := w.mustDo(w.h.RecordJuryDecision(w.ctx, w.call(w.counsellor), commands.RecordJuryDecision{PortfolioID: "p-zoe", DossierID: "d-1", Block: "BC01", Decision: domain.BlockValidated, DecidedOn: "2026-03-02"}))
	refused("jury decision", w.counsellor, domain.KindConflict, "") // BC01 is decided
	two := w.mustDo(w.h.RecordJuryDecision(w.ctx, w.call(w.counsellor), commands.RecordJuryDecision{PortfolioID: "p-zoe", DossierID: "d-1", Block: "BC02", Decision: domain.BlockPartly, DecidedOn: "2026-03-02"}))
	if one.Events != 1 || two.Events != 2 {
		t.Fatalf("decision results %+v, %+v", one, two)
	}
	w.read(w.bene, "p-zoe", func(p *domain.Portfolio) { d = *p.Dossiers()["d-1"] })
	if d.State != domain.DossierDecided || d.Decisions["BC01"] != domain.BlockValidated || d.Decisions["BC02"] != domain.BlockPartly {
		t.Fatalf("decided dossier %+v", d)
	}
}

func TestDossierBadInput(t *testing.T) {
	w := vaeWorld(t)
	stream := domain.PortfolioStream("p-zoe")
	cert := func(mut func(*domain.Certification)) domain.Certification {
		c := vaeCertification("RNCP35000")
		mut(&c)
		return c
	}
	open := func(id string, c domain.Certification) error {
		_, err := w.h.OpenDossier(w.ctx, w.call(w.bene), commands.OpenDossier{PortfolioID: "p-zoe", DossierID: id, Certification: c})
		return err
	}
	mapping := func(dossier, block string, item domain.ItemRef) error {
		_, err := w.h.MapToBlock(w.ctx, w.call(w.bene), commands.MapToBlock{PortfolioID: "p-zoe", DossierID: dossier, Block: block, Item: item})
		return err
	}
	admissibility := func(dossier string, on domain.Date) error {
		_, err := w.h.RecordAdmissibility(w.ctx, w.call(w.counsellor), commands.RecordAdmissibility{PortfolioID: "p-zoe", DossierID: dossier, DecidedOn: on})
		return err
	}
	w.mustDo(w.h.RequestAdmissibility(w.ctx, w.call(w.bene), commands.RequestAdmissibility{PortfolioID: "p-zoe", DossierID: "d-1"}))
	before := w.revision(stream)
	cases := []struct {
		name  string
		err   error
		kind  domain.Kind
		field string
	}{
		{"bad dossier id", open("d 2", vaeCertification("RNCP35000")), domain.KindInvalid, "dossier_id"},
		{"existing dossier", open("d-1", vaeCertification("RNCP35000")), domain.KindConflict, ""},
		{"certification under way", open("d-2", vaeCertification("RNCP37849")), domain.KindConflict, ""},
		{"bad rncp code", open("d-2", cert(func(c *domain.Certification) { c.RNCPCode = "RNCP-35000" })), domain.KindInvalid, "certification.rncp_code"},
		{"no title", open("d-2", cert(func(c *domain.Certification) { c.Title = "" })), domain.KindInvalid, "certification.title"},
		{"no block", open("d-2", cert(func(c *domain.Certification) { c.Blocks = nil })), domain.KindInvalid, "certification.blocks"},
		{"repeated block", open("d-2", cert(func(c *domain.Certification) { c.Blocks[1].Code = "BC01" })), domain.KindInvalid, "certification.blocks[1].code"},
		{"repeated competence", open("d-2", cert(func(c *domain.Certification) { c.Blocks[1].Competences[0].Code = "C1.1" })), domain.KindInvalid, "certification.blocks[1].competences[0].code"},
		{"block without competence", open("d-2", cert(func(c *domain.Certification) { c.Blocks[0].Competences = nil })), domain.KindInvalid, "certification.blocks[0].competences"},
		{"unknown dossier", mapping("d-9", "BC01", vaeItem("x-1")), domain.KindNotFound, "dossier_id"},
		{"unknown block", mapping("d-1", "BC09", vaeItem("x-1")), domain.KindNotFound, "block"},
		{"unknown experience", mapping("d-1", "BC01", vaeItem("x-9")), domain.KindNotFound, "item.id"},
		{"item of another kind", mapping("d-1", "BC01", domain.ItemRef{Kind: domain.ItemGoal, ID: "x-1"}), domain.KindInvalid, "item.kind"},
		{"no decision day", admissibility("d-1", ""), domain.KindInvalid, "decided_on"},
		{"decision day in the future", admissibility("d-1", "2026-03-03"), domain.KindInvalid, "decided_on"},
		{"decision day not a date", admissibility("d-1", "20/02/2026"), domain.KindInvalid, "decided_on"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w.t = t
			w.refused(c.err, c.kind, c.field, stream, before)
		})
	}
	w.t = t
	_, err := w.h.UnmapFromBlock(w.ctx, w.call(w.bene), commands.UnmapFromBlock{PortfolioID: "p-zoe", DossierID: "d-1", Block: "BC01", Item: vaeItem("x-1")})
	w.refused(err, domain.KindNotFound, "item.id", stream, before)
	w.mustDo(w.h.RecordAdmissibility(w.ctx, w.call(w.counsellor), commands.RecordAdmissibility{PortfolioID: "p-zoe", DossierID: "d-1", Admissible: true, DecidedOn: "2026-02-20"}))
	w.mustDo(w.h.MapToBlock(w.ctx, w.call(w.bene), commands.MapToBlock{PortfolioID: "p-zoe", DossierID: "d-1", Block: "BC01", Item: vaeItem("x-1")}))
	before = w.revision(stream)
	_, err = w.h.SubmitDossier(w.ctx, w.call(w.bene), commands.SubmitDossier{PortfolioID: "p-zoe", DossierID: "d-1"})
	w.refused(err, domain.KindConflict, "", stream, before) // BC02 has nothing mapped
	w.mustDo(w.h.MapToBlock(w.ctx, w.call(w.bene), commands.MapToBlock{PortfolioID: "p-zoe", DossierID: "d-1", Block: "BC02", Item: vaeItem("x-2")}))
	w.mustDo(w.h.SubmitDossier(w.ctx, w.call(w.bene), commands.SubmitDossier{PortfolioID: "p-zoe", DossierID: "d-1"}))
	jury := func(block string, decision domain.BlockDecision, on domain.Date) error {
		_, err := w.h.RecordJuryDecision(w.ctx, w.call(w.counsellor), commands.RecordJuryDecision{PortfolioID: "p-zoe", DossierID: "d-1", Block: block, Decision: decision, DecidedOn: on})
		return err
	}
	before = w.revision(stream)
	w.refused(jury("BC09", domain.BlockValidated, "2026-03-02"), domain.KindNotFound, "block", stream, before)
	w.refused(jury("BC01", "passed", "2026-03-02"), domain.KindInvalid, "decision", stream, before)
	w.refused(jury("BC01", domain.BlockValidated, "2026-03-01"), domain.KindInvalid, "decided_on", stream, before) // before the submission
	w.now = w.now.Add(48 * time.Hour)
	if err := jury("BC01", domain.BlockNotValidated, "2026-03-03"); err != nil {
		t.Fatal(err)
	}
}
