package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/credentials"
	"github.com/parcours/parcours/domain"
)

// The structure of the staff pages' tests, s-ml (10 seats):
//
//   - Karim (p-cons) follows Zoé, Luc and Inès; Nora (p-cons2) follows
//     nobody; Paul (p-tutor) is Zoé's tutor on her shop experience only;
//     Sam (p-tutor2) is invited by nobody; Ada (p-admin) runs the
//     structure; Victor (p-audit) is a certifier.
//   - Five weeks ago: everyone is enrolled; Zoé records her shop
//     experience (a task, the cash-desk competence linked to it, evidence)
//     and her volunteering at a club (evidence: "Secret du club", out of
//     the tutor's scope); Luc sets a goal whose step falls due two weeks
//     ago; Inès writes once, and then nothing.
//   - Today: Zoé attaches new evidence (it waits for Karim), opens a VAE
//     dossier and requests its admissibility, and invites Paul; Luc writes
//     in his logbook.
func seedStaff(e *staffEnv) {
	e.t.Helper()
	ctx := context.Background()
	e.clock.set(staffNow.AddDate(0, 0, -35))
	op := commands.Call{Actor: domain.Actor{PersonID: "operator", Role: domain.RoleOperator}}
	e.must(e.h.RegisterStructure(ctx, op, commands.RegisterStructure{StructureID: "s-ml", Name: "Mission Locale du Sud-Ouest", Seats: 10}))
	for _, p := range []struct {
		id, name string
		role     domain.Role
	}{
		{"p-admin", "Ada Admin", domain.RoleStructureAdmin}, {"p-cons", "Karim Conseiller", domain.RoleCounsellor},
		{"p-cons2", "Nora Conseillère", domain.RoleCounsellor}, {"p-tutor", "Paul Tuteur", domain.RoleTutor},
		{"p-tutor2", "Sam Tuteur", domain.RoleTutor}, {"p-audit", "Victor Certificateur", domain.RoleAuditor},
		{"p-zoe", "Zoé Martin", domain.RoleBeneficiary}, {"p-luc", "Luc Bernard", domain.RoleBeneficiary},
		{"p-ines", "Inès Petit", domain.RoleBeneficiary},
	} {
		e.must(e.h.EnrolPerson(ctx, op, commands.EnrolPerson{StructureID: "s-ml", PersonID: p.id, Role: p.role, Name: p.name}))
		if _, err := e.creds.CreateUser(ctx, credentials.NewUser{Email: p.id + "@example.org", Password: staffPassword, PersonID: p.id, Tenant: "s-ml", Role: p.role}); err != nil {
			e.t.Fatal(err)
		}
	}
	admin, zoe, luc, ines := staffCallOf("p-admin", domain.RoleStructureAdmin), staffCallOf("p-zoe", domain.RoleBeneficiary),
		staffCallOf("p-luc", domain.RoleBeneficiary), staffCallOf("p-ines", domain.RoleBeneficiary)
	for _, b := range []string{"p-zoe", "p-luc", "p-ines"} {
		e.must(e.h.AssignCounsellor(ctx, admin, commands.AssignCounsellor{PortfolioID: b, CounsellorID: "p-cons"}))
	}
	e.must(e.h.AddExperience(ctx, zoe, commands.AddExperience{PortfolioID: "p-zoe", ExperienceID: "x-shop", ExperienceInput: domain.ExperienceInput{
		Kind: domain.KindProfessional, Context: domain.ContextFormal, From: "2025-09-01", Text: domain.ExperienceText{Title: "Vendeuse à la boulangerie"}}}))
	e.must(e.h.AddTask(ctx, zoe, commands.AddTask{PortfolioID: "p-zoe", ExperienceID: "x-shop", TaskID: "t-till", Text: domain.TaskText{Title: "Tenir la caisse"}}))
	e.must(e.h.AddExperience(ctx, zoe, commands.AddExperience{PortfolioID: "p-zoe", ExperienceID: "x-club", ExperienceInput: domain.ExperienceInput{
		Kind: domain.KindVolunteer, Context: domain.ContextNonFormal, Text: domain.ExperienceText{Title: "Bénévole au club de foot"}}}))
	e.must(e.h.DeclareCompetence(ctx, zoe, commands.DeclareCompetence{PortfolioID: "p-zoe", CompetenceID: "c-cash",
		CompetenceInput: domain.CompetenceInput{Text: domain.CompetenceText{Name: "Encaisser les clients"}}}))
	e.must(e.h.LinkCompetence(ctx, zoe, commands.LinkCompetence{PortfolioID: "p-zoe", CompetenceID: "c-cash", CompetenceLinks: domain.CompetenceLinks{Experiences: []string{"x-shop"}}}))
	e.must(e.h.DeclareCompetence(ctx, zoe, commands.DeclareCompetence{PortfolioID: "p-zoe", CompetenceID: "c-team",
		CompetenceInput: domain.CompetenceInput{Text: domain.CompetenceText{Name: "Animer une équipe"}}}))
	e.must(e.h.AttachEvidence(ctx, zoe, commands.AttachEvidence{PortfolioID: "p-zoe", EvidenceID: "ev-till", Target: domain.ItemRef{Kind: domain.ItemTask, ID: "x-shop/t-till"},
		EvidenceInput: domain.EvidenceInput{Kind: domain.EvidenceOfText, Text: domain.EvidenceText{Title: "Relevé de caisse", Text: "Caisse juste trois semaines de suite"}}}))
	e.must(e.h.AttachEvidence(ctx, zoe, commands.AttachEvidence{PortfolioID: "p-zoe", EvidenceID: "ev-club", Target: domain.ItemRef{Kind: domain.ItemExperience, ID: "x-club"},
		EvidenceInput: domain.EvidenceInput{Kind: domain.EvidenceOfText, Text: domain.EvidenceText{Title: "Secret du club", Text: "Ce que seul le conseiller voit"}}}))
	e.must(e.h.SetGoal(ctx, luc, commands.SetGoal{PortfolioID: "p-luc", GoalID: "g-job", GoalInput: domain.GoalInput{Kind: domain.GoalJobSearch,
		Target: "2026-06-30", Text: domain.GoalText{Title: "Trouver un apprentissage"}}}))
	e.must(e.h.AddMilestone(ctx, luc, commands.AddMilestone{PortfolioID: "p-luc", GoalID: "g-job", MilestoneID: "m-cv", Due: "2026-02-16",
		Text: domain.MilestoneText{Title: "Envoyer dix CV"}}))
	e.must(e.h.WriteJournalEntry(ctx, ines, commands.WriteJournalEntry{PortfolioID: "p-ines", Text: "Premier rendez-vous"}))

	e.clock.set(staffNow)
	e.must(e.h.AttachEvidence(ctx, zoe, commands.AttachEvidence{PortfolioID: "p-zoe", EvidenceID: "ev-new", Target: domain.ItemRef{Kind: domain.ItemCompetence, ID: "c-cash"},
		EvidenceInput: domain.EvidenceInput{Kind: domain.EvidenceOfLink, Text: domain.EvidenceText{Title: "Vidéo de la caisse", URL: "https://example.org/caisse"}}}))
	e.must(e.h.OpenDossier(ctx, zoe, commands.OpenDossier{PortfolioID: "p-zoe", DossierID: "d-1", Certification: domain.Certification{
		RNCPCode: "RNCP37849", Title: "Employé polyvalent du commerce", Blocks: []domain.Block{
			{Code: "BC01", Title: "Accueillir et conseiller", Competences: []domain.BlockCompetence{{Code: "C1.1", Title: "Accueillir le client"}}},
			{Code: "BC02", Title: "Tenir la caisse", Competences: []domain.BlockCompetence{{Code: "C2.1", Title: "Encaisser"}}},
		}}}))
	e.must(e.h.MapToBlock(ctx, zoe, commands.MapToBlock{PortfolioID: "p-zoe", DossierID: "d-1", Block: "BC02", Item: domain.ItemRef{Kind: domain.ItemEvidence, ID: "ev-till"}}))
	e.must(e.h.RequestAdmissibility(ctx, zoe, commands.RequestAdmissibility{PortfolioID: "p-zoe", DossierID: "d-1"}))
	e.must(e.h.InviteTutor(ctx, zoe, commands.InviteTutor{PortfolioID: "p-zoe", GrantID: "g-paul", TutorID: "p-tutor", Experiences: []string{"x-shop"}}))
	e.must(e.h.WriteJournalEntry(ctx, luc, commands.WriteJournalEntry{PortfolioID: "p-luc", Text: "J'ai envoyé trois CV"}))
	e.sync()
}

// staffDay is a day relative to the tests' today, as forms send it.
func staffDay(days int) string { return staffNow.AddDate(0, 0, days).Format(time.DateOnly) }

func TestStaffSeed(t *testing.T) {
	e := newStaffEnv(t)
	seedStaff(e)
	if n := e.events(); n < 30 {
		t.Fatalf("seed wrote %d events", n)
	}
}
