package projections_test

import (
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

// everything plays, an hour apart, commands that record every event type
// of a portfolio stream in Zoé's portfolio: a working portfolio with a CV,
// a published page (token returned) and a decided VAE dossier.
func (s *story) everything() (token string) {
	s.t.Helper()
	for _, step := range []func(){s.storyItems, s.storyFeedback, s.storyPlans, s.storyFolders} {
		step()
	}
	token = s.storyPage()
	s.storyDossier()
	return token
}

func (s *story) step(res commands.Result, err error) {
	s.t.Helper()
	s.must(res, err)
	s.later(time.Hour)
}

func (s *story) storyItems() {
	p := zoe
	s.addExperience("x-1", domain.KindProfessional, "Vendeuse")
	s.addExperience("x-2", domain.KindTraining, "CAP Équipier polyvalent")
	s.addExperience("x-3", domain.KindVolunteer, "Serveuse bénévole")
	in := domain.ExperienceInput{Kind: domain.KindProfessional, Context: domain.ContextFormal, From: "2024-01-08",
		Text: domain.ExperienceText{Title: "Vendeuse en boulangerie", Organisation: "Boulangerie du Port"}}
	s.step(s.h.EditExperience(s.ctx, s.zoe, commands.EditExperience{PortfolioID: p, ExperienceID: "x-1", ExperienceInput: in}))
	s.addTask("x-1", "t-1", "Tenir la caisse")
	s.addTask("x-1", "t-2", "Ranger la réserve")
	s.step(s.h.EditTask(s.ctx, s.zoe, commands.EditTask{PortfolioID: p, ExperienceID: "x-1", TaskID: "t-1", Text: domain.TaskText{Title: "Tenir la caisse et encaisser"}}))
	s.step(s.h.RemoveTask(s.ctx, s.zoe, commands.RemoveTask{PortfolioID: p, ExperienceID: "x-1", TaskID: "t-2"}))
	s.declare("c-1", rncp("C1.1"), "Accueillir le client")
	s.declare("c-2", rncp("BC02"), "")
	s.declare("c-3", nil, "Travailler en équipe")
	links := domain.CompetenceLinks{Experiences: []string{"x-3"}}
	s.step(s.h.LinkCompetence(s.ctx, s.zoe, commands.LinkCompetence{PortfolioID: p, CompetenceID: "c-3", CompetenceLinks: links}))
	s.step(s.h.UnlinkCompetence(s.ctx, s.zoe, commands.UnlinkCompetence{PortfolioID: p, CompetenceID: "c-3", CompetenceLinks: links}))
	s.step(s.h.LinkCompetence(s.ctx, s.zoe, commands.LinkCompetence{PortfolioID: p, CompetenceID: "c-1",
		CompetenceLinks: domain.CompetenceLinks{Experiences: []string{"x-1"}, Tasks: []string{"x-1/t-1"}}}))
	s.step(s.h.SelfAssessCompetence(s.ctx, s.zoe, commands.SelfAssessCompetence{PortfolioID: p, CompetenceID: "c-1", Level: 3}))
	s.attach("ev-1", item(domain.ItemTask, "x-1/t-1"), textEvidence("Fond de caisse", "Juste au centime"))
	s.attach("ev-2", item(domain.ItemCompetence, "c-1"), fileEvidence("Photo du stand"))
	s.attach("ev-3", item(domain.ItemExperience, "x-2"), domain.EvidenceInput{Kind: domain.EvidenceOfLink,
		Text: domain.EvidenceText{Title: "Attestation de formation", URL: "https://example.org/cap"}})
	s.attach("ev-4", item(domain.ItemExperience, "x-3"), textEvidence("Service du soir", "Trente couverts"))
	s.step(s.h.ReviseEvidence(s.ctx, s.zoe, commands.ReviseEvidence{PortfolioID: p, EvidenceID: "ev-4", EvidenceInput: textEvidence("Service du soir", "Quarante couverts")}))
	s.step(s.h.WithdrawEvidence(s.ctx, s.zoe, commands.WithdrawEvidence{PortfolioID: p, EvidenceID: "ev-4"}))
	s.step(s.h.SupersedeEvidence(s.ctx, s.zoe, commands.SupersedeEvidence{PortfolioID: p, EvidenceID: "ev-3", NewEvidenceID: "ev-5",
		EvidenceInput: domain.EvidenceInput{Kind: domain.EvidenceOfLink, Text: domain.EvidenceText{Title: "Diplôme du CAP", URL: "https://example.org/cap-diplome"}}}))
	s.step(s.h.RemoveExperience(s.ctx, s.zoe, commands.RemoveExperience{PortfolioID: p, ExperienceID: "x-3"}))
}

func (s *story) storyFeedback() {
	p := zoe
	s.step(s.h.AssignCounsellor(s.ctx, s.admin, commands.AssignCounsellor{PortfolioID: p, CounsellorID: "p-cons2"}))
	s.step(s.h.UnassignCounsellor(s.ctx, s.admin, commands.UnassignCounsellor{PortfolioID: p, CounsellorID: "p-cons2"}))
	s.inviteTutor("g-t", time.Time{})
	s.attest("at-1", item(domain.ItemEvidence, "ev-1"), "Je l'ai vue tenir la caisse tout l'été.")
	s.attest("at-2", item(domain.ItemTask, "x-1/t-1"), "Encaissements sans erreur.")
	s.comment(s.cons, "cm-1", item(domain.ItemEvidence, "ev-1"), "Très bonne preuve, précise.")
	s.step(s.h.AssessCompetence(s.ctx, s.cons, commands.AssessCompetence{PortfolioID: p, CompetenceID: "c-1", Result: domain.ResultAcquired,
		Comment: domain.CommentText{Text: "Accueil chaleureux et efficace."}}))
	s.step(s.h.ValidateCompetence(s.ctx, s.tutor, commands.ValidateCompetence{PortfolioID: p, CompetenceID: "c-3"}))
}

func (s *story) storyPlans() {
	p := zoe
	target := domain.DateOf(s.now.AddDate(0, 0, 60))
	s.step(s.h.SetGoal(s.ctx, s.cons, commands.SetGoal{PortfolioID: p, GoalID: "goal-1",
		GoalInput: domain.GoalInput{Kind: domain.GoalJobSearch, Target: target, Text: domain.GoalText{Title: "Trouver un CDI de vendeuse"}}}))
	s.step(s.h.PlanMilestones(s.ctx, s.cons, commands.PlanMilestones{PortfolioID: p, GoalID: "goal-1", Milestones: []domain.PlannedMilestone{
		{MilestoneID: "m-1", DaysBefore: 55, Text: domain.MilestoneText{Title: "Mettre le CV à jour"}},
		{MilestoneID: "m-2", DaysBefore: 40, Text: domain.MilestoneText{Title: "Envoyer dix candidatures"}},
		{MilestoneID: "m-3", DaysBefore: 20, Text: domain.MilestoneText{Title: "Préparer les entretiens"}}}}))
	s.step(s.h.AddMilestone(s.ctx, s.zoe, commands.AddMilestone{PortfolioID: p, GoalID: "goal-1", MilestoneID: "m-4", Due: domain.DateOf(s.now.AddDate(0, 0, 30)),
		Text: domain.MilestoneText{Title: "Salon de l'emploi"}}))
	s.step(s.h.MoveMilestone(s.ctx, s.cons, commands.MoveMilestone{PortfolioID: p, GoalID: "goal-1", MilestoneID: "m-2", Due: domain.DateOf(s.now.AddDate(0, 0, 25))}))
	s.step(s.h.ReachMilestone(s.ctx, s.zoe, commands.ReachMilestone{PortfolioID: p, GoalID: "goal-1", MilestoneID: "m-1"}))
	s.step(s.h.RemoveMilestone(s.ctx, s.zoe, commands.RemoveMilestone{PortfolioID: p, GoalID: "goal-1", MilestoneID: "m-4"}))
	s.step(s.h.SetGoal(s.ctx, s.zoe, commands.SetGoal{PortfolioID: p, GoalID: "goal-2",
		GoalInput: domain.GoalInput{Kind: domain.GoalTraining, Target: target, Text: domain.GoalText{Title: "Passer le permis"}}}))
	s.step(s.h.AchieveGoal(s.ctx, s.zoe, commands.AchieveGoal{PortfolioID: p, GoalID: "goal-2"}))
	s.journal(s.zoe, "j-1", "Premier jour de stage.\nTout s'est bien passé.")
	s.journal(s.cons, "j-2", "Bilan positif, continuer ainsi.")
}

func (s *story) storyFolders() {
	p := zoe
	s.step(s.h.AddDocument(s.ctx, s.zoe, commands.AddDocument{PortfolioID: p, DocumentID: "doc-1", DocumentInput: domain.DocumentInput{Kind: domain.DocumentID,
		File: *fileEvidence("").File, Text: domain.DocumentText{Title: "Carte d'identité", FileName: "cni.pdf"}}}))
	s.step(s.h.ShareDocument(s.ctx, s.zoe, commands.ShareDocument{PortfolioID: p, DocumentID: "doc-1"}))
	s.step(s.h.UnshareDocument(s.ctx, s.zoe, commands.UnshareDocument{PortfolioID: p, DocumentID: "doc-1"}))
	s.step(s.h.RemoveDocument(s.ctx, s.zoe, commands.RemoveDocument{PortfolioID: p, DocumentID: "doc-1"}))
	cv := domain.CVInput{Experiences: []string{"x-1"}, Competences: []string{"c-1", "c-3"}, Education: []string{"x-2"},
		Text: domain.CVText{Title: "CV vendeuse", TargetJob: "Vendeuse en boulangerie"}}
	s.step(s.h.CreateCV(s.ctx, s.zoe, commands.CreateCV{PortfolioID: p, CVID: "cv-1", CVInput: cv}))
	cv.Text.Summary = "Trois ans au contact des clients."
	s.step(s.h.EditCV(s.ctx, s.zoe, commands.EditCV{PortfolioID: p, CVID: "cv-1", CVInput: cv}))
	s.step(s.h.CreateCV(s.ctx, s.zoe, commands.CreateCV{PortfolioID: p, CVID: "cv-2", CVInput: cv}))
	s.step(s.h.RemoveCV(s.ctx, s.zoe, commands.RemoveCV{PortfolioID: p, CVID: "cv-2"}))
}

// storyPage publishes page pg-1 and returns its token; a second link is
// revoked and a second page removed.
func (s *story) storyPage() string {
	p := zoe
	in := domain.PageInput{Items: []domain.ItemRef{item(domain.ItemExperience, "x-1"), item(domain.ItemCompetence, "c-1"),
		item(domain.ItemEvidence, "ev-2"), item(domain.ItemAttestation, "at-1"), item(domain.ItemGoal, "goal-1")},
		Text: domain.PageText{Title: "Zoé, vendeuse", Intro: "Mon parcours"}}
	s.step(s.h.CreatePage(s.ctx, s.zoe, commands.CreatePage{PortfolioID: p, PageID: "pg-1", PageInput: in}))
	in.Text.Intro = "Mon parcours en boulangerie"
	s.step(s.h.EditPage(s.ctx, s.zoe, commands.EditPage{PortfolioID: p, PageID: "pg-1", PageInput: in}))
	token := s.publish("pg-1", domain.LinkInput{Public: true, Recipient: "Boulangerie Martin"}).Secret
	other := s.publish("pg-1", domain.LinkInput{})
	s.step(s.h.RevokeShareLink(s.ctx, s.zoe, commands.RevokeShareLink{PortfolioID: p, PageID: "pg-1", LinkID: other.ID}))
	s.step(s.h.CreatePage(s.ctx, s.zoe, commands.CreatePage{PortfolioID: p, PageID: "pg-2", PageInput: in}))
	s.step(s.h.RemovePage(s.ctx, s.zoe, commands.RemovePage{PortfolioID: p, PageID: "pg-2"}))
	return token
}

// storyDossier takes dossier d-1 from opening to the jury's decision.
func (s *story) storyDossier() {
	p := zoe
	s.step(s.h.OpenDossier(s.ctx, s.zoe, commands.OpenDossier{PortfolioID: p, DossierID: "d-1", Certification: certification()}))
	s.mapItem("BC01", item(domain.ItemExperience, "x-1"))
	s.mapItem("BC01", item(domain.ItemEvidence, "ev-2"))
	s.mapItem("BC02", item(domain.ItemExperience, "x-2"))
	s.mapItem("BC02", item(domain.ItemEvidence, "ev-5"))
	s.step(s.h.UnmapFromBlock(s.ctx, s.zoe, commands.UnmapFromBlock{PortfolioID: p, DossierID: "d-1", Block: "BC02", Item: item(domain.ItemEvidence, "ev-5")}))
	until := s.now.AddDate(0, 0, 30)
	s.step(s.h.GrantAuditor(s.ctx, s.zoe, commands.GrantAuditor{PortfolioID: p, GrantID: "g-a1", AuditorID: "p-audit", DossierID: "d-1", Until: until}))
	s.step(s.h.RevokeGrant(s.ctx, s.zoe, commands.RevokeGrant{PortfolioID: p, GrantID: "g-a1"}))
	s.step(s.h.GrantAuditor(s.ctx, s.zoe, commands.GrantAuditor{PortfolioID: p, GrantID: "g-a2", AuditorID: "p-audit", DossierID: "d-1", Until: until}))
	s.admit(false)
	s.later(24 * time.Hour)
	s.admit(true)
	s.comment(s.cons, "cm-2", item(domain.ItemDossier, "d-1"), "Dossier prêt pour le jury.")
	s.step(s.h.SubmitDossier(s.ctx, s.zoe, commands.SubmitDossier{PortfolioID: p, DossierID: "d-1"}))
	s.later(24 * time.Hour)
	s.decide("BC01", domain.BlockValidated)
	s.decide("BC02", domain.BlockPartly)
}
