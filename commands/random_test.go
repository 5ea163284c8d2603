package commands_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

// randomCommand issues one random command on p-zoe as a plausible actor.
// Commands may be refused (a removed item, a duplicate): that is part of
// the sequence.
func randomCommand(w *world, r *rand.Rand) error {
	exp := fmt.Sprintf("x-%d", r.IntN(6))
	call := w.call(w.bene)
	switch r.IntN(8) {
	case 0, 1:
		_, err := w.h.AddExperience(w.ctx, call, commands.AddExperience{PortfolioID: "p-zoe", ExperienceID: exp, ExperienceInput: w.experience(exp)})
		return err
	case 2:
		in := w.experience(exp)
		in.Text.Description = fmt.Sprintf("édition %d", r.IntN(100))
		_, err := w.h.EditExperience(w.ctx, call, commands.EditExperience{PortfolioID: "p-zoe", ExperienceID: exp, ExperienceInput: in})
		return err
	case 3:
		_, err := w.h.RemoveExperience(w.ctx, call, commands.RemoveExperience{PortfolioID: "p-zoe", ExperienceID: exp})
		return err
	case 4:
		_, err := w.h.AddTask(w.ctx, call, commands.AddTask{PortfolioID: "p-zoe", ExperienceID: exp, TaskID: fmt.Sprintf("t-%d", r.IntN(3)), Text: domain.TaskText{Title: "Tâche"}})
		return err
	case 5:
		_, err := w.h.InviteTutor(w.ctx, w.call(w.counsellor), commands.InviteTutor{PortfolioID: "p-zoe", TutorID: "p-tutor", Experiences: []string{exp}, Until: w.now.Add(72 * 3600e9)})
		return err
	case 6:
		_, err := w.h.InviteTutor(w.ctx, call, commands.InviteTutor{PortfolioID: "p-zoe", TutorID: "p-tutor", AllItems: true})
		return err
	default:
		_, err := w.h.RemoveTask(w.ctx, call, commands.RemoveTask{PortfolioID: "p-zoe", ExperienceID: exp, TaskID: fmt.Sprintf("t-%d", r.IntN(3))})
		return err
	}
}
