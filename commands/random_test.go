package commands_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

// randomCommand issues one random command on p-zoe as a plausible actor,
// across every slice of the domain. Commands may be refused (a removed
// item, a duplicate, a state that forbids it): that is part of the
// sequence.
func randomCommand(w *world, r *rand.Rand) error {
	exp := fmt.Sprintf("x-%d", r.IntN(4))
	comp := fmt.Sprintf("c-%d", r.IntN(3))
	ev := fmt.Sprintf("ev-%d", r.IntN(4))
	zoe, cons, tutor := w.call(w.bene), w.call(w.counsellor), w.call(w.tutor)
	const pid = "p-zoe"
	var err error
	switch r.IntN(20) {
	case 0, 1:
		_, err = w.h.AddExperience(w.ctx, zoe, commands.AddExperience{PortfolioID: pid, ExperienceID: exp, ExperienceInput: w.experience(exp)})
	case 2:
		in := w.experience(exp)
		in.Text.Description = fmt.Sprintf("édition %d", r.IntN(100))
		_, err = w.h.EditExperience(w.ctx, zoe, commands.EditExperience{PortfolioID: pid, ExperienceID: exp, ExperienceInput: in})
	case 3:
		_, err = w.h.RemoveExperience(w.ctx, zoe, commands.RemoveExperience{PortfolioID: pid, ExperienceID: exp})
	case 4:
		_, err = w.h.AddTask(w.ctx, zoe, commands.AddTask{PortfolioID: pid, ExperienceID: exp, TaskID: fmt.Sprintf("t-%d", r.IntN(3)), Text: domain.TaskText{Title: "Tâche"}})
	case 5:
		_, err = w.h.InviteTutor(w.ctx, cons, commands.InviteTutor{PortfolioID: pid, TutorID: "p-tutor", AllItems: true, Until: w.now.Add(30 * 24 * 3600e9)})
	case 6:
		_, err = w.h.DeclareCompetence(w.ctx, zoe, commands.DeclareCompetence{PortfolioID: pid, CompetenceID: comp,
			CompetenceInput: domain.CompetenceInput{Text: domain.CompetenceText{Name: "Accueillir " + comp}}})
	case 7:
		_, err = w.h.LinkCompetence(w.ctx, zoe, commands.LinkCompetence{PortfolioID: pid, CompetenceID: comp, CompetenceLinks: domain.CompetenceLinks{Experiences: []string{exp}}})
	case 8:
		_, err = w.h.AttachEvidence(w.ctx, zoe, commands.AttachEvidence{PortfolioID: pid, EvidenceID: ev, Target: domain.ItemRef{Kind: domain.ItemCompetence, ID: comp},
			EvidenceInput: domain.EvidenceInput{Kind: domain.EvidenceOfText, Text: domain.EvidenceText{Title: "Preuve", Text: fmt.Sprint("texte ", r.IntN(9))}}})
	case 9:
		_, err = w.h.WithdrawEvidence(w.ctx, zoe, commands.WithdrawEvidence{PortfolioID: pid, EvidenceID: ev})
	case 10:
		_, err = w.h.AddComment(w.ctx, cons, commands.AddComment{PortfolioID: pid, Target: domain.ItemRef{Kind: domain.ItemExperience, ID: exp}, Text: domain.CommentText{Text: "Bien"}})
	case 11:
		_, err = w.h.Attest(w.ctx, tutor, commands.Attest{PortfolioID: pid, Target: domain.ItemRef{Kind: domain.ItemEvidence, ID: ev}, Statement: domain.CommentText{Text: "Vu"}})
	case 12:
		_, err = w.h.AssessCompetence(w.ctx, cons, commands.AssessCompetence{PortfolioID: pid, CompetenceID: comp, Result: domain.ResultPartly, Comment: domain.CommentText{Text: "En progrès"}})
	case 13:
		_, err = w.h.SetGoal(w.ctx, zoe, commands.SetGoal{PortfolioID: pid, GoalID: "goal-1", GoalInput: domain.GoalInput{Kind: domain.GoalJobSearch,
			Target: domain.DateOf(w.now.AddDate(0, 6, 0)), Text: domain.GoalText{Title: "Trouver un emploi"}}})
	case 14:
		_, err = w.h.PlanMilestones(w.ctx, cons, commands.PlanMilestones{PortfolioID: pid, GoalID: "goal-1",
			Milestones: []domain.PlannedMilestone{{DaysBefore: 30 + r.IntN(60), Text: domain.MilestoneText{Title: "CV prêt"}}}})
	case 15:
		_, err = w.h.WriteJournalEntry(w.ctx, zoe, commands.WriteJournalEntry{PortfolioID: pid, Text: "Entretien passé"})
	case 16:
		_, err = w.h.CreateCV(w.ctx, zoe, commands.CreateCV{PortfolioID: pid, CVInput: domain.CVInput{Experiences: []string{exp}, Text: domain.CVText{Title: "CV vente"}}})
	case 17:
		_, err = w.h.CreatePage(w.ctx, zoe, commands.CreatePage{PortfolioID: pid, PageID: "pg-1", PageInput: domain.PageInput{
			Items: []domain.ItemRef{{Kind: domain.ItemExperience, ID: exp}}, Text: domain.PageText{Title: "Ma page"}}})
	case 18:
		_, err = w.h.PublishPage(w.ctx, zoe, commands.PublishPage{PortfolioID: pid, PageID: "pg-1"})
	default:
		_, err = w.h.RemoveTask(w.ctx, zoe, commands.RemoveTask{PortfolioID: pid, ExperienceID: exp, TaskID: fmt.Sprintf("t-%d", r.IntN(3))})
	}
	return err
}
