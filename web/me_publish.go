package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/projections"
)

// Publishing a page makes a share link; its token is shown once, right
// after, and never again (only its hash is stored). Revoking a link makes
// it answer 410.

func publishForm(l Lang, pageID string) *form {
	return &form{Action: "/me/pages/" + pageID + "/publish", Submit: words.T(l, "me.publish"), Fields: []formField{
		{Name: "recipient", Label: words.T(l, "me.f.recipient"), Hint: words.T(l, "me.h.recipient"), Type: "text", Max: 200},
		{Name: "until", Label: words.T(l, "me.f.until"), Hint: words.T(l, "me.h.until"), Type: "date"},
		{Name: "public", Label: words.T(l, "me.f.public"), Type: "checkbox"},
	}}
}

// publishedPage is the data of me_published.html.
type publishedPage struct {
	meBase
	URL, Recipient, Until string
}

func (s *Server) publishForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.beneficiary(w, r); !ok {
		return
	}
	f := publishForm(language(r), chi.URLParam(r, "id"))
	f.Key = newKey()
	s.showForm(w, r, http.StatusOK, "me.publish.title", f, formPage{meBase: s.base(r, "/me/share"), Intro: words.T(language(r), "me.publish.intro"), Back: "/me/share"})
}

func (s *Server) publish(w http.ResponseWriter, r *http.Request) {
	a, call, ok := s.mePost(w, r)
	if !ok {
		return
	}
	l, id := language(r), chi.URLParam(r, "id")
	f := publishForm(l, id)
	f.fill(r.PostForm)
	fp := formPage{meBase: s.base(r, "/me/share"), Intro: words.T(l, "me.publish.intro"), Back: "/me/share"}
	in := domain.LinkInput{Recipient: strings.TrimSpace(r.PostForm.Get("recipient")), Public: r.PostForm.Get("public") == "yes"}
	if d := domain.Date(r.PostForm.Get("until")); d != "" {
		t, ok := d.Time()
		if !ok {
			f.field("until").Error = words.T(l, "form.date")
			s.showForm(w, r, http.StatusUnprocessableEntity, "me.publish.title", f, fp)
			return
		}
		in.Until = t.Add(24 * time.Hour) // open through the day chosen
	}
	res, err := s.deps.Commands.PublishPage(r.Context(), call, commands.PublishPage{PortfolioID: a.PersonID, PageID: id, LinkInput: in})
	if err != nil {
		s.refused(w, r, "me.publish.title", f, fp, err)
		return
	}
	if res.Secret == "" {
		// The same form sent again: the link exists, its token was shown.
		http.Redirect(w, r, "/me/share?done=resent", http.StatusSeeOther)
		return
	}
	s.caughtUp(r.Context(), res, projections.RecruiterPages{}.Name()) // the link opens the page at once
	pg := s.page(r, "me.published.title")
	pg.Noindex = true
	v := publishedPage{meBase: s.base(r, "/me/share"), URL: shareURL(r, res.Secret), Recipient: in.Recipient}
	if !in.Until.IsZero() {
		v.Until = dayOf(l, domain.Date(r.PostForm.Get("until")))
	}
	pg.Data = v
	w.Header().Set("Cache-Control", "no-store")
	render(w, r, s.log, s.tpl, http.StatusCreated, "me_published.html", pg)
}

// shareURL is the address of a page's link as people will open it.
func shareURL(r *http.Request, token string) string {
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/p/" + token
}

func (s *Server) revokeLink(w http.ResponseWriter, r *http.Request) {
	a, call, ok := s.mePost(w, r)
	if !ok {
		return
	}
	res, err := s.deps.Commands.RevokeShareLink(r.Context(), call, commands.RevokeShareLink{PortfolioID: a.PersonID,
		PageID: chi.URLParam(r, "id"), LinkID: chi.URLParam(r, "link")})
	if err != nil && !errors.Is(err, domain.ErrConflict) { // a link revoked twice stays revoked
		s.fail(w, r, err)
		return
	}
	// The recruiter page answers 410 once its read model knows.
	s.saved(w, r, res, "/me/share?done=revoked", projections.RecruiterPages{}.Name())
}
