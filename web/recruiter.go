package web

import (
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/parcours/parcours/projections"
)

// The public page a beneficiary published, at /p/{token}: what a
// recruiter opens from the link they were sent. No cookie, no script, no
// request to anyone else; the token never leaves in a Referer; search
// engines are asked to stay away unless the owner chose public listing.
// A revoked or expired link (or an erased owner) answers 410 and an
// unknown one 404, with nothing of the content.
func (s *Server) recruiterPages(r chi.Router) {
	r.Get("/p/{token}", s.recruiterPage)
	r.Get("/p/{token}/files/{fileID}", s.recruiterFile)
}

// published opens the page of token, or answers why not.
func (s *Server) published(w http.ResponseWriter, r *http.Request) (projections.PublishedPage, bool) {
	w.Header().Set("Cache-Control", "no-store") // a revoked link must stop working everywhere
	l := language(r)
	pp, err := s.deps.Queries.RecruiterPage(r.Context(), chi.URLParam(r, "token"), s.clock())
	switch {
	case errors.Is(err, projections.ErrPageNotFound):
		s.errorPage(w, r, http.StatusNotFound, words.T(l, "error.notfound"), words.T(l, "rec.notfound"))
		return pp, false
	case errors.Is(err, projections.ErrPageGone) || err == nil && (pp.Erased || pp.Owner.Erased):
		s.errorPage(w, r, http.StatusGone, words.T(l, "error.gone"), words.T(l, "error.gone.text"))
		return pp, false
	case err != nil:
		s.fail(w, r, err)
		return pp, false
	}
	return pp, true
}

func (s *Server) recruiterPage(w http.ResponseWriter, r *http.Request) {
	pp, ok := s.published(w, r)
	if !ok {
		return
	}
	l := language(r)
	p := s.page(r, "rec.title")
	p.Me = nil // the page is the same for whoever opens it
	p.Title = joined(" — ", pp.Owner.Name, pp.Title)
	p.Noindex = !pp.Public
	v := publicView(l, pp, "/p/"+chi.URLParam(r, "token")+"/files/")
	v.Badges = s.publishedBadges(r, pp.PortfolioID, chi.URLParam(r, "token"))
	p.Data = v
	// No cookie, not even the language's: the switch's links carry ?lang=.
	render(w, r, s.log, s.tpl, http.StatusOK, "recruiter.html", p)
	if err := s.deps.Queries.RecordView(r.Context(), pp.TokenHash); err != nil {
		s.log.WarnContext(r.Context(), "record page view", slog.Any("err", err))
	}
}

// recruiterFile serves a file of evidence the page shows, while its link
// opens it; no other file, whoever's it is.
func (s *Server) recruiterFile(w http.ResponseWriter, r *http.Request) {
	pp, ok := s.published(w, r)
	if !ok {
		return
	}
	fileID := chi.URLParam(r, "fileID")
	for _, it := range pp.Items {
		if ev := it.Evidence; ev != nil && ev.File != nil && ev.File.FileID == fileID {
			s.serveFile(w, r, pp.PortfolioID, fileID, ev.FileName)
			return
		}
	}
	s.errorPage(w, r, http.StatusNotFound, words.T(language(r), "error.notfound"), "")
}

// pubView is the page as it is drawn: the owner, the page's words, and
// its items grouped as a CV is (experiences, tasks, competences,
// evidence, attestations, goals), in the order chosen within each group.
type pubView struct {
	Owner, Heading, Intro, Until string
	Sections                     []pubSection
	Badges                       []badgeItem // the owner's badges not revoked, with their verify links (badge.go)
}

type pubSection struct {
	Kind, Title string
	Items       []pubItem
}

// pubItem is one item; the fields of its kind are set.
type pubItem struct {
	ID, Title, Meta, Text string
	Tasks                 []pubItem // an experience's tasks
	Src, Download, URL    string    // evidence
	FileName              string
	Note                  string // an attestation whose evidence changed since
	Steps                 []pubItem
}

func publicView(l Lang, pp projections.PublishedPage, filePrefix string) pubView {
	v := pubView{Owner: pp.Owner.Name, Heading: pp.Title, Intro: pp.Intro}
	if !pp.Until.IsZero() {
		v.Until = day(l, pp.Until)
	}
	order := []string{"experience", "task", "competence", "evidence", "attestation", "goal"}
	groups := map[string][]pubItem{}
	for _, it := range pp.Items {
		groups[string(it.Kind)] = append(groups[string(it.Kind)], pageItem(l, it, filePrefix))
	}
	for _, k := range order {
		if len(groups[k]) > 0 {
			v.Sections = append(v.Sections, pubSection{Kind: k, Title: words.T(l, "rec.section."+k), Items: groups[k]})
		}
	}
	return v
}

func pageItem(l Lang, it projections.PageItem, filePrefix string) pubItem {
	switch {
	case it.Experience != nil:
		return experienceItem(l, *it.Experience)
	case it.Task != nil:
		return pubItem{ID: it.ID, Title: it.Task.Title, Text: it.Task.Description}
	case it.Competence != nil:
		c := it.Competence
		meta := joined(" · ", words.T(l, "pv.state."+string(c.State)), frameworkLabel(c.Framework))
		title := c.Name
		if title == "" {
			title = frameworkLabel(c.Framework)
		}
		return pubItem{ID: it.ID, Title: title, Meta: meta, Text: c.Description}
	case it.Evidence != nil:
		return evidenceItem(l, *it.Evidence, filePrefix)
	case it.Attestation != nil:
		a := it.Attestation
		v := pubItem{ID: it.ID, Title: a.Tutor.Name, Meta: joined(" · ", words.T(l, "pv.role.tutor"), day(l, a.At)), Text: a.Statement}
		if a.Status != "" && a.Status != "current" {
			v.Note = words.T(l, "pv.attest."+string(a.Status))
		}
		return v
	case it.Goal != nil:
		g := it.Goal
		v := pubItem{ID: it.ID, Title: g.Title, Text: g.Description,
			Meta: joined(" · ", words.T(l, "pv.goal."+string(g.Kind)), words.T(l, "pv.target")+" "+dayOf(l, g.Target))}
		steps := slices.Clone(g.Milestones)
		slices.SortStableFunc(steps, func(a, b projections.MilestoneView) int { return strings.Compare(string(a.Due), string(b.Due)) })
		for _, m := range steps {
			step := pubItem{Title: m.Title, Meta: dayOf(l, m.Due)}
			if m.Reached != "" {
				step.Note = words.T(l, "pv.reached") + " " + dayOf(l, m.Reached)
			}
			v.Steps = append(v.Steps, step)
		}
		return v
	}
	return pubItem{ID: it.ID}
}

func experienceItem(l Lang, x projections.ExperienceView) pubItem {
	v := pubItem{ID: x.ID, Title: x.Title, Text: x.Description,
		Meta: joined(" · ", period(l, x.From, x.To), joined(", ", x.Organisation, x.Place), words.T(l, "pv.kind."+string(x.Kind)))}
	for _, t := range x.Tasks {
		v.Tasks = append(v.Tasks, pubItem{ID: t.ID, Title: t.Title, Text: t.Description})
	}
	return v
}

func evidenceItem(l Lang, e projections.EvidenceView, filePrefix string) pubItem {
	v := pubItem{ID: e.ID, Title: e.Title, Text: e.Text, URL: e.URL, FileName: e.FileName}
	if e.File != nil {
		if inlineTypes[e.File.MediaType] {
			v.Src = filePrefix + e.File.FileID
		} else {
			v.Download = filePrefix + e.File.FileID
		}
	}
	return v
}
