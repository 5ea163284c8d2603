package httpapi_test

import (
	"context"
	"testing"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

// seedMatrix builds, through the commands, two structures and a rich
// portfolio for p-zoe: every ID the matrix's paths name exists.
func (a *api) seedMatrix(t *testing.T) {
	ctx := context.Background()
	do := func(res commands.Result, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("seed: %v", err)
		}
	}
	do2 := func(res commands.Result, err error) commands.Result {
		t.Helper()
		do(res, err)
		return res
	}
	call := func(token string) commands.Call { return commands.Call{Actor: tokens[token]} }
	op := call("operator")
	for _, s := range []string{"s-ml", "s-other"} {
		do(a.h.RegisterStructure(ctx, op, commands.RegisterStructure{StructureID: s, Name: "Structure " + s, Seats: 10}))
	}
	for _, token := range []string{"admin", "cons", "cons2", "tutor", "tutorout", "tutorexp", "auditor", "auditexp", "zoe", "luc", "oadmin", "obene"} {
		ac := tokens[token]
		do(a.h.EnrolPerson(ctx, op, commands.EnrolPerson{StructureID: ac.Tenant, PersonID: ac.PersonID, Role: ac.Role, Name: "Personne " + token}))
	}
	do(a.h.EnrolPerson(ctx, op, commands.EnrolPerson{StructureID: "s-ml", PersonID: "p-cons4", Role: "counsellor", Name: "Quatrième conseillère"}))
	zoe := call("zoe")
	const p = "p-zoe"
	do(a.h.AssignCounsellor(ctx, call("admin"), commands.AssignCounsellor{PortfolioID: p, CounsellorID: "p-cons"}))
	for _, x := range []string{"x-1", "x-2"} {
		do(a.h.AddExperience(ctx, zoe, commands.AddExperience{PortfolioID: p, ExperienceID: x, ExperienceInput: domain.ExperienceInput{
			Kind: domain.KindProfessional, Context: domain.ContextFormal, Text: domain.ExperienceText{Title: "Poste " + x}}}))
	}
	do(a.h.AddTask(ctx, zoe, commands.AddTask{PortfolioID: p, ExperienceID: "x-1", TaskID: "t-1", Text: domain.TaskText{Title: "Caisse"}}))
	do(a.h.DeclareCompetence(ctx, zoe, commands.DeclareCompetence{PortfolioID: p, CompetenceID: "c-1", CompetenceInput: domain.CompetenceInput{Text: domain.CompetenceText{Name: "Accueil"}}}))
	do(a.h.LinkCompetence(ctx, zoe, commands.LinkCompetence{PortfolioID: p, CompetenceID: "c-1", CompetenceLinks: domain.CompetenceLinks{Experiences: []string{"x-1"}}}))
	do(a.h.AttachEvidence(ctx, zoe, commands.AttachEvidence{PortfolioID: p, EvidenceID: "ev-1", Target: domain.ItemRef{Kind: domain.ItemCompetence, ID: "c-1"},
		EvidenceInput: domain.EvidenceInput{Kind: domain.EvidenceOfText, Text: domain.EvidenceText{Title: "Récit", Text: "Un samedi de rush"}}}))
	do(a.h.SetGoal(ctx, zoe, commands.SetGoal{PortfolioID: p, GoalID: "goal-1", GoalInput: domain.GoalInput{Kind: domain.GoalJobSearch,
		Target: domain.DateOf(a.now.AddDate(0, 6, 0)), Text: domain.GoalText{Title: "CDI"}}}))
	do(a.h.AddMilestone(ctx, zoe, commands.AddMilestone{PortfolioID: p, GoalID: "goal-1", MilestoneID: "m-1", Due: domain.DateOf(a.now.AddDate(0, 1, 0)), Text: domain.MilestoneText{Title: "CV"}}))
	do(a.h.AddDocument(ctx, zoe, commands.AddDocument{PortfolioID: p, DocumentID: "doc-1", DocumentInput: matrixDocument()}))
	do(a.h.CreateCV(ctx, zoe, commands.CreateCV{PortfolioID: p, CVID: "cv-1", CVInput: domain.CVInput{Experiences: []string{"x-1"}, Text: domain.CVText{Title: "CV"}}}))
	do(a.h.CreatePage(ctx, zoe, commands.CreatePage{PortfolioID: p, PageID: "pg-1", PageInput: domain.PageInput{Items: []domain.ItemRef{{Kind: domain.ItemExperience, ID: "x-1"}}, Text: domain.PageText{Title: "Page"}}}))
	do(a.h.PublishPage(ctx, zoe, commands.PublishPage{PortfolioID: p, PageID: "pg-1", LinkID: "l-1"}))
	do(a.h.OpenDossier(ctx, zoe, commands.OpenDossier{PortfolioID: p, DossierID: "d-1", Certification: matrixCertification()}))
	week := a.now.Add(7 * 24 * time.Hour)
	do(a.h.InviteTutor(ctx, zoe, commands.InviteTutor{PortfolioID: p, GrantID: "g-in", TutorID: "p-tutor", Experiences: []string{"x-1"}}))
	do(a.h.InviteTutor(ctx, zoe, commands.InviteTutor{PortfolioID: p, GrantID: "g-out", TutorID: "p-tutor2", Experiences: []string{"x-2"}}))
	do(a.h.InviteTutor(ctx, zoe, commands.InviteTutor{PortfolioID: p, GrantID: "g-exp", TutorID: "p-tutor3", AllItems: true, Until: a.now.Add(time.Hour)}))
	do(a.h.GrantAuditor(ctx, zoe, commands.GrantAuditor{PortfolioID: p, GrantID: "g-aud", AuditorID: "p-audit", DossierID: "d-1", Until: week}))
	do(a.h.GrantAuditor(ctx, zoe, commands.GrantAuditor{PortfolioID: p, GrantID: "g-audexp", AuditorID: "p-audit2", DossierID: "d-1", Until: a.now.Add(time.Hour)}))
	do(a.h.PostMessage(ctx, zoe, commands.PostMessage{ConversationRef: commands.ConversationRef{PortfolioID: p}, MessageID: "msg-1", Text: "Bonjour"}))
	direct := do2(a.h.StartConversation(ctx, call("cons"), commands.StartConversation{With: "p-cons2"}))
	do(a.h.PostMessage(ctx, call("cons"), commands.PostMessage{ConversationRef: commands.ConversationRef{ConversationID: direct.ID}, MessageID: "msg-1", Text: "Salut"}))
	do(a.h.IssueAchievementBadge(ctx, call("cons"), commands.IssueAchievementBadge{PortfolioID: p, BadgeID: matrixBadge, Name: "Bénévolat", Description: "Aide aux devoirs", Criteria: "Reconnu par son conseiller"}))
	a.now = a.now.Add(2 * time.Hour) // the "exp" grants have now expired
}

// matrixBadge is the badge p-cons issued to p-zoe.
const matrixBadge = "5d2c7e4a-8b1f-4c3e-9a6d-2f0b1e3c4d5a"

func matrixDocument() domain.DocumentInput {
	return domain.DocumentInput{Kind: domain.DocumentCertificate, Text: domain.DocumentText{Title: "Attestation"},
		File: domain.FileRef{FileID: "0000000000000000000000000000000000000000000000000000000000000001", SHA256: "0000000000000000000000000000000000000000000000000000000000000002", Size: 10, MediaType: "application/pdf"}}
}

func matrixCertification() domain.Certification {
	return domain.Certification{RNCPCode: "RNCP12345", Title: "Titre pro vendeur", Blocks: []domain.Block{
		{Code: "BC01", Title: "Accueillir", Competences: []domain.BlockCompetence{{Code: "BC01-C1", Title: "Accueillir le client"}}}}}
}
