package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/projections"
)

// What the beneficiary shares: CVs (a selection tuned to one job offer)
// and pages (a selection published at a share link, which they can
// revoke).

type sharePage struct {
	meBase
	CVs   []shareRow
	Pages []shareRow
}

type shareRow struct {
	ID, Title, Meta string
	Links           []linkRow
}

type linkRow struct {
	ID, Recipient, Until string
	Public, Open         bool
}

func (s *Server) meShare(w http.ResponseWriter, r *http.Request) {
	a, ok := s.beneficiary(w, r)
	if !ok {
		return
	}
	l, now := language(r), s.clock()
	v := sharePage{meBase: s.base(r, "/me/share")}
	err := s.readMine(r.Context(), a, func(p *domain.Portfolio) error {
		for _, id := range sortedIDs(p.CVs()) {
			if cv := p.CVs()[id]; !cv.Removed {
				v.CVs = append(v.CVs, shareRow{ID: id, Title: cv.Personal.Title, Meta: cv.Personal.TargetJob})
			}
		}
		for _, id := range sortedIDs(p.Pages()) {
			pg := p.Pages()[id]
			if pg.Removed {
				continue
			}
			row := shareRow{ID: id, Title: pg.Personal.Title}
			for _, lid := range sortedIDs(pg.Links) {
				link := pg.Links[lid]
				row.Links = append(row.Links, linkRow{ID: lid, Recipient: link.Personal.Recipient, Until: day(l, link.Until),
					Public: link.Public, Open: link.Active(now)})
			}
			v.Pages = append(v.Pages, row)
		}
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg := s.page(r, "me.share.title")
	pg.Data, pg.Noindex = v, true
	render(w, r, s.log, s.tpl, http.StatusOK, "me_share.html", pg)
}

var shareBack = formPage{Back: "/me/share"}

// cvForm offers the experiences, trainings and competences of p.
func cvForm(l Lang, p *domain.Portfolio) *form {
	var jobs, trainings, comps []formOption
	for _, id := range experienceOrder(p) {
		x := p.Experiences()[id]
		o := formOption{Value: id, Label: joined(" — ", x.Personal.Title, period(l, x.From, x.To))}
		if x.Kind == domain.KindTraining {
			trainings = append(trainings, o)
		} else {
			jobs = append(jobs, o)
		}
	}
	for _, id := range sortedIDs(p.Competences()) {
		comps = append(comps, formOption{Value: id, Label: competenceName(p.Competences()[id])})
	}
	return &form{Action: "/me/cvs", Submit: words.T(l, "me.cv.create"), Fields: []formField{
		{Name: "title", Label: words.T(l, "me.f.cvtitle"), Hint: words.T(l, "me.h.cvtitle"), Type: "text", Required: true, Max: 200},
		{Name: "target_job", Label: words.T(l, "me.f.targetjob"), Type: "text", Max: 200},
		{Name: "summary", Label: words.T(l, "me.f.summary"), Type: "textarea", Max: 5000},
		{Name: "experiences", Label: words.T(l, "me.experiences"), Type: "checkboxes", Options: jobs},
		{Name: "education", Label: words.T(l, "rec.section.education"), Type: "checkboxes", Options: trainings},
		{Name: "competences", Label: words.T(l, "me.competences"), Type: "checkboxes", Options: comps},
	}}
}

func (s *Server) newCV(w http.ResponseWriter, r *http.Request) {
	s.portfolioForm(w, r, "me.cv.new", shareBack, func(l Lang, p *domain.Portfolio) *form { return cvForm(l, p) }, nil)
}

func (s *Server) createCV(w http.ResponseWriter, r *http.Request) {
	s.portfolioForm(w, r, "me.cv.new", shareBack, func(l Lang, p *domain.Portfolio) *form { return cvForm(l, p) },
		func(a domain.Actor, call commands.Call, v url.Values) (string, commands.Result, error) {
			in := domain.CVInput{Experiences: v["experiences"], Education: v["education"], Competences: v["competences"],
				Text: domain.CVText{Title: strings.TrimSpace(v.Get("title")), TargetJob: strings.TrimSpace(v.Get("target_job")), Summary: strings.TrimSpace(v.Get("summary"))}}
			res, err := s.deps.Commands.CreateCV(r.Context(), call, commands.CreateCV{PortfolioID: a.PersonID, CVInput: in})
			return "/me/cvs/" + res.ID, res, err
		})
}

// pageForm offers the items of p a page may show, by kind, as "kind:id".
func pageForm(l Lang, p *domain.Portfolio) *form {
	groups := map[domain.ItemKind][]formOption{}
	add := func(kind domain.ItemKind, id, label string) {
		groups[kind] = append(groups[kind], formOption{Value: string(kind) + ":" + id, Label: label})
	}
	for _, id := range experienceOrder(p) {
		x := p.Experiences()[id]
		add(domain.ItemExperience, id, joined(" — ", x.Personal.Title, period(l, x.From, x.To)))
		for _, tid := range sortedIDs(x.Tasks) {
			if t := x.Tasks[tid]; !t.Removed {
				add(domain.ItemTask, id+"/"+tid, t.Personal.Title+" ("+x.Personal.Title+")")
			}
		}
	}
	for _, id := range sortedIDs(p.Competences()) {
		add(domain.ItemCompetence, id, competenceName(p.Competences()[id]))
	}
	for _, id := range sortedIDs(p.Evidence()) {
		if e := p.Evidence()[id]; e.Live() {
			add(domain.ItemEvidence, id, e.Personal.Title)
		}
	}
	for _, id := range sortedIDs(p.Attestations()) {
		if at := p.Attestations()[id]; at.Current(p) {
			add(domain.ItemAttestation, id, joined(" — ", day(l, at.At), at.Personal.Text))
		}
	}
	for _, id := range sortedIDs(p.Goals()) {
		add(domain.ItemGoal, id, p.Goals()[id].Personal.Title)
	}
	f := &form{Action: "/me/pages", Submit: words.T(l, "me.page.create"), Fields: []formField{
		{Name: "title", Label: words.T(l, "me.f.pagetitle"), Hint: words.T(l, "me.h.pagetitle"), Type: "text", Required: true, Max: 200},
		{Name: "intro", Label: words.T(l, "me.f.intro"), Hint: words.T(l, "me.h.intro"), Type: "textarea", Max: 5000},
	}}
	for _, k := range []domain.ItemKind{domain.ItemExperience, domain.ItemTask, domain.ItemCompetence, domain.ItemEvidence, domain.ItemAttestation, domain.ItemGoal} {
		if len(groups[k]) > 0 {
			f.Fields = append(f.Fields, formField{Name: "items", Group: string(k), Label: words.T(l, "rec.section."+string(k)), Type: "checkboxes", Options: groups[k]})
		}
	}
	return f
}

func (s *Server) newPage(w http.ResponseWriter, r *http.Request) {
	s.portfolioForm(w, r, "me.page.new", shareBack, func(l Lang, p *domain.Portfolio) *form { return pageForm(l, p) }, nil)
}

func (s *Server) createPage(w http.ResponseWriter, r *http.Request) {
	s.portfolioForm(w, r, "me.page.new", shareBack, func(l Lang, p *domain.Portfolio) *form { return pageForm(l, p) },
		func(a domain.Actor, call commands.Call, v url.Values) (string, commands.Result, error) {
			in := domain.PageInput{Text: domain.PageText{Title: strings.TrimSpace(v.Get("title")), Intro: strings.TrimSpace(v.Get("intro"))}}
			for _, it := range v["items"] {
				in.Items = append(in.Items, itemRef(it))
			}
			res, err := s.deps.Commands.CreatePage(r.Context(), call, commands.CreatePage{PortfolioID: a.PersonID, PageInput: in})
			return "/me/pages/" + res.ID + "/publish", res, err
		})
}

// portfolioForm shows (send nil) or handles a form whose choices come
// from the portfolio; send runs the command and says where to go next.
func (s *Server) portfolioForm(w http.ResponseWriter, r *http.Request, titleKey string, fp formPage,
	build func(Lang, *domain.Portfolio) *form, send func(domain.Actor, commands.Call, url.Values) (string, commands.Result, error)) {
	var a domain.Actor
	var call commands.Call
	var ok bool
	if send == nil {
		a, ok = s.beneficiary(w, r)
	} else {
		a, call, ok = s.mePost(w, r)
	}
	if !ok {
		return
	}
	l := language(r)
	var f *form
	if err := s.readMine(r.Context(), a, func(p *domain.Portfolio) error { f = build(l, p); return nil }); err != nil {
		s.fail(w, r, err)
		return
	}
	if send == nil {
		f.Key = newKey()
		s.showForm(w, r, http.StatusOK, titleKey, f, fp)
		return
	}
	f.fill(r.PostForm)
	to, res, err := send(a, call, r.PostForm)
	if err != nil {
		s.refused(w, r, titleKey, f, fp, err)
		return
	}
	s.saved(w, r, res, to, projections.CVs{}.Name())
}

// cvPage is the data of cv.html.
type cvPage struct {
	meBase
	ID, Owner, Heading, TargetJob, Summary string
	Experiences, Education, Competences    []pubItem
}

func (s *Server) showCV(w http.ResponseWriter, r *http.Request) {
	a, ok := s.beneficiary(w, r)
	if !ok {
		return
	}
	cv, found, err := s.deps.Queries.CV(r.Context(), a.PersonID, chi.URLParam(r, "id"))
	if err == nil && !found {
		err = &domain.Error{Kind: domain.KindNotFound, Field: "cv_id", Reason: "no CV"}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg := s.page(r, "me.cv.title")
	pg.Title, pg.Noindex = joined(" — ", cv.Owner.Name, cv.Title), true
	pg.Data = cvView(language(r), cv, s.base(r, "/me/share"))
	render(w, r, s.log, s.tpl, http.StatusOK, "cv.html", pg)
}

func cvView(l Lang, cv projections.CVView, base meBase) cvPage {
	v := cvPage{meBase: base, ID: cv.CVID, Owner: cv.Owner.Name, Heading: cv.Title, TargetJob: cv.TargetJob, Summary: cv.Summary}
	for _, x := range cv.Experiences {
		v.Experiences = append(v.Experiences, experienceItem(l, x))
	}
	for _, x := range cv.Education {
		v.Education = append(v.Education, experienceItem(l, x))
	}
	for _, c := range cv.Competences {
		v.Competences = append(v.Competences, pageItem(l, projections.PageItem{ID: c.ID, Competence: &c}, ""))
	}
	return v
}
