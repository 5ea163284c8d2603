package demo

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

// The beneficiary's items that tests and the pages refer to.
const (
	ShopExperience      = "x-demo-shop"      // the tutor's scope
	VolunteerExperience = "x-demo-volunteer" // the other tutor's scope
	TrainingExperience  = "x-demo-training"
	ShelvesTask         = ShopExperience + "/t-demo-shelves"
	InventoryTask       = ShopExperience + "/t-demo-inventory"
	ShelvesCompetence   = "c-demo-shelves" // RNCP block
	AdviceCompetence    = "c-demo-advice"  // ESCO skill
	CashCompetence      = "c-demo-cash"    // ROME code
	ChartEvidence       = "ev-demo-chart"  // the image
	ReportEvidence      = "ev-demo-report"
	Attestation         = "at-demo-chart"
	Page                = "pg-demo"
	Dossier             = "d-demo-vae"
)

type experience struct {
	id string
	in domain.ExperienceInput
}

func (s *seeder) experiences(ctx context.Context) {
	lea := Find(Beneficiary)
	for _, x := range []experience{
		{ShopExperience, domain.ExperienceInput{Kind: domain.KindProfessional, Context: domain.ContextFormal,
			From: "2023-09-04", To: "2024-08-30", Occupation: "ROME:D1507",
			Text: domain.ExperienceText{Title: "Employée libre-service", Place: "Vénissieux", Organisation: "Supermarché Les Halles du Sud",
				Description: "Contrat en alternance au rayon épicerie : approvisionnement, présentation, inventaires et conseil aux clients."}}},
		{VolunteerExperience, domain.ExperienceInput{Kind: domain.KindVolunteer, Context: domain.ContextNonFormal,
			From: "2022-01-10", To: "2023-06-30",
			Text: domain.ExperienceText{Title: "Bénévole à l'épicerie solidaire", Place: "Lyon 8e", Organisation: "Épicerie solidaire du Grand Trou",
				Description: "Accueil des familles, réception et tri des dons, tenue de la caisse solidaire deux après-midi par semaine."}}},
		{TrainingExperience, domain.ExperienceInput{Kind: domain.KindTraining, Context: domain.ContextFormal,
			From: "2024-09-16", To: "2025-01-31",
			Text: domain.ExperienceText{Title: "Préparation au titre professionnel Employé commercial", Place: "Lyon", Organisation: "Centre de formation (démo)"}}},
		{"x-demo-fair", domain.ExperienceInput{Kind: domain.KindPersonal, Context: domain.ContextInformal, From: "2023-05-14", To: "2023-05-14",
			Text: domain.ExperienceText{Title: "Organisation du vide-grenier du quartier", Description: "Inscriptions de 60 exposants, plan des emplacements, buvette."}}},
	} {
		run(ctx, s, lea, "experience "+x.id, (*commands.Handler).AddExperience, commands.AddExperience{PortfolioID: Beneficiary, ExperienceID: x.id, ExperienceInput: x.in})
	}
	for _, t := range []struct{ ref, title, desc string }{
		{ShelvesTask, "Mise en rayon et rotation des produits", "Réception des palettes, mise en rayon en respectant la rotation (premier entré, premier sorti), retrait des produits à date courte."},
		{InventoryTask, "Inventaire mensuel du rayon épicerie", "Comptage, écarts de stock expliqués au chef de rayon, propositions de commande."},
		{ShopExperience + "/t-demo-advice", "Accueil et conseil des clients en rayon", ""},
		{VolunteerExperience + "/t-demo-donations", "Réception et tri des dons", ""},
	} {
		exp, task := splitRef(t.ref)
		run(ctx, s, lea, "task "+t.ref, (*commands.Handler).AddTask, commands.AddTask{PortfolioID: Beneficiary, ExperienceID: exp, TaskID: task,
			Text: domain.TaskText{Title: t.title, Description: t.desc}})
	}
}

func splitRef(ref string) (exp, task string) {
	exp, task, _ = strings.Cut(ref, "/")
	return exp, task
}

func (s *seeder) competences(ctx context.Context) {
	lea := Find(Beneficiary)
	for _, c := range []struct {
		id    string
		in    domain.CompetenceInput
		links domain.CompetenceLinks
	}{
		{ShelvesCompetence, domain.CompetenceInput{Framework: &domain.FrameworkRef{Framework: "RNCP37099", Code: "BC01"},
			Text: domain.CompetenceText{Name: "Approvisionner un rayon ou un point de vente"}},
			domain.CompetenceLinks{Experiences: []string{ShopExperience}, Tasks: []string{ShelvesTask, InventoryTask}}},
		{AdviceCompetence, domain.CompetenceInput{Framework: &domain.FrameworkRef{Framework: "ESCO", Code: "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"},
			Text: domain.CompetenceText{Name: "Conseiller les clients", Description: "Écouter la demande, orienter vers le bon produit, proposer une alternative."}},
			domain.CompetenceLinks{Experiences: []string{ShopExperience, VolunteerExperience}}},
		{CashCompetence, domain.CompetenceInput{Framework: &domain.FrameworkRef{Framework: "ROME", Code: "D1505"},
			Text: domain.CompetenceText{Name: "Tenir une caisse"}},
			domain.CompetenceLinks{Experiences: []string{VolunteerExperience}}},
	} {
		run(ctx, s, lea, "competence "+c.id, (*commands.Handler).DeclareCompetence, commands.DeclareCompetence{PortfolioID: Beneficiary, CompetenceID: c.id, CompetenceInput: c.in})
		run(ctx, s, lea, "link "+c.id, (*commands.Handler).LinkCompetence, commands.LinkCompetence{PortfolioID: Beneficiary, CompetenceID: c.id, CompetenceLinks: c.links})
	}
	run(ctx, s, lea, "self-assess "+CashCompetence, (*commands.Handler).SelfAssessCompetence, commands.SelfAssessCompetence{PortfolioID: Beneficiary, CompetenceID: CashCompetence, Level: 3})
}

func (s *seeder) evidence(ctx context.Context) {
	lea := Find(Beneficiary)
	attach := (*commands.Handler).AttachEvidence
	run(ctx, s, lea, "evidence "+ReportEvidence, attach, commands.AttachEvidence{PortfolioID: Beneficiary, EvidenceID: ReportEvidence,
		Target: domain.ItemRef{Kind: domain.ItemTask, ID: InventoryTask},
		EvidenceInput: domain.EvidenceInput{Kind: domain.EvidenceOfText, Text: domain.EvidenceText{Title: "Compte rendu d'inventaire (mars 2024)",
			Text: "412 références comptées. Écart de 1,8 % expliqué par la casse et deux erreurs d'étiquetage, corrigées avec le chef de rayon."}}})
	run(ctx, s, lea, "evidence ev-demo-link", attach, commands.AttachEvidence{PortfolioID: Beneficiary, EvidenceID: "ev-demo-link",
		Target: domain.ItemRef{Kind: domain.ItemExperience, ID: VolunteerExperience},
		EvidenceInput: domain.EvidenceInput{Kind: domain.EvidenceOfLink, Text: domain.EvidenceText{Title: "Article du journal de quartier sur l'épicerie solidaire",
			URL: "https://example.org/journal-du-quartier/epicerie-solidaire"}}})
	file, fresh := s.chart(ctx)
	if file == nil {
		return
	}
	_, before := run(ctx, s, lea, "evidence "+ChartEvidence, attach, commands.AttachEvidence{PortfolioID: Beneficiary, EvidenceID: ChartEvidence,
		Target: domain.ItemRef{Kind: domain.ItemTask, ID: ShelvesTask},
		EvidenceInput: domain.EvidenceInput{Kind: domain.EvidenceOfFile, File: file,
			Text: domain.EvidenceText{Title: "Ruptures en rayon épicerie, septembre à février : de 9 % à 3 %", FileName: "ruptures-rayon.png"}}})
	if before && fresh {
		// Attached on an earlier start with a file whose reference was lost.
		s.st.Image = nil
		s.err = s.d.Files.Remove(file.FileID)
	}
}

// chart stores the evidence image once, and reports whether it stored it
// on this start.
func (s *seeder) chart(ctx context.Context) (*domain.FileRef, bool) {
	if s.err != nil {
		return nil, false
	}
	if s.st.Image != nil {
		return s.st.Image, false
	}
	img, err := chartPNG()
	if err != nil {
		s.err = fmt.Errorf("demo: draw chart: %w", err)
		return nil, false
	}
	ref, err := s.d.Files.Put(ctx, Beneficiary, bytes.NewReader(img), int64(len(img)))
	if err != nil {
		s.err = fmt.Errorf("demo: store chart: %w", err)
		return nil, false
	}
	s.st.Image = &domain.FileRef{FileID: ref.ID, SHA256: hex.EncodeToString(ref.SHA256[:]), Size: ref.Size, MediaType: "image/png"}
	s.err = s.st.save(s.dir)
	return s.st.Image, true
}

// feedback: the beneficiary invites her workplace tutor on the shop
// experience, the counsellor invites the volunteering's; the counsellor
// and the tutor comment, the tutor attests the
// chart and validates a competence, the counsellor assesses another.
func (s *seeder) feedback(ctx context.Context) {
	lea, karim, sophie := Find(Beneficiary), Find(Counsellor), Find(Tutor)
	run(ctx, s, lea, "tutor "+Tutor, (*commands.Handler).InviteTutor, commands.InviteTutor{PortfolioID: Beneficiary, GrantID: "g-demo-sophie",
		TutorID: Tutor, Experiences: []string{ShopExperience}})
	run(ctx, s, karim, "tutor "+OtherTutor, (*commands.Handler).InviteTutor, commands.InviteTutor{PortfolioID: Beneficiary, GrantID: "g-demo-marc",
		TutorID: OtherTutor, Experiences: []string{VolunteerExperience}})
	comment := (*commands.Handler).AddComment
	run(ctx, s, karim, "comment cm-demo-1", comment, commands.AddComment{PortfolioID: Beneficiary, CommentID: "cm-demo-1",
		Target: domain.ItemRef{Kind: domain.ItemExperience, ID: ShopExperience},
		Text:   domain.CommentText{Text: "Très bonne expérience pour le bloc 1 : pense à détailler les inventaires dans ton dossier."}})
	run(ctx, s, sophie, "comment cm-demo-2", comment, commands.AddComment{PortfolioID: Beneficiary, CommentID: "cm-demo-2",
		Target: domain.ItemRef{Kind: domain.ItemTask, ID: ShelvesTask},
		Text:   domain.CommentText{Text: "Léa a pris en charge seule la rotation du rayon à partir de janvier."}})
	run(ctx, s, sophie, "attest "+Attestation, (*commands.Handler).Attest, commands.Attest{PortfolioID: Beneficiary, AttestationID: Attestation,
		Target:    domain.ItemRef{Kind: domain.ItemEvidence, ID: ChartEvidence},
		Statement: domain.CommentText{Text: "J'atteste que ces chiffres sont ceux du rayon épicerie et que Léa a conduit ce travail."}})
	run(ctx, s, sophie, "validate "+ShelvesCompetence, (*commands.Handler).ValidateCompetence, commands.ValidateCompetence{PortfolioID: Beneficiary, CompetenceID: ShelvesCompetence})
	run(ctx, s, karim, "assess "+AdviceCompetence, (*commands.Handler).AssessCompetence, commands.AssessCompetence{PortfolioID: Beneficiary, CompetenceID: AdviceCompetence,
		Result: domain.ResultPartly, Comment: domain.CommentText{Text: "Bon contact ; à compléter par une situation de réclamation client."}})
}
