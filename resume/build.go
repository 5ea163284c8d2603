package resume

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/projections"
)

// Options are what a document adds to the read model.
type Options struct {
	Lang Lang
	// Email is the person's address (projections.Contact): set it only
	// when the reader is the person themself.
	Email string
	// Canonical is the address the document was exported from.
	Canonical string
	// Now stamps meta.lastModified (none when zero).
	Now time.Time
}

// FromCV is the JSON Resume document of a CV: its owner and text, and
// the experiences, training and competences it selects, in its order.
// An erased owner's CV has no text left, so the document is empty but
// valid.
func FromCV(cv projections.CVView, o Options) Document {
	d := o.start(cv.Owner)
	d.Basics.Label = cv.TargetJob
	if d.Basics.Label == "" {
		d.Basics.Label = cv.Title
	}
	d.Basics.Summary = cv.Summary
	for _, x := range cv.Experiences {
		d.addExperience(x, o.Lang)
	}
	for _, x := range cv.Education {
		d.addEducation(x)
	}
	for _, c := range cv.Competences {
		d.addSkill(c, o.Lang)
	}
	return d
}

// FromPortfolio is the JSON Resume document of a whole portfolio: every
// live experience, most recent first, and every competence.
func FromPortfolio(p projections.PortfolioItems, o Options) Document {
	d := o.start(p.Owner)
	for _, x := range byRecency(p.Experiences) {
		d.addExperience(x, o.Lang)
	}
	for _, c := range p.Competences {
		d.addSkill(c, o.Lang)
	}
	return d
}

func (o Options) start(owner projections.PersonView) Document {
	d := Document{Schema: SchemaURL, Basics: Basics{Name: owner.Name}, Meta: Meta{Canonical: o.Canonical}}
	if !owner.Erased {
		d.Basics.Email = o.Email
	}
	if !o.Now.IsZero() {
		d.Meta.LastModified = o.Now.UTC().Format(time.RFC3339)
	}
	return d
}

// addExperience files x under the section its kind belongs to.
func (d *Document) addExperience(x projections.ExperienceView, l Lang) {
	if x.Erased {
		return
	}
	from, to, highlights := string(x.From), string(x.To), tasks(x.Tasks)
	switch x.Kind {
	case domain.KindTraining:
		d.addEducation(x)
	case domain.KindVolunteer:
		d.Volunteer = append(d.Volunteer, Volunteer{Organization: x.Organisation, Position: x.Title, StartDate: from, EndDate: to,
			Summary: x.Description, Highlights: highlights})
	case domain.KindPersonal, domain.KindLeisure:
		d.Projects = append(d.Projects, Project{Name: cmp.Or(x.Title, x.Organisation), Description: x.Description, Highlights: highlights,
			StartDate: from, EndDate: to, Entity: x.Organisation, Type: l.word(string(x.Kind))})
	default:
		d.Work = append(d.Work, Work{Name: x.Organisation, Location: x.Place, Position: x.Title, StartDate: from, EndDate: to,
			Summary: x.Description, Highlights: highlights})
	}
}

func (d *Document) addEducation(x projections.ExperienceView) {
	if x.Erased {
		return
	}
	d.Education = append(d.Education, Education{Institution: x.Organisation, Area: x.Title, StartDate: string(x.From), EndDate: string(x.To),
		Courses: tasks(x.Tasks)})
}

// addSkill adds a competence, its level in words (its state, and the
// person's own assessment) and its framework reference as a keyword.
func (d *Document) addSkill(c projections.CompetenceView, l Lang) {
	if c.Erased || c.Name == "" {
		return
	}
	level := l.state(c.State)
	if c.SelfLevel > 0 {
		level += ", " + fmt.Sprintf(l.word("self"), c.SelfLevel)
	}
	s := Skill{Name: c.Name, Level: level}
	if f := c.Framework; f != nil {
		s.Keywords = []string{strings.TrimSpace(f.Framework + " " + f.Code)}
	}
	d.Skills = append(d.Skills, s)
}

// tasks are an experience's highlights: each task's title, with its
// description after a dash.
func tasks(ts []projections.TaskView) []string {
	var out []string
	for _, t := range ts {
		if t.Erased || t.Title == "" {
			continue
		}
		if t.Description != "" {
			out = append(out, t.Title+" — "+t.Description)
			continue
		}
		out = append(out, t.Title)
	}
	return out
}

// byRecency orders experiences as a CV does: the current or most
// recently ended first, then by start, latest first.
func byRecency(xs []projections.ExperienceView) []projections.ExperienceView {
	out := append([]projections.ExperienceView(nil), xs...)
	end := func(x projections.ExperienceView) string {
		if x.To == "" {
			return "9999"
		}
		return string(x.To)
	}
	slices.SortStableFunc(out, func(a, b projections.ExperienceView) int {
		return cmp.Or(cmp.Compare(end(b), end(a)), cmp.Compare(b.From, a.From))
	})
	return out
}
