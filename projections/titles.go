package projections

import (
	"strings"
	"unicode/utf8"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventcodec"
)

// titleOf returns what names the item an opened event sets: its title or
// name, or the start of its text for a logbook entry, a comment or an
// attestation; "" for other events.
func titleOf(e domain.Event) string {
	switch e := e.(type) {
	case *domain.ExperienceAdded:
		return e.Personal.Title
	case *domain.ExperienceEdited:
		return e.Personal.Title
	case *domain.TaskAdded:
		return e.Personal.Title
	case *domain.TaskEdited:
		return e.Personal.Title
	case *domain.CompetenceAdded:
		return e.Personal.Name
	case *domain.EvidenceAttached:
		return e.Personal.Title
	case *domain.EvidenceRevised:
		return e.Personal.Title
	case *domain.GoalSet:
		return e.Personal.Title
	case *domain.MilestoneAdded:
		return e.Personal.Title
	case *domain.DocumentAdded:
		return e.Personal.Title
	case *domain.CVCreated:
		return e.Personal.Title
	case *domain.CVEdited:
		return e.Personal.Title
	case *domain.PageCreated:
		return e.Personal.Title
	case *domain.PageEdited:
		return e.Personal.Title
	case *domain.JournalEntryWritten:
		return excerpt(e.Personal.Text)
	case *domain.CommentAdded:
		return excerpt(e.Personal.Text)
	case *domain.AttestationRecorded:
		return excerpt(e.Personal.Text)
	}
	return ""
}

// excerptRunes bounds the excerpt of a text shown as a title.
const excerptRunes = 80

// excerpt returns the first line of text, cut to excerptRunes characters.
func excerpt(text string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	if utf8.RuneCountInString(line) <= excerptRunes {
		return line
	}
	return string([]rune(line)[:excerptRunes-1]) + "…"
}

// itemTitle opens the last title of an item of the portfolio (removed
// ones too): its title, name or excerpt, or else a clear name (a
// competence's framework code); erased once the owner was erased.
func (s *resolver) itemTitle(ref domain.ItemRef) (string, bool, error) {
	personal, clear, err := s.titleRef(ref)
	if err != nil {
		return "", false, err
	}
	e, erased, err := s.r.openEvent(personal)
	if err != nil {
		return "", false, err
	}
	if t := titleOf(e); t != "" || erased {
		return t, erased, nil
	}
	return clear, false, nil
}

// titleRef returns the personal part that last titled an item, and a
// clear name to fall back on; an attestation is named by what it attests.
func (s *resolver) titleRef(ref domain.ItemRef) (*eventcodec.PersonalRef, string, error) {
	key := itemKey(s.pid, ref.ID)
	switch ref.Kind {
	case domain.ItemExperience:
		return personalOf(s, ref.Kind, key, func(x *experienceDoc) *eventcodec.PersonalRef { return x.Personal })
	case domain.ItemTask:
		return personalOf(s, ref.Kind, key, func(x *taskDoc) *eventcodec.PersonalRef { return x.Personal })
	case domain.ItemEvidence:
		return personalOf(s, ref.Kind, key, func(x *evidenceDoc) *eventcodec.PersonalRef { return x.Personal })
	case domain.ItemJournal:
		return personalOf(s, ref.Kind, key, func(x *journalDoc) *eventcodec.PersonalRef { return x.Personal })
	case domain.ItemGoal:
		return personalOf(s, ref.Kind, key, func(x *goalDoc) *eventcodec.PersonalRef { return x.Personal })
	case domain.ItemCompetence:
		c, _, err := load[competenceDoc](s.r, string(ref.Kind), key)
		if err != nil {
			return nil, "", err
		}
		clear := ""
		if c.Framework != nil {
			clear = c.Framework.Framework + " " + c.Framework.Code
		}
		return c.Personal, clear, nil
	case itemMilestone:
		return s.milestoneRef(ref.ID)
	case domain.ItemAttestation:
		a, ok, err := load[feedbackDoc](s.r, string(ref.Kind), key)
		if err != nil || !ok || a.Target.Kind == domain.ItemAttestation {
			return nil, "", err
		}
		return s.titleRef(a.Target)
	}
	return nil, "", nil
}

// personalOf loads the document of an item and picks its personal part.
func personalOf[T any](s *resolver, kind domain.ItemKind, key string, pick func(*T) *eventcodec.PersonalRef) (*eventcodec.PersonalRef, string, error) {
	v, ok, err := load[T](s.r, string(kind), key)
	if err != nil || !ok {
		return nil, "", err
	}
	return pick(v), "", nil
}

// milestoneRef returns the personal part of milestone "GOAL/MILESTONE".
func (s *resolver) milestoneRef(id string) (*eventcodec.PersonalRef, string, error) {
	goal, ms, _ := strings.Cut(id, "/")
	g, _, err := load[goalDoc](s.r, string(domain.ItemGoal), itemKey(s.pid, goal))
	if err != nil {
		return nil, "", err
	}
	for _, m := range g.Milestones {
		if m.ID == ms {
			return m.Personal, "", nil
		}
	}
	return nil, "", nil
}
