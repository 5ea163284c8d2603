package web_test

import (
	"bytes"
	"encoding/hex"
	"image"
	"image/color"
	"image/png"
	"testing"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

// benPNG is a small photo.
func benPNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	for x := 0; x < 4; x++ {
		img.Set(x, 1, color.RGBA{200, 120, 40, 255})
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}

func benExperience(id, title string, kind domain.ExperienceKind) commands.AddExperience {
	return commands.AddExperience{PortfolioID: "p-zoe", ExperienceID: id, ExperienceInput: domain.ExperienceInput{Kind: kind,
		Context: domain.ContextFormal, From: "2024-01-02", To: "2024-06-30", Text: domain.ExperienceText{Title: title, Organisation: "Boulangerie Dupain", Place: "Arras"}}}
}

// count reads Zoé's portfolio as she may.
func (e *benEnv) count(fn func(*domain.Portfolio) int) int {
	e.t.Helper()
	n := 0
	if err := e.h.ReadPortfolio(e.ctx, benZoe.Actor, "p-zoe", "", func(p *domain.Portfolio, _ uint64) error { n = fn(p); return nil }); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// benStory is Zoé's portfolio for the golden pages, made through the
// commands: experiences (one a training), tasks, a competence from an
// RNCP block, a photo and a link as evidence, her tutor's attestation of
// the photo, a goal with its retroplanning, a CV and a page, published.
// It returns the page's share token and the photo's file ID.
func (e *benEnv) benStory(t *testing.T) (token, fileID string) {
	t.Helper()
	tutor := e.as("p-tutor", domain.RoleTutor)
	e.must(e.h.AddExperience(e.ctx, benZoe, commands.AddExperience{PortfolioID: "p-zoe", ExperienceID: "x-shop", ExperienceInput: domain.ExperienceInput{
		Kind: domain.KindProfessional, Context: domain.ContextFormal, From: "2025-01-06", To: "2025-08-29",
		Text: domain.ExperienceText{Title: "Vendeuse en boulangerie", Organisation: "Boulangerie Dupain", Place: "Arras",
			Description: "Vente au comptoir, mise en rayon.\nOuverture le samedi."}}}))
	e.must(e.h.AddTask(e.ctx, benZoe, commands.AddTask{PortfolioID: "p-zoe", ExperienceID: "x-shop", TaskID: "t-till",
		Text: domain.TaskText{Title: "Tenir la caisse", Description: "Encaisser, rendre la monnaie, clôturer la caisse."}}))
	e.must(e.h.AddExperience(e.ctx, benZoe, commands.AddExperience{PortfolioID: "p-zoe", ExperienceID: "x-club", ExperienceInput: domain.ExperienceInput{
		Kind: domain.KindVolunteer, Context: domain.ContextNonFormal, From: "2023-09-01",
		Text: domain.ExperienceText{Title: "Trésorière du club de judo", Organisation: "Judo Club d'Arras"}}}))
	e.must(e.h.AddExperience(e.ctx, benZoe, commands.AddExperience{PortfolioID: "p-zoe", ExperienceID: "x-cap", ExperienceInput: domain.ExperienceInput{
		Kind: domain.KindTraining, Context: domain.ContextFormal, From: "2022-09-01", To: "2024-06-30",
		Text: domain.ExperienceText{Title: "CAP Équipier polyvalent du commerce", Organisation: "Lycée Jean Moulin", Place: "Arras"}}}))
	e.must(e.h.DeclareCompetence(e.ctx, benZoe, commands.DeclareCompetence{PortfolioID: "p-zoe", CompetenceID: "c-welcome", CompetenceInput: domain.CompetenceInput{
		Framework: &domain.FrameworkRef{Framework: "RNCP37849", Code: "BC01"}, Text: domain.CompetenceText{Name: "Accueillir et conseiller le client"}}}))
	ref, err := e.files.Put(e.ctx, "p-zoe", bytes.NewReader(benPNG()), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	photo := &domain.FileRef{FileID: ref.ID, SHA256: hex.EncodeToString(ref.SHA256[:]), Size: ref.Size, MediaType: "image/png"}
	e.must(e.h.AttachEvidence(e.ctx, benZoe, commands.AttachEvidence{PortfolioID: "p-zoe", EvidenceID: "ev-photo",
		Target: domain.ItemRef{Kind: domain.ItemCompetence, ID: "c-welcome"}, EvidenceInput: domain.EvidenceInput{Kind: domain.EvidenceOfFile, File: photo,
			Text: domain.EvidenceText{Title: "Ma vitrine de Noël", FileName: "vitrine.png"}}}))
	e.must(e.h.AttachEvidence(e.ctx, benZoe, commands.AttachEvidence{PortfolioID: "p-zoe", EvidenceID: "ev-link",
		Target: domain.ItemRef{Kind: domain.ItemExperience, ID: "x-shop"}, EvidenceInput: domain.EvidenceInput{Kind: domain.EvidenceOfLink,
			Text: domain.EvidenceText{Title: "La boutique en ligne", URL: "https://dupain.example/"}}}))
	e.must(e.h.InviteTutor(e.ctx, benZoe, commands.InviteTutor{PortfolioID: "p-zoe", GrantID: "g-marc", TutorID: "p-tutor", AllItems: true}))
	e.must(e.h.Attest(e.ctx, tutor, commands.Attest{PortfolioID: "p-zoe", AttestationID: "at-marc", Target: domain.ItemRef{Kind: domain.ItemEvidence, ID: "ev-photo"},
		Statement: domain.CommentText{Text: "Zoé a conçu et installé seule cette vitrine."}}))
	e.must(e.h.SetGoal(e.ctx, benZoe, commands.SetGoal{PortfolioID: "p-zoe", GoalID: "goal-cdi", GoalInput: domain.GoalInput{
		Kind: domain.GoalJobSearch, Target: "2026-06-30", Text: domain.GoalText{Title: "Trouver un CDI de vendeuse"}}}))
	e.must(e.h.PlanMilestones(e.ctx, benZoe, commands.PlanMilestones{PortfolioID: "p-zoe", GoalID: "goal-cdi", Milestones: []domain.PlannedMilestone{
		{MilestoneID: "m-cv", DaysBefore: 90, Text: domain.MilestoneText{Title: "Envoyer mon CV à dix boulangeries"}},
		{MilestoneID: "m-salon", DaysBefore: 30, Text: domain.MilestoneText{Title: "Aller au salon de l'alternance"}}}}))
	e.must(e.h.CreateCV(e.ctx, benZoe, commands.CreateCV{PortfolioID: "p-zoe", CVID: "cv-vente", CVInput: domain.CVInput{
		Experiences: []string{"x-shop", "x-club"}, Competences: []string{"c-welcome"}, Education: []string{"x-cap"},
		Text: domain.CVText{Title: "CV vendeuse", TargetJob: "Vendeuse en boulangerie", Summary: "Souriante, ponctuelle, à l'aise avec la caisse."}}}))
	e.must(e.h.CreatePage(e.ctx, benZoe, commands.CreatePage{PortfolioID: "p-zoe", PageID: "pg-vente", PageInput: domain.PageInput{
		Items: []domain.ItemRef{{Kind: domain.ItemExperience, ID: "x-shop"}, {Kind: domain.ItemTask, ID: "x-shop/t-till"},
			{Kind: domain.ItemCompetence, ID: "c-welcome"}, {Kind: domain.ItemEvidence, ID: "ev-photo"}, {Kind: domain.ItemEvidence, ID: "ev-link"},
			{Kind: domain.ItemAttestation, ID: "at-marc"}, {Kind: domain.ItemGoal, ID: "goal-cdi"}},
		Text: domain.PageText{Title: "Zoé, vendeuse en boulangerie", Intro: "Je cherche un CDI dans la vente alimentaire, à Arras."}}}))
	res := e.must(e.h.PublishPage(e.ctx, benZoe, commands.PublishPage{PortfolioID: "p-zoe", PageID: "pg-vente", LinkID: "l-dupain",
		LinkInput: domain.LinkInput{Recipient: "Boulangerie Dupain"}}))
	e.settle()
	return res.Secret, ref.ID
}
