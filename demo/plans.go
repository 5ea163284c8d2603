package demo

import (
	"context"
	"crypto/rand"
	"encoding/hex"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

func (s *seeder) cv(ctx context.Context) {
	run(ctx, s, Find(Beneficiary), "cv", (*commands.Handler).CreateCV, commands.CreateCV{PortfolioID: Beneficiary, CVID: "cv-demo",
		CVInput: domain.CVInput{Experiences: []string{ShopExperience, VolunteerExperience}, Education: []string{TrainingExperience},
			Competences: []string{ShelvesCompetence, AdviceCompetence, CashCompetence},
			Text: domain.CVText{Title: "Employée commerciale", TargetJob: "Employée commerciale en magasin (CDI)",
				Summary: "Un an d'alternance en supermarché et deux ans de bénévolat en épicerie solidaire : rayon, stocks, caisse et conseil."}}})
}

// page creates and publishes the page recruiters see. Its token is shown
// once: it is kept in the state file; if that was lost, the old link is
// revoked and a new one published.
func (s *seeder) page(ctx context.Context) {
	lea := Find(Beneficiary)
	items := []domain.ItemRef{
		{Kind: domain.ItemExperience, ID: ShopExperience}, {Kind: domain.ItemTask, ID: ShelvesTask},
		{Kind: domain.ItemEvidence, ID: ChartEvidence}, {Kind: domain.ItemAttestation, ID: Attestation},
		{Kind: domain.ItemExperience, ID: VolunteerExperience},
		{Kind: domain.ItemCompetence, ID: ShelvesCompetence}, {Kind: domain.ItemCompetence, ID: AdviceCompetence},
		{Kind: domain.ItemGoal, ID: "goal-demo-job"},
	}
	s.goal(ctx, "goal-demo-job", domain.GoalInput{Kind: domain.GoalJobSearch, Target: s.day(180),
		Text: domain.GoalText{Title: "Décrocher un CDI d'employée commerciale", Description: "En grande surface ou en magasin de proximité, à moins de 45 minutes de Vénissieux."}},
		[]domain.PlannedMilestone{{MilestoneID: "m-demo-cv", DaysBefore: 150, Text: domain.MilestoneText{Title: "Mettre à jour le CV et la page publiée"}},
			{MilestoneID: "m-demo-apply", DaysBefore: 120, Text: domain.MilestoneText{Title: "Envoyer dix candidatures ciblées"}},
			{MilestoneID: "m-demo-mock", DaysBefore: 90, Text: domain.MilestoneText{Title: "Entretien blanc avec le conseiller"}}})
	run(ctx, s, lea, "page", (*commands.Handler).CreatePage, commands.CreatePage{PortfolioID: Beneficiary, PageID: Page,
		PageInput: domain.PageInput{Items: items, Text: domain.PageText{Title: "Léa Dupont — employée commerciale",
			Intro: "Mon parcours en magasin et en épicerie solidaire, avec les preuves et l'attestation de ma tutrice."}}})
	res, before := run(ctx, s, lea, "publish", (*commands.Handler).PublishPage, commands.PublishPage{PortfolioID: Beneficiary, PageID: Page,
		LinkID: "l-demo", LinkInput: domain.LinkInput{Recipient: "Recruteurs"}})
	switch {
	case s.err != nil:
		return
	case res.Secret != "":
		s.st.PageToken = res.Secret
	case s.st.PageToken != "" && !before:
		return // published on an earlier start
	default: // the token was lost with the state file
		run(ctx, s, lea, "revoke l-demo", (*commands.Handler).RevokeShareLink, commands.RevokeShareLink{PortfolioID: Beneficiary, PageID: Page, LinkID: "l-demo"})
		var b [8]byte
		_, _ = rand.Read(b[:])
		res, _ = run(ctx, s, lea, "publish "+hex.EncodeToString(b[:]), (*commands.Handler).PublishPage, commands.PublishPage{PortfolioID: Beneficiary, PageID: Page,
			LinkInput: domain.LinkInput{Recipient: "Recruteurs"}})
		s.st.PageToken, s.newLink = res.Secret, true
	}
	if s.err == nil {
		s.err = s.st.save(s.dir)
	}
}

// certification is the one the demo's VAE dossier prepares.
var certification = domain.Certification{RNCPCode: "RNCP37099", Title: "Titre professionnel Employé commercial",
	Blocks: []domain.Block{
		{Code: "BC01", Title: "Approvisionner un rayon ou un point de vente", Competences: []domain.BlockCompetence{
			{Code: "C1.1", Title: "Préparer les marchandises et approvisionner le rayon"},
			{Code: "C1.2", Title: "Assurer la présentation marchande et l'étiquetage des produits"},
			{Code: "C1.3", Title: "Participer à la gestion des stocks et à l'inventaire"}}},
		{Code: "BC02", Title: "Accueillir et accompagner le client dans un point de vente", Competences: []domain.BlockCompetence{
			{Code: "C2.1", Title: "Accueillir le client et l'orienter dans le magasin"},
			{Code: "C2.2", Title: "Conseiller le client sur les produits"},
			{Code: "C2.3", Title: "Tenir un poste de caisse"}}},
	}}

// dossier opens the VAE dossier, has it found admissible, maps items to
// its blocks and lets the jury's auditor read it: in progress, not yet
// submitted.
func (s *seeder) dossier(ctx context.Context) {
	lea, karim := Find(Beneficiary), Find(Counsellor)
	run(ctx, s, lea, "dossier", (*commands.Handler).OpenDossier, commands.OpenDossier{PortfolioID: Beneficiary, DossierID: Dossier, Certification: certification})
	run(ctx, s, lea, "admissibility request", (*commands.Handler).RequestAdmissibility, commands.RequestAdmissibility{PortfolioID: Beneficiary, DossierID: Dossier})
	run(ctx, s, karim, "admissibility", (*commands.Handler).RecordAdmissibility, commands.RecordAdmissibility{PortfolioID: Beneficiary, DossierID: Dossier,
		Admissible: true, DecidedOn: s.day(0)})
	for _, m := range []struct {
		block string
		item  domain.ItemRef
	}{
		{"BC01", domain.ItemRef{Kind: domain.ItemExperience, ID: ShopExperience}},
		{"BC01", domain.ItemRef{Kind: domain.ItemEvidence, ID: ChartEvidence}},
		{"BC01", domain.ItemRef{Kind: domain.ItemEvidence, ID: ReportEvidence}},
		{"BC02", domain.ItemRef{Kind: domain.ItemExperience, ID: VolunteerExperience}},
	} {
		run(ctx, s, lea, "map "+m.block+" "+m.item.ID, (*commands.Handler).MapToBlock, commands.MapToBlock{PortfolioID: Beneficiary, DossierID: Dossier, Block: m.block, Item: m.item})
	}
	run(ctx, s, karim, "auditor", (*commands.Handler).GrantAuditor, commands.GrantAuditor{PortfolioID: Beneficiary, GrantID: "g-demo-jury",
		AuditorID: Auditor, DossierID: Dossier, Until: s.at(365)})
}

// goals sets the VAE goal and its retroplanning (the job-search goal is
// set with the page, which shows it).
func (s *seeder) goals(ctx context.Context) {
	s.goal(ctx, "goal-demo-vae", domain.GoalInput{Kind: domain.GoalTraining, Target: s.day(120),
		Text: domain.GoalText{Title: "Obtenir le titre professionnel Employé commercial par la VAE"}},
		[]domain.PlannedMilestone{{MilestoneID: "m-demo-attest", DaysBefore: 100, Text: domain.MilestoneText{Title: "Rassembler les attestations de la tutrice"}},
			{MilestoneID: "m-demo-livret2", DaysBefore: 60, Text: domain.MilestoneText{Title: "Envoyer le dossier de validation (livret 2)"}},
			{MilestoneID: "m-demo-jury", DaysBefore: 21, Text: domain.MilestoneText{Title: "Préparer l'entretien avec le jury"}}})
	run(ctx, s, Find(Beneficiary), "reach m-demo-attest", (*commands.Handler).ReachMilestone, commands.ReachMilestone{PortfolioID: Beneficiary,
		GoalID: "goal-demo-vae", MilestoneID: "m-demo-attest", On: s.day(0)})
}

func (s *seeder) goal(ctx context.Context, id string, in domain.GoalInput, plan []domain.PlannedMilestone) {
	lea := Find(Beneficiary)
	run(ctx, s, lea, "goal "+id, (*commands.Handler).SetGoal, commands.SetGoal{PortfolioID: Beneficiary, GoalID: id, GoalInput: in})
	run(ctx, s, Find(Counsellor), "plan "+id, (*commands.Handler).PlanMilestones, commands.PlanMilestones{PortfolioID: Beneficiary, GoalID: id, Milestones: plan})
}

// journal writes the logbook, a conversation between the beneficiary and
// her counsellor.
func (s *seeder) journal(ctx context.Context) {
	for i, e := range []struct {
		who  string
		day  int
		text string
	}{
		{Counsellor, -21, "Premier rendez-vous : Léa souhaite faire valider son année d'alternance par la VAE. On vise le titre Employé commercial."},
		{Beneficiary, -14, "J'ai retrouvé les chiffres de ruptures du rayon et le compte rendu d'inventaire de mars."},
		{Counsellor, -7, "Recevabilité envoyée. Bien : le graphique des ruptures illustre le bloc 1 ; il manque une situation de conseil client pour le bloc 2."},
		{Beneficiary, -2, "Sophie (ma tutrice) a attesté le graphique. Je prépare une fiche sur une réclamation client."},
	} {
		id := "j-demo-" + string(rune('1'+i))
		run(ctx, s, Find(e.who), "journal "+id, (*commands.Handler).WriteJournalEntry, commands.WriteJournalEntry{PortfolioID: Beneficiary, EntryID: id,
			Day: s.day(e.day), Text: e.text})
	}
}

// conversation starts the beneficiary's conversation with her counsellor:
// her question, his answer (unread by her when she logs in).
func (s *seeder) conversation(ctx context.Context) {
	talk := commands.ConversationRef{PortfolioID: Beneficiary}
	for i, m := range []struct{ who, text string }{
		{Beneficiary, "Bonjour, je peux joindre la fiche sur la réclamation client à mon dossier VAE avant jeudi ?"},
		{Counsellor, "Oui, ajoutez-la comme preuve du bloc 2, je la relis avant notre rendez-vous."},
	} {
		id := "m-demo-" + string(rune('1'+i))
		run(ctx, s, Find(m.who), "message "+id, (*commands.Handler).PostMessage, commands.PostMessage{ConversationRef: talk, MessageID: id, Text: m.text})
	}
}
