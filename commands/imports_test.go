package commands_test

import (
	"context"
	"strings"
	"testing"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

func importSteps(w *world) []commands.ImportStep {
	return []commands.ImportStep{
		{Source: "work[0]", Experience: &commands.AddExperience{PortfolioID: "p-zoe", ExperienceID: "x-imp-1", ExperienceInput: w.experience("1")}},
		{Source: "work[0]#0", Task: &commands.AddTask{PortfolioID: "p-zoe", ExperienceID: "x-imp-1", TaskID: "t-imp-1", Text: domain.TaskText{Title: "Caisse"}}},
		{Source: "skills[0]", Competence: &commands.DeclareCompetence{PortfolioID: "p-zoe", CompetenceID: "c-imp-1",
			CompetenceInput: domain.CompetenceInput{Text: domain.CompetenceText{Name: "Accueil"}}}},
		{Source: "skills[0]", Link: &commands.LinkCompetence{PortfolioID: "p-zoe", CompetenceID: "c-imp-1",
			CompetenceLinks: domain.CompetenceLinks{Experiences: []string{"x-imp-1"}}}},
		{Source: "entry-1", Evidence: &commands.AttachEvidence{PortfolioID: "p-zoe", EvidenceID: "ev-imp-1",
			Target:        domain.ItemRef{Kind: domain.ItemExperience, ID: "x-imp-1"},
			EvidenceInput: domain.EvidenceInput{Kind: domain.EvidenceOfText, Text: domain.EvidenceText{Title: "Journal", Text: "Premier jour"}}}},
		{Source: "plan-1", Goal: &commands.SetGoal{PortfolioID: "p-zoe", GoalID: "goal-imp-1",
			GoalInput: domain.GoalInput{Kind: domain.GoalOther, Target: "2020-01-01", Text: domain.GoalText{Title: "Un vieux projet"}}}},
	}
}

// TestImportPreviewThenApplyOnce: a preview appends nothing; the import
// appends what the preview said; the same import again adds nothing; a
// refused step is reported with its reason and the others land.
func TestImportPreviewThenApplyOnce(t *testing.T) {
	w := newWorld(t)
	stream := domain.PortfolioStream("p-zoe")
	before := w.revision(stream)
	rep, err := w.h.Import(w.ctx, w.call(w.bene), "p-zoe", "d1", importSteps(w), true)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Preview || rep.Added != 5 || rep.Refused != 1 || w.revision(stream) != before {
		t.Fatalf("preview %+v moved the stream to %d from %d", rep, w.revision(stream), before)
	}
	if s := rep.Steps[5]; s.Outcome != commands.ImportRefused || s.Reason == "" || s.Kind != "goal" {
		t.Errorf("past goal %+v", s)
	}
	rep, err = w.h.Import(w.ctx, w.call(w.counsellor), "p-zoe", "d1", importSteps(w), false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added != 5 || rep.Result.Events != 5 || w.revision(stream) != before+5 {
		t.Fatalf("import %+v, stream at %d from %d", rep, w.revision(stream), before)
	}
	if err := w.read(w.bene, "p-zoe", func(p *domain.Portfolio) {
		x := p.Experiences()["x-imp-1"]
		if x == nil || x.Tasks["t-imp-1"] == nil || p.Evidence()["ev-imp-1"] == nil || len(p.Competences()["c-imp-1"].Experiences) != 1 {
			t.Errorf("portfolio lacks imported items: %+v", x)
		}
	}); err != nil {
		t.Fatal(err)
	}
	rep, err = w.h.Import(w.ctx, w.call(w.bene), "p-zoe", "d1", importSteps(w), false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added != 0 || rep.Present != 5 || w.revision(stream) != before+5 {
		t.Fatalf("second import %+v moved the stream", rep)
	}
}

// TestImportAuthorized: the owner and an assigned counsellor only.
func TestImportAuthorized(t *testing.T) {
	w := newWorld(t)
	stream := domain.PortfolioStream("p-zoe")
	before := w.revision(stream)
	for _, c := range []struct {
		who  domain.Actor
		kind domain.Kind
	}{{w.tutor, domain.KindNotFound}, {w.admin, domain.KindForbidden}, {w.counsellor2, domain.KindNotFound},
		{w.bene2, domain.KindNotFound}, {domain.Actor{PersonID: "p-zoe", Tenant: "s-other", Role: domain.RoleBeneficiary}, domain.KindNotFound}} {
		_, err := w.h.Import(w.ctx, w.call(c.who), "p-zoe", "d1", importSteps(w), c.who.Role == domain.RoleTutor)
		w.refused(err, c.kind, "", stream, before)
	}
}

// TestImportPrepareFile: a file is stored only when its evidence will
// be added, and a file refused by Prepare refuses that step alone.
func TestImportPrepareFile(t *testing.T) {
	w := newWorld(t)
	stored := 0
	steps := importSteps(w)[:1]
	for i, ok := range []bool{true, false} {
		ok := ok
		steps = append(steps, commands.ImportStep{Source: "file", Evidence: &commands.AttachEvidence{PortfolioID: "p-zoe",
			EvidenceID: []string{"ev-f1", "ev-f2"}[i], Target: domain.ItemRef{Kind: domain.ItemExperience, ID: "x-imp-1"},
			EvidenceInput: domain.EvidenceInput{Kind: domain.EvidenceOfFile, Text: domain.EvidenceText{Title: "Photo", FileName: "a.png"}}},
			Prepare: func(_ context.Context, store bool, c *commands.AttachEvidence) error {
				if !ok {
					return &domain.Error{Kind: domain.KindInvalid, Field: "file", Reason: "not an accepted type"}
				}
				if store {
					stored++
				}
				c.File = &domain.FileRef{FileID: strings.Repeat("a", 64), SHA256: strings.Repeat("b", 64), Size: 3, MediaType: "image/png"}
				return nil
			}})
	}
	if _, err := w.h.Import(w.ctx, w.call(w.bene), "p-zoe", "d", steps, true); err != nil || stored != 0 {
		t.Fatalf("preview stored %d files (%v)", stored, err)
	}
	rep, err := w.h.Import(w.ctx, w.call(w.bene), "p-zoe", "d", steps, false)
	if err != nil || stored != 1 || rep.Added != 2 || rep.Refused != 1 {
		t.Fatalf("import %+v stored %d (%v)", rep, stored, err)
	}
	if rep, err = w.h.Import(w.ctx, w.call(w.bene), "p-zoe", "d", steps, false); err != nil || stored != 1 || rep.Added != 0 {
		t.Fatalf("second import %+v stored %d (%v)", rep, stored, err)
	}
}
