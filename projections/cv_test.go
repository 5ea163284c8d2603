package projections_test

import (
	"testing"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/projections"
)

func (s *story) cv(id string) (projections.CVView, bool) {
	s.t.Helper()
	s.rebuild()
	cv, found, err := s.q.CV(s.ctx, zoe, id)
	if err != nil {
		s.t.Fatal(err)
	}
	return cv, found
}

// TestCVView: a CV shows its selection resolved, in order, with tasks,
// framework references and states, and follows edits and removals of
// the items it selects.
func TestCVView(t *testing.T) {
	s := newStory(t)
	s.addExperience("x-1", domain.KindProfessional, "Vendeuse")
	s.addTask("x-1", "t-1", "Tenir la caisse")
	s.addTask("x-1", "t-2", "Ranger la réserve")
	s.addExperience("x-2", domain.KindTraining, "CAP Équipier polyvalent")
	s.addExperience("x-3", domain.KindVolunteer, "Serveuse bénévole")
	s.declare("c-1", rncp("C1.1"), "Accueillir le client")
	s.declare("c-2", nil, "Encaisser")
	s.declare("c-3", nil, "Travailler en équipe")
	s.attach("ev-1", item(domain.ItemCompetence, "c-1"), textEvidence("Fond de caisse", "Juste"))
	s.must(s.h.AssessCompetence(s.ctx, s.cons, commands.AssessCompetence{PortfolioID: zoe, CompetenceID: "c-2",
		Result: domain.ResultPartly, Comment: domain.CommentText{Text: "À consolider"}}))
	s.must(s.h.CreateCV(s.ctx, s.zoe, commands.CreateCV{PortfolioID: zoe, CVID: "cv-1", CVInput: domain.CVInput{
		Experiences: []string{"x-3", "x-1"}, Competences: []string{"c-1", "c-2", "c-3"}, Education: []string{"x-2"},
		Text: domain.CVText{Title: "CV vendeuse", TargetJob: "Vendeuse", Summary: "Souriante"}}}))

	cv, found := s.cv("cv-1")
	if !found || cv.Title != "CV vendeuse" || cv.TargetJob != "Vendeuse" || cv.Summary != "Souriante" || cv.Erased || cv.Owner.Name != "Zoé Martin" {
		t.Fatalf("CV: %+v (found %v)", cv, found)
	}
	if got := titles(cv.Experiences); got != "Serveuse bénévole,Vendeuse" {
		t.Errorf("experiences %s", got)
	}
	if x := cv.Experiences[1]; x.Organisation != "Boulangerie du Port" || x.From != "2024-01-08" || len(x.Tasks) != 2 || x.Tasks[0].Title != "Tenir la caisse" {
		t.Errorf("experience x-1: %+v", x)
	}
	if got := titles(cv.Education); got != "CAP Équipier polyvalent" {
		t.Errorf("education %s", got)
	}
	want := []struct {
		name  string
		state domain.CompetenceState
	}{{"Accueillir le client", domain.CompetenceEvidenced}, {"Encaisser", domain.CompetenceAssessed}, {"Travailler en équipe", domain.CompetenceDeclared}}
	for i, c := range cv.Competences {
		if c.Name != want[i].name || c.State != want[i].state {
			t.Errorf("competence %d: %s %s, want %+v", i, c.Name, c.State, want[i])
		}
	}
	if fw := cv.Competences[0].Framework; fw == nil || *fw != *rncp("C1.1") {
		t.Errorf("framework of c-1: %v", fw)
	}

	// The selected items change: the CV follows.
	in := domain.ExperienceInput{Kind: domain.KindProfessional, Context: domain.ContextFormal, Text: domain.ExperienceText{Title: "Vendeuse confirmée"}}
	s.must(s.h.EditExperience(s.ctx, s.zoe, commands.EditExperience{PortfolioID: zoe, ExperienceID: "x-1", ExperienceInput: in}))
	s.must(s.h.RemoveTask(s.ctx, s.zoe, commands.RemoveTask{PortfolioID: zoe, ExperienceID: "x-1", TaskID: "t-2"}))
	s.must(s.h.RemoveExperience(s.ctx, s.zoe, commands.RemoveExperience{PortfolioID: zoe, ExperienceID: "x-3"}))
	s.must(s.h.WithdrawEvidence(s.ctx, s.zoe, commands.WithdrawEvidence{PortfolioID: zoe, EvidenceID: "ev-1"}))
	cv, _ = s.cv("cv-1")
	if got := titles(cv.Experiences); got != "Vendeuse confirmée" || len(cv.Experiences[0].Tasks) != 1 || cv.Experiences[0].Organisation != "" {
		t.Errorf("after edits: %+v", cv.Experiences)
	}
	if cv.Competences[0].State != domain.CompetenceDeclared {
		t.Errorf("c-1 without evidence is %s", cv.Competences[0].State)
	}

	s.must(s.h.RemoveCV(s.ctx, s.zoe, commands.RemoveCV{PortfolioID: zoe, CVID: "cv-1"}))
	if _, found := s.cv("cv-1"); found {
		t.Error("a removed CV is found")
	}
	if _, found := s.cv("cv-unknown"); found {
		t.Error("an unknown CV is found")
	}
}

func titles(xs []projections.ExperienceView) string {
	out := ""
	for i, x := range xs {
		if i > 0 {
			out += ","
		}
		out += x.Title
	}
	return out
}
