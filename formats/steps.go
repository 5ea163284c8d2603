package formats

import (
	"context"
	"fmt"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

// StoreFunc stores (store true) or only checks (store false, a preview)
// a file of an import for the portfolio, and answers its reference. It
// types the file by its bytes: a *domain.Error refuses that file alone.
type StoreFunc func(ctx context.Context, f *File, store bool) (domain.FileRef, error)

// ownKey keys the import's own experience, which holds the evidence that
// illustrates nothing else imported.
const ownKey = "parcours:import"

// Steps are the ordinary commands that import the items into portfolio:
// experiences and their tasks, competences and their links, evidence
// (files through store), goals. IDs come from StableID; a goal without a
// target date gets one a year after now, with a note.
func (it *Items) Steps(portfolio string, now time.Time, store StoreFunc) []commands.ImportStep {
	id := func(prefix, key string) string { return StableID(prefix, portfolio, it.Format, key) }
	var steps []commands.ImportStep
	items := map[string]domain.ItemRef{}
	for _, x := range it.Experiences {
		xid := id("x-", x.Key)
		items[x.Key] = domain.ItemRef{Kind: domain.ItemExperience, ID: xid}
		steps = append(steps, commands.ImportStep{Source: x.Key,
			Experience: &commands.AddExperience{PortfolioID: portfolio, ExperienceID: xid, ExperienceInput: x.Input}})
		for i, t := range x.Tasks {
			steps = append(steps, commands.ImportStep{Source: fmt.Sprintf("%s#%d", x.Key, i),
				Task: &commands.AddTask{PortfolioID: portfolio, ExperienceID: xid, TaskID: id("t-", fmt.Sprintf("%s#%d", x.Key, i)), Text: t}})
		}
	}
	for _, c := range it.Competences {
		cid := id("c-", c.Key)
		items[c.Key] = domain.ItemRef{Kind: domain.ItemCompetence, ID: cid}
		steps = append(steps, commands.ImportStep{Source: c.Key,
			Competence: &commands.DeclareCompetence{PortfolioID: portfolio, CompetenceID: cid, CompetenceInput: c.Input}})
	}
	for _, c := range it.Competences {
		var links domain.CompetenceLinks
		for _, k := range c.Experiences {
			if ref, ok := items[k]; ok && ref.Kind == domain.ItemExperience {
				links.Experiences = append(links.Experiences, ref.ID)
			}
		}
		if len(links.Experiences) > 0 {
			steps = append(steps, commands.ImportStep{Source: c.Key,
				Link: &commands.LinkCompetence{PortfolioID: portfolio, CompetenceID: items[c.Key].ID, CompetenceLinks: links}})
		}
	}
	own := domain.ItemRef{Kind: domain.ItemExperience, ID: id("x-", ownKey)}
	ownAdded := false
	for _, e := range it.Evidence {
		target, ok := items[e.Target]
		if !ok {
			target = own
			if !ownAdded {
				ownAdded = true
				steps = append(steps, commands.ImportStep{Source: ownKey, Experience: &commands.AddExperience{PortfolioID: portfolio,
					ExperienceID: own.ID, ExperienceInput: domain.ExperienceInput{Kind: domain.KindPersonal, Context: domain.ContextInformal,
						Text: domain.ExperienceText{Title: "Documents importés (" + formatName(it.Format) + ")",
							Description: "Ce qu'un fichier importé montrait sans le rattacher à une expérience ou une compétence. / What an imported file showed without tying it to an experience or a competence."}}}})
			}
		}
		st := commands.ImportStep{Source: e.Key, Evidence: &commands.AttachEvidence{PortfolioID: portfolio, EvidenceID: id("ev-", e.Key),
			Target: target, EvidenceInput: e.Input}}
		if f := e.File; f != nil && store != nil {
			st.Prepare = func(ctx context.Context, storeNow bool, cmd *commands.AttachEvidence) error {
				ref, err := store(ctx, f, storeNow)
				if err != nil {
					return err
				}
				cmd.File = &ref
				return nil
			}
		}
		steps = append(steps, st)
	}
	for _, g := range it.Goals {
		in := g.Input
		if in.Target == "" {
			in.Target = domain.Date(now.AddDate(1, 0, 0).Format(time.DateOnly))
			it.note(g.Key, "goal %q had no target date: set to %s, to change", in.Text.Title, in.Target)
		}
		steps = append(steps, commands.ImportStep{Source: g.Key, Goal: &commands.SetGoal{PortfolioID: portfolio, GoalID: id("goal-", g.Key), GoalInput: in}})
	}
	return steps
}

func formatName(f Format) string {
	switch f {
	case LEAP2A:
		return "LEAP2A"
	case JSONResume:
		return "JSON Resume"
	}
	return "Europass"
}
