package commands_test

import (
	"strings"
	"testing"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

const zoe = "p-zoe"

// givenItems builds, in Zoé's portfolio: experiences x-1 (with task t-1)
// and x-2, competence c-1 linked to x-1, free competence c-2, and the
// tutor invited on x-1 only. It returns the end of the tutor's grant.
func givenItems(w *world) time.Time {
	w.t.Helper()
	bene := w.call(w.bene)
	for _, x := range []string{"x-1", "x-2"} {
		w.mustDo(w.h.AddExperience(w.ctx, bene, commands.AddExperience{PortfolioID: zoe, ExperienceID: x, ExperienceInput: w.experience(x)}))
	}
	w.mustDo(w.h.AddTask(w.ctx, bene, commands.AddTask{PortfolioID: zoe, ExperienceID: "x-1", TaskID: "t-1", Text: domain.TaskText{Title: "Encaissement"}}))
	w.mustDo(w.h.DeclareCompetence(w.ctx, bene, commands.DeclareCompetence{PortfolioID: zoe, CompetenceID: "c-1",
		CompetenceInput: domain.CompetenceInput{Framework: &domain.FrameworkRef{Framework: "RNCP37849", Code: "BC01"}, Text: domain.CompetenceText{Name: "Accueillir la clientèle"}}}))
	w.mustDo(w.h.DeclareCompetence(w.ctx, bene, commands.DeclareCompetence{PortfolioID: zoe, CompetenceID: "c-2",
		CompetenceInput: domain.CompetenceInput{Text: domain.CompetenceText{Name: "Travailler en équipe"}}}))
	w.mustDo(w.h.LinkCompetence(w.ctx, bene, commands.LinkCompetence{PortfolioID: zoe, CompetenceID: "c-1", CompetenceLinks: domain.CompetenceLinks{Experiences: []string{"x-1"}}}))
	until := w.now.Add(30 * 24 * time.Hour)
	w.mustDo(w.h.InviteTutor(w.ctx, bene, commands.InviteTutor{PortfolioID: zoe, GrantID: "g-tutor", TutorID: w.tutor.PersonID, Experiences: []string{"x-1"}, Until: until}))
	return until
}

// itemRefusal is a command on Zoé's portfolio that must be refused with
// kind (about field, if set) without moving the stream; later moves the
// clock first (past a grant's end).
type itemRefusal struct {
	name  string
	actor domain.Actor
	cmd   func(commands.Call) (commands.Result, error)
	kind  domain.Kind
	field string
	later time.Duration
}

func runItemRefusals(t *testing.T, w *world, rows []itemRefusal) {
	t.Helper()
	stream := domain.PortfolioStream(zoe)
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			w.t = t
			defer func(now time.Time) { w.now = now }(w.now)
			w.now = w.now.Add(r.later)
			before := w.revision(stream)
			_, err := r.cmd(w.call(r.actor))
			w.refused(err, r.kind, r.field, stream, before)
		})
	}
	w.t = t
}

// zoePortfolio runs fn on Zoé's portfolio as she sees it.
func zoePortfolio(w *world, fn func(p *domain.Portfolio)) {
	w.t.Helper()
	if err := w.read(w.bene, zoe, fn); err != nil {
		w.t.Fatalf("read portfolio: %v", err)
	}
}

func TestDeclareCompetence(t *testing.T) {
	w := newWorld(t)
	givenItems(w)
	esco := &domain.FrameworkRef{Framework: "ESCO", Code: "http://data.europa.eu/esco/skill/0005c151-5b5a-4a66-8aac-60e734beb1ab"}
	w.mustDo(w.h.DeclareCompetence(w.ctx, w.call(w.bene), commands.DeclareCompetence{PortfolioID: zoe, CompetenceID: "c-esco",
		CompetenceInput: domain.CompetenceInput{Framework: esco}}))
	w.mustDo(w.h.DeclareCompetence(w.ctx, w.call(w.bene), commands.DeclareCompetence{PortfolioID: zoe, CompetenceID: "c-rome",
		CompetenceInput: domain.CompetenceInput{Framework: &domain.FrameworkRef{Framework: "ROME", Code: "D1106"}, Text: domain.CompetenceText{Name: "Vente"}}}))
	gen := w.mustDo(w.h.DeclareCompetence(w.ctx, w.call(w.bene), commands.DeclareCompetence{PortfolioID: zoe,
		CompetenceInput: domain.CompetenceInput{Framework: &domain.FrameworkRef{Framework: "RNCP37849", Code: "BC02.C3"}, Text: domain.CompetenceText{Name: "Encaisser"}}}))
	if !strings.HasPrefix(gen.ID, "c-") {
		t.Fatalf("generated id %q", gen.ID)
	}
	zoePortfolio(w, func(p *domain.Portfolio) {
		c, ok := p.Competence("c-esco")
		if !ok || *c.Framework != *esco || c.State(p) != domain.CompetenceDeclared {
			t.Fatalf("competence %+v", c)
		}
		if c, _ := p.Competence("c-2"); c.Framework != nil || c.Personal.Name != "Travailler en équipe" {
			t.Fatalf("free competence %+v", c)
		}
	})

	declare := func(id string, fw *domain.FrameworkRef, name string) func(commands.Call) (commands.Result, error) {
		return func(c commands.Call) (commands.Result, error) {
			return w.h.DeclareCompetence(w.ctx, c, commands.DeclareCompetence{PortfolioID: zoe, CompetenceID: id,
				CompetenceInput: domain.CompetenceInput{Framework: fw, Text: domain.CompetenceText{Name: name}}})
		}
	}
	fw := func(f, code string) *domain.FrameworkRef { return &domain.FrameworkRef{Framework: f, Code: code} }
	runItemRefusals(t, w, []itemRefusal{
		{name: "counsellor writes content", actor: w.counsellor, cmd: declare("", nil, "x"), kind: domain.KindForbidden},
		{name: "tutor writes content", actor: w.tutor, cmd: declare("", nil, "x"), kind: domain.KindForbidden},
		{name: "admin writes content", actor: w.admin, cmd: declare("", nil, "x"), kind: domain.KindForbidden},
		{name: "auditor without grant", actor: w.auditor, cmd: declare("", nil, "x"), kind: domain.KindNotFound, field: "portfolio"},
		{name: "another beneficiary", actor: w.bene2, cmd: declare("", nil, "x"), kind: domain.KindNotFound, field: "portfolio"},
		{name: "other tenant", actor: domainActor(zoe, "s-other", domain.RoleBeneficiary), cmd: declare("", nil, "x"), kind: domain.KindNotFound, field: "portfolio"},
		{name: "duplicate id", actor: w.bene, cmd: declare("c-1", nil, "x"), kind: domain.KindConflict},
		{name: "bad id", actor: w.bene, cmd: declare("c/1", nil, "x"), kind: domain.KindInvalid, field: "competence_id"},
		{name: "framework element declared twice", actor: w.bene, cmd: declare("", fw("RNCP37849", "BC01"), ""), kind: domain.KindConflict},
		{name: "unknown framework", actor: w.bene, cmd: declare("", fw("CNCP", "BC01"), ""), kind: domain.KindInvalid, field: "framework.framework"},
		{name: "RNCP without number", actor: w.bene, cmd: declare("", fw("RNCP", "BC01"), ""), kind: domain.KindInvalid, field: "framework.framework"},
		{name: "bad RNCP code", actor: w.bene, cmd: declare("", fw("RNCP37849", "bc 01"), ""), kind: domain.KindInvalid, field: "framework.code"},
		{name: "RNCP code with a slash", actor: w.bene, cmd: declare("", fw("RNCP37849", "BC01/C1"), ""), kind: domain.KindInvalid, field: "framework.code"},
		{name: "ESCO occupation, not skill", actor: w.bene, cmd: declare("", fw("ESCO", "http://data.europa.eu/esco/occupation/123"), ""), kind: domain.KindInvalid, field: "framework.code"},
		{name: "bad ROME code", actor: w.bene, cmd: declare("", fw("ROME", "Z9999"), ""), kind: domain.KindInvalid, field: "framework.code"},
		{name: "no name nor framework", actor: w.bene, cmd: declare("", nil, "  "), kind: domain.KindInvalid, field: "name"},
		{name: "name too long", actor: w.bene, cmd: declare("", nil, strings.Repeat("a", 201)), kind: domain.KindInvalid, field: "name"},
		{name: "missing portfolio", actor: w.bene, cmd: func(c commands.Call) (commands.Result, error) {
			return w.h.DeclareCompetence(w.ctx, c, commands.DeclareCompetence{PortfolioID: "p-nobody", CompetenceInput: domain.CompetenceInput{Text: domain.CompetenceText{Name: "x"}}})
		}, kind: domain.KindNotFound, field: "portfolio"},
	})
}

func TestLinkAndUnlinkCompetence(t *testing.T) {
	w := newWorld(t)
	givenItems(w)
	link := func(id string, exps, tasks []string) func(commands.Call) (commands.Result, error) {
		return func(c commands.Call) (commands.Result, error) {
			return w.h.LinkCompetence(w.ctx, c, commands.LinkCompetence{PortfolioID: zoe, CompetenceID: id, CompetenceLinks: domain.CompetenceLinks{Experiences: exps, Tasks: tasks}})
		}
	}
	unlink := func(id string, exps, tasks []string) func(commands.Call) (commands.Result, error) {
		return func(c commands.Call) (commands.Result, error) {
			return w.h.UnlinkCompetence(w.ctx, c, commands.UnlinkCompetence{PortfolioID: zoe, CompetenceID: id, CompetenceLinks: domain.CompetenceLinks{Experiences: exps, Tasks: tasks}})
		}
	}
	// Already linked to x-1: only x-2 and the task are added, once.
	w.mustDo(link("c-1", []string{"x-1", "x-2", "x-2"}, []string{"x-1/t-1"})(w.call(w.bene)))
	zoePortfolio(w, func(p *domain.Portfolio) {
		c, _ := p.Competence("c-1")
		if strings.Join(c.Experiences, ",") != "x-1,x-2" || strings.Join(c.Tasks, ",") != "x-1/t-1" {
			t.Fatalf("links %v %v", c.Experiences, c.Tasks)
		}
	})
	// A removed experience can still be unlinked.
	w.mustDo(w.h.RemoveExperience(w.ctx, w.call(w.bene), commands.RemoveExperience{PortfolioID: zoe, ExperienceID: "x-2"}))
	w.mustDo(unlink("c-1", []string{"x-2"}, []string{"x-1/t-1"})(w.call(w.bene)))
	zoePortfolio(w, func(p *domain.Portfolio) {
		c, _ := p.Competence("c-1")
		if strings.Join(c.Experiences, ",") != "x-1" || len(c.Tasks) != 0 {
			t.Fatalf("links after unlink %v %v", c.Experiences, c.Tasks)
		}
	})
	runItemRefusals(t, w, []itemRefusal{
		{name: "counsellor links", actor: w.counsellor, cmd: link("c-1", []string{"x-1"}, nil), kind: domain.KindForbidden},
		{name: "tutor links", actor: w.tutor, cmd: link("c-1", []string{"x-1"}, nil), kind: domain.KindForbidden},
		{name: "another beneficiary", actor: w.bene2, cmd: link("c-1", []string{"x-1"}, nil), kind: domain.KindNotFound, field: "portfolio"},
		{name: "nothing to link", actor: w.bene, cmd: link("c-1", nil, nil), kind: domain.KindInvalid, field: "experiences"},
		{name: "already linked", actor: w.bene, cmd: link("c-1", []string{"x-1"}, nil), kind: domain.KindConflict},
		{name: "missing competence", actor: w.bene, cmd: link("c-404", []string{"x-1"}, nil), kind: domain.KindNotFound, field: "competence_id"},
		{name: "missing experience", actor: w.bene, cmd: link("c-2", []string{"x-404"}, nil), kind: domain.KindNotFound, field: "experiences"},
		{name: "removed experience", actor: w.bene, cmd: link("c-2", []string{"x-2"}, nil), kind: domain.KindNotFound, field: "experiences"},
		{name: "missing task", actor: w.bene, cmd: link("c-2", nil, []string{"x-1/t-404"}), kind: domain.KindNotFound, field: "tasks"},
		{name: "task without experience", actor: w.bene, cmd: link("c-2", nil, []string{"t-1"}), kind: domain.KindNotFound, field: "tasks"},
		{name: "unlink nothing", actor: w.bene, cmd: unlink("c-1", nil, nil), kind: domain.KindInvalid, field: "experiences"},
		{name: "unlink what is not linked", actor: w.bene, cmd: unlink("c-2", []string{"x-1"}, nil), kind: domain.KindNotFound, field: "experiences"},
		{name: "unlink a task not linked", actor: w.bene, cmd: unlink("c-1", nil, []string{"x-1/t-1"}), kind: domain.KindNotFound, field: "tasks"},
		{name: "counsellor unlinks", actor: w.counsellor, cmd: unlink("c-1", []string{"x-1"}, nil), kind: domain.KindForbidden},
	})
}

func TestSelfAssessCompetence(t *testing.T) {
	w := newWorld(t)
	givenItems(w)
	self := func(id string, level int) func(commands.Call) (commands.Result, error) {
		return func(c commands.Call) (commands.Result, error) {
			return w.h.SelfAssessCompetence(w.ctx, c, commands.SelfAssessCompetence{PortfolioID: zoe, CompetenceID: id, Level: level})
		}
	}
	w.mustDo(self("c-1", 3)(w.call(w.bene)))
	zoePortfolio(w, func(p *domain.Portfolio) {
		if c, _ := p.Competence("c-1"); c.SelfLevel != 3 || c.State(p) != domain.CompetenceDeclared {
			t.Fatalf("self level %d, state %s", c.SelfLevel, c.State(p))
		}
	})
	runItemRefusals(t, w, []itemRefusal{
		{name: "level 0", actor: w.bene, cmd: self("c-1", 0), kind: domain.KindInvalid, field: "level"},
		{name: "level 5", actor: w.bene, cmd: self("c-1", 5), kind: domain.KindInvalid, field: "level"},
		{name: "missing competence", actor: w.bene, cmd: self("c-404", 2), kind: domain.KindNotFound, field: "competence_id"},
		{name: "counsellor self-assesses for her", actor: w.counsellor, cmd: self("c-1", 2), kind: domain.KindForbidden},
		{name: "tutor", actor: w.tutor, cmd: self("c-1", 2), kind: domain.KindForbidden},
	})
}

func assess(w *world, id string, result domain.AssessmentResult, comment string) func(commands.Call) (commands.Result, error) {
	return func(c commands.Call) (commands.Result, error) {
		return w.h.AssessCompetence(w.ctx, c, commands.AssessCompetence{PortfolioID: zoe, CompetenceID: id, Result: result, Comment: domain.CommentText{Text: comment}})
	}
}

func TestAssessCompetence(t *testing.T) {
	w := newWorld(t)
	until := givenItems(w)
	w.mustDo(assess(w, "c-1", domain.ResultPartly, "Accueil correct, à consolider.")(w.call(w.counsellor)))
	w.now = w.now.Add(time.Hour)
	// c-1 is linked to x-1, which the tutor's grant covers.
	w.mustDo(assess(w, "c-1", domain.ResultAcquired, "Vu en situation réelle.")(w.call(w.tutor)))
	zoePortfolio(w, func(p *domain.Portfolio) {
		c, _ := p.Competence("c-1")
		if len(c.Assessments) != 2 || c.State(p) != domain.CompetenceAssessed {
			t.Fatalf("assessments %+v state %s", c.Assessments, c.State(p))
		}
		a, b := c.Assessments[0], c.Assessments[1]
		if a.By != "p-cons" || a.Role != domain.RoleCounsellor || a.Result != domain.ResultPartly || !a.At.Equal(w.now.Add(-time.Hour)) || a.Personal.Text != "Accueil correct, à consolider." {
			t.Fatalf("counsellor's assessment %+v", a)
		}
		if b.By != "p-tutor" || b.Role != domain.RoleTutor || b.Result != domain.ResultAcquired || !b.At.Equal(w.now) {
			t.Fatalf("tutor's assessment %+v", b)
		}
	})
	expired := until.Sub(w.now) + time.Second
	runItemRefusals(t, w, []itemRefusal{
		{name: "owner assesses herself", actor: w.bene, cmd: assess(w, "c-1", domain.ResultAcquired, "x"), kind: domain.KindForbidden},
		{name: "unassigned counsellor", actor: w.counsellor2, cmd: assess(w, "c-1", domain.ResultAcquired, "x"), kind: domain.KindNotFound, field: "portfolio"},
		{name: "tutor out of scope", actor: w.tutor, cmd: assess(w, "c-2", domain.ResultAcquired, "x"), kind: domain.KindNotFound, field: "competence"},
		{name: "tutor on a missing competence", actor: w.tutor, cmd: assess(w, "c-404", domain.ResultAcquired, "x"), kind: domain.KindNotFound, field: "competence"},
		{name: "tutor after the grant's end", actor: w.tutor, cmd: assess(w, "c-1", domain.ResultAcquired, "x"), kind: domain.KindNotFound, field: "portfolio", later: expired},
		{name: "admin", actor: w.admin, cmd: assess(w, "c-1", domain.ResultAcquired, "x"), kind: domain.KindForbidden},
		{name: "auditor", actor: w.auditor, cmd: assess(w, "c-1", domain.ResultAcquired, "x"), kind: domain.KindNotFound, field: "portfolio"},
		{name: "unknown result", actor: w.counsellor, cmd: assess(w, "c-1", "excellent", "x"), kind: domain.KindInvalid, field: "result"},
		{name: "no comment", actor: w.counsellor, cmd: assess(w, "c-1", domain.ResultNotYet, " "), kind: domain.KindInvalid, field: "comment"},
		{name: "comment too long", actor: w.counsellor, cmd: assess(w, "c-1", domain.ResultNotYet, strings.Repeat("é", 5001)), kind: domain.KindInvalid, field: "comment"},
		{name: "missing competence", actor: w.counsellor, cmd: assess(w, "c-404", domain.ResultNotYet, "x"), kind: domain.KindNotFound, field: "competence_id"},
	})
}

func TestValidateCompetence(t *testing.T) {
	w := newWorld(t)
	until := givenItems(w)
	validate := func(id string) func(commands.Call) (commands.Result, error) {
		return func(c commands.Call) (commands.Result, error) {
			return w.h.ValidateCompetence(w.ctx, c, commands.ValidateCompetence{PortfolioID: zoe, CompetenceID: id})
		}
	}
	w.mustDo(validate("c-1")(w.call(w.tutor)))
	w.mustDo(validate("c-2")(w.call(w.counsellor)))
	zoePortfolio(w, func(p *domain.Portfolio) {
		c, _ := p.Competence("c-1")
		if v := c.Validation; v == nil || v.By != "p-tutor" || v.Role != domain.RoleTutor || !v.At.Equal(w.now) || c.State(p) != domain.CompetenceValidated {
			t.Fatalf("validation %+v", c.Validation)
		}
		if c, _ := p.Competence("c-2"); c.Validation.By != "p-cons" || c.Validation.Role != domain.RoleCounsellor {
			t.Fatalf("validation %+v", c.Validation)
		}
	})
	w.mustDo(w.h.DeclareCompetence(w.ctx, w.call(w.bene), commands.DeclareCompetence{PortfolioID: zoe, CompetenceID: "c-3",
		CompetenceInput: domain.CompetenceInput{Text: domain.CompetenceText{Name: "Gérer les stocks"}}}))
	expired := until.Sub(w.now) + time.Second
	runItemRefusals(t, w, []itemRefusal{
		{name: "validated already", actor: w.counsellor, cmd: validate("c-1"), kind: domain.KindConflict},
		{name: "owner validates", actor: w.bene, cmd: validate("c-3"), kind: domain.KindForbidden},
		{name: "unassigned counsellor", actor: w.counsellor2, cmd: validate("c-3"), kind: domain.KindNotFound, field: "portfolio"},
		{name: "tutor out of scope", actor: w.tutor, cmd: validate("c-3"), kind: domain.KindNotFound, field: "competence"},
		{name: "tutor after the grant's end", actor: w.tutor, cmd: validate("c-1"), kind: domain.KindNotFound, field: "portfolio", later: expired},
		{name: "admin", actor: w.admin, cmd: validate("c-3"), kind: domain.KindForbidden},
		{name: "auditor", actor: w.auditor, cmd: validate("c-3"), kind: domain.KindNotFound, field: "portfolio"},
		{name: "missing competence", actor: w.counsellor, cmd: validate("c-404"), kind: domain.KindNotFound, field: "competence_id"},
	})
}

// Given a declared competence, when evidence is attached, assessed and
// validated, its derived state follows; withdrawing the only evidence
// takes an unassessed competence back to declared.
func TestCompetenceState(t *testing.T) {
	w := newWorld(t)
	givenItems(w)
	state := func(id string) domain.CompetenceState {
		var s domain.CompetenceState
		zoePortfolio(w, func(p *domain.Portfolio) { c, _ := p.Competence(id); s = c.State(p) })
		return s
	}
	on := func(id string) domain.ItemRef { return domain.ItemRef{Kind: domain.ItemCompetence, ID: id} }
	w.mustDo(w.h.AttachEvidence(w.ctx, w.call(w.bene), commands.AttachEvidence{PortfolioID: zoe, EvidenceID: "ev-2", Target: on("c-2"), EvidenceInput: textEvidence("Planning d'équipe")}))
	if s := state("c-2"); s != domain.CompetenceEvidenced {
		t.Fatalf("with evidence: %s", s)
	}
	w.mustDo(w.h.WithdrawEvidence(w.ctx, w.call(w.bene), commands.WithdrawEvidence{PortfolioID: zoe, EvidenceID: "ev-2"}))
	if s := state("c-2"); s != domain.CompetenceDeclared {
		t.Fatalf("evidence withdrawn: %s", s)
	}
	w.mustDo(w.h.AttachEvidence(w.ctx, w.call(w.bene), commands.AttachEvidence{PortfolioID: zoe, EvidenceID: "ev-1", Target: on("c-1"), EvidenceInput: textEvidence("Accueil")}))
	w.mustDo(assess(w, "c-1", domain.ResultAcquired, "Oui.")(w.call(w.counsellor)))
	if s := state("c-1"); s != domain.CompetenceAssessed {
		t.Fatalf("assessed: %s", s)
	}
	w.mustDo(w.h.ValidateCompetence(w.ctx, w.call(w.counsellor), commands.ValidateCompetence{PortfolioID: zoe, CompetenceID: "c-1"}))
	if s := state("c-1"); s != domain.CompetenceValidated {
		t.Fatalf("validated: %s", s)
	}
}
