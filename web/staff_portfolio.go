package web

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"time"

	"github.com/parcours/parcours/domain"
)

// staffPortfolio is what a counsellor or a tutor sees of a portfolio,
// copied from its current state while the command handler holds it: for
// an assigned counsellor everything but the private folders, for a tutor
// only the items their grants reach (domain.Portfolio.TutorCovers, the
// rule the API's portfolio view and the command authorization apply), and
// the comments and attestations on those items only.
type staffPortfolio struct {
	ID          string
	Competences []staffItem
	Experiences []staffItem
	Evidence    []staffItem
	Journal     []staffItem // the counsellor's view only
	names       map[string]string
}

// staffItem is one item with what was said about it. Fields not of its
// kind are empty.
type staffItem struct {
	Ref          domain.ItemRef
	FormID       string // the form instances of this item start with it
	Title        string
	Detail       string
	Kind         string
	From, To     domain.Date
	URL          string
	FileName     string
	FileID       string
	Framework    string // the framework element, as frameworkLabel names it
	State        domain.CompetenceState
	SelfLevel    int
	Assessments  []staffNote
	Validated    *staffNote
	Author       *staffNote // of a logbook entry
	Tasks        []staffItem
	Target       domain.ItemRef
	TargetTitle  string // of the item the evidence illustrates
	Live         bool
	Comments     []staffNote
	Attestations []staffNote
	// What the item's forms need: where they post, the refused form (if
	// any), the idempotency key.
	Base   string
	Form   *staffForm
	Idem   string
	Origin string // "item" on an item's own page
}

// staffNote is a comment, an attestation, an assessment or a validation.
type staffNote struct {
	By     string
	Role   domain.Role
	At     time.Time
	Text   string
	Result domain.AssessmentResult
	Status domain.AttestationStatus
}

// staffNotes are an item's comments and attestations, with the names of
// who wrote them (for the templates).
type staffNotes struct {
	Comments     []staffNote
	Attestations []staffNote
	names        *staffPortfolio
	// Top: the notes of an item on its own page, whose headings come
	// right under its h1 (h2, not h4).
	Top bool
}

// Name names a person.
func (n staffNotes) Name(id string) string { return n.names.Name(id) }

// WithNames is the item's notes, named by v.
func (it staffItem) WithNames(v *staffPortfolio) staffNotes {
	return staffNotes{Comments: it.Comments, Attestations: it.Attestations, names: v}
}

// OwnNotes are WithNames on the item's own page.
func (it staffItem) OwnNotes(v *staffPortfolio) staffNotes {
	n := it.WithNames(v)
	n.Top = true
	return n
}

// Attestable reports whether a tutor may attest the item.
func (it staffItem) Attestable() bool {
	return it.Ref.Kind == domain.ItemTask || it.Ref.Kind == domain.ItemEvidence && it.Live
}

// Name is the name of a person the portfolio mentions.
func (v *staffPortfolio) Name(id string) string {
	if n := v.names[id]; n != "" {
		return n
	}
	return id
}

// Find returns the item ref names, if the view holds it.
func (v *staffPortfolio) Find(ref domain.ItemRef) (staffItem, bool) {
	for _, list := range [][]staffItem{v.Competences, v.Experiences, v.Evidence, v.Journal} {
		for _, it := range list {
			if it.Ref == ref {
				return it, true
			}
			for _, t := range it.Tasks {
				if t.Ref == ref {
					return t, true
				}
			}
		}
	}
	return staffItem{}, false
}

// Empty reports whether the view holds no item.
func (v *staffPortfolio) Empty() bool {
	return len(v.Competences)+len(v.Experiences)+len(v.Evidence)+len(v.Journal) == 0
}

// buildStaffPortfolio copies what sees lets through of p; journal adds
// the logbook.
func buildStaffPortfolio(p *domain.Portfolio, sees func(domain.ItemRef) bool, journal bool) *staffPortfolio {
	b := staffBuilder{p: p, sees: sees, comments: map[domain.ItemRef][]staffNote{}, attestations: map[domain.ItemRef][]staffNote{}}
	for _, c := range p.Comments() {
		b.comments[c.Target] = append(b.comments[c.Target], staffNote{By: c.Author, Role: c.Role, At: c.At, Text: c.Personal.Text})
	}
	for _, a := range p.Attestations() {
		b.attestations[a.Target] = append(b.attestations[a.Target], staffNote{By: a.Tutor, Role: domain.RoleTutor, At: a.At,
			Text: a.Personal.Text, Status: a.Status(p)})
	}
	for _, m := range []map[domain.ItemRef][]staffNote{b.comments, b.attestations} {
		for _, list := range m {
			slices.SortFunc(list, func(a, b staffNote) int { return a.At.Compare(b.At) })
		}
	}
	v := &staffPortfolio{ID: p.ID(), Competences: b.competences(), Experiences: b.experiences(), Evidence: b.evidence()}
	if journal {
		v.Journal = b.journal()
	}
	for i, e := range v.Evidence {
		if it, ok := v.Find(e.Target); ok {
			v.Evidence[i].TargetTitle = it.Title
		}
	}
	return v
}

// staffBuilder copies the items of a portfolio that a reader sees, each
// with the comments and attestations about it.
type staffBuilder struct {
	p                      *domain.Portfolio
	sees                   func(domain.ItemRef) bool
	comments, attestations map[domain.ItemRef][]staffNote
}

func (b staffBuilder) item(kind domain.ItemKind, id string) staffItem {
	ref := domain.ItemRef{Kind: kind, ID: id}
	return staffItem{Ref: ref, FormID: formIDOf(ref), Comments: b.comments[ref], Attestations: b.attestations[ref]}
}

func (b staffBuilder) competences() []staffItem {
	var out []staffItem
	for _, id := range slices.Sorted(maps.Keys(b.p.Competences())) {
		c := b.p.Competences()[id]
		if !b.sees(domain.ItemRef{Kind: domain.ItemCompetence, ID: id}) {
			continue
		}
		it := b.item(domain.ItemCompetence, id)
		it.Title, it.Detail, it.Framework, it.State, it.SelfLevel = c.Personal.Name, c.Personal.Description, frameworkLabel(c.Framework), c.State(b.p), c.SelfLevel
		for _, as := range c.Assessments {
			it.Assessments = append(it.Assessments, staffNote{By: as.By, Role: as.Role, At: as.At, Text: as.Personal.Text, Result: as.Result})
		}
		if c.Validation != nil {
			it.Validated = &staffNote{By: c.Validation.By, Role: c.Validation.Role, At: c.Validation.At}
		}
		out = append(out, it)
	}
	return out
}

// experiences copies the live experiences seen, with their live tasks
// (a task is in scope with its experience).
func (b staffBuilder) experiences() []staffItem {
	var out []staffItem
	for _, id := range slices.Sorted(maps.Keys(b.p.Experiences())) {
		x := b.p.Experiences()[id]
		if x.Removed || !b.sees(domain.ItemRef{Kind: domain.ItemExperience, ID: id}) {
			continue
		}
		it := b.item(domain.ItemExperience, id)
		it.Title, it.Kind, it.From, it.To = x.Personal.Title, string(x.Kind), x.From, x.To
		it.Detail = joined(" — ", x.Personal.Organisation, x.Personal.Place, x.Personal.Description)
		for _, tid := range slices.Sorted(maps.Keys(x.Tasks)) {
			if t := x.Tasks[tid]; !t.Removed {
				ti := b.item(domain.ItemTask, id+"/"+tid)
				ti.Title, ti.Detail = t.Personal.Title, t.Personal.Description
				it.Tasks = append(it.Tasks, ti)
			}
		}
		out = append(out, it)
	}
	return out
}

// evidence copies the evidence seen that is not withdrawn.
func (b staffBuilder) evidence() []staffItem {
	var out []staffItem
	for _, id := range slices.Sorted(maps.Keys(b.p.Evidence())) {
		e := b.p.Evidence()[id]
		if e.Withdrawn || !b.sees(domain.ItemRef{Kind: domain.ItemEvidence, ID: id}) {
			continue
		}
		it := b.item(domain.ItemEvidence, id)
		it.Title, it.Detail, it.Kind, it.Target, it.Live = e.Personal.Title, e.Personal.Text, string(e.Kind), e.Target, e.Live()
		it.URL, it.FileName = e.Personal.URL, e.Personal.FileName
		if e.File != nil {
			it.FileID = e.File.FileID
		}
		out = append(out, it)
	}
	return out
}

// journal copies the logbook, the latest day first.
func (b staffBuilder) journal() []staffItem {
	var out []staffItem
	for _, j := range b.p.Journal() {
		it := b.item(domain.ItemJournal, j.ID)
		it.Title, it.From, it.Author = j.Personal.Text, j.Day, &staffNote{By: j.Author, Role: j.Role}
		out = append(out, it)
	}
	slices.SortFunc(out, func(a, b staffItem) int { return cmp.Or(cmp.Compare(b.From, a.From), cmp.Compare(a.Ref.ID, b.Ref.ID)) })
	return out
}

// attach gives every item the address its forms post under (base), the
// refused form f, and the page's idempotency key.
func (v *staffPortfolio) attach(base string, f *staffForm) {
	idem := newIdem()
	var walk func([]staffItem)
	walk = func(items []staffItem) {
		for i := range items {
			items[i].Base, items[i].Form, items[i].Idem = base, f, idem
			walk(items[i].Tasks)
		}
	}
	for _, list := range [][]staffItem{v.Competences, v.Experiences, v.Evidence, v.Journal} {
		walk(list)
	}
}

// people lists everyone the view mentions, to name them.
func (v *staffPortfolio) people() []string {
	var ids []string
	add := func(notes []staffNote) {
		for _, n := range notes {
			ids = append(ids, n.By)
		}
	}
	var walk func([]staffItem)
	walk = func(items []staffItem) {
		for _, it := range items {
			add(it.Comments)
			add(it.Attestations)
			add(it.Assessments)
			if it.Validated != nil {
				ids = append(ids, it.Validated.By)
			}
			if it.Author != nil {
				ids = append(ids, it.Author.By)
			}
			walk(it.Tasks)
		}
	}
	for _, list := range [][]staffItem{v.Competences, v.Experiences, v.Evidence, v.Journal} {
		walk(list)
	}
	return ids
}

// name fills the names of the people the view mentions.
func (s *Server) nameStaffPortfolio(ctx context.Context, v *staffPortfolio, extra ...string) error {
	names, err := s.deps.Queries.People(ctx, append(v.people(), extra...))
	if err != nil {
		return err
	}
	v.names = map[string]string{}
	for id, p := range names {
		v.names[id] = p.Name
	}
	return nil
}
