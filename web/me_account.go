package web

import (
	"context"
	"net/http"
	"time"

	"github.com/parcours/parcours/personaldata"
)

// The person's rights over their data (GDPR): download all of it (a zip:
// their events with the personal parts opened, and their files), and
// erase their account, after a confirmation. Both go through the same
// authorization and functions as the API's GET /v1/people/{id}/export and
// DELETE /v1/people/{id}.

type accountPage struct {
	meBase
	Available bool // the server keeps what export and erasure need
}

func (s *Server) rightsAvailable() bool {
	return s.deps.Keyring != nil && s.deps.Files != nil && s.deps.Store != nil
}

func (s *Server) meAccount(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.beneficiary(w, r); !ok {
		return
	}
	pg := s.page(r, "me.account.title")
	pg.Data, pg.Noindex = accountPage{meBase: s.base(r, "/me/account"), Available: s.rightsAvailable()}, true
	render(w, r, s.log, s.tpl, http.StatusOK, "me_account.html", pg)
}

func (s *Server) exportMine(w http.ResponseWriter, r *http.Request) {
	a, _, ok := s.mePost(w, r)
	if !ok {
		return
	}
	if !s.rightsAvailable() {
		s.errorPage(w, r, http.StatusServiceUnavailable, words.T(language(r), "me.rights.unavailable"), "")
		return
	}
	if err := s.deps.Commands.AuthorizePersonRights(r.Context(), a, a.PersonID); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), transferTime)
	defer cancel()
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(transferTime))
	zw := &firstWrite{w: w, header: func(h http.Header) {
		h.Set("Content-Type", "application/zip")
		h.Set("Content-Disposition", `attachment; filename="parcours-`+a.PersonID+`.zip"`)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "private, no-store")
	}}
	if _, err := personaldata.Export(ctx, zw, s.deps.Store, s.deps.Keyring, s.deps.Files, a.PersonID, s.clock()); err != nil {
		if !zw.started {
			s.fail(w, r, err)
			return
		}
		s.log.ErrorContext(r.Context(), "export cut", "person", a.PersonID, "err", err)
		panic(http.ErrAbortHandler) // a cut zip must not pass for a whole one
	}
}

// firstWrite sends the headers of a success with the first byte, so that
// a failure before it is still answered as a page.
type firstWrite struct {
	w       http.ResponseWriter
	header  func(http.Header)
	started bool
}

func (f *firstWrite) Write(p []byte) (int, error) {
	if !f.started {
		f.started = true
		f.header(f.w.Header())
		f.w.WriteHeader(http.StatusOK)
	}
	return f.w.Write(p)
}

func eraseForm(l Lang) *form {
	return &form{Action: "/me/account/erase", Submit: words.T(l, "me.erase.do"), Danger: true, Fields: []formField{
		{Name: "confirm", Label: words.T(l, "me.f.confirm"), Type: "checkbox", Required: true},
	}}
}

func (s *Server) eraseForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.beneficiary(w, r); !ok {
		return
	}
	l := language(r)
	s.showForm(w, r, http.StatusOK, "me.erase.title", eraseForm(l), formPage{meBase: s.base(r, "/me/account"), Intro: words.T(l, "me.erase.intro"), Back: "/me/account"})
}

func (s *Server) eraseMine(w http.ResponseWriter, r *http.Request) {
	a, call, ok := s.mePost(w, r)
	if !ok {
		return
	}
	l := language(r)
	if !s.rightsAvailable() {
		s.errorPage(w, r, http.StatusServiceUnavailable, words.T(l, "me.rights.unavailable"), "")
		return
	}
	if r.PostForm.Get("confirm") != "yes" {
		f := eraseForm(l)
		f.field("confirm").Error = words.T(l, "me.erase.confirm")
		s.showForm(w, r, http.StatusUnprocessableEntity, "me.erase.title", f, formPage{meBase: s.base(r, "/me/account"), Intro: words.T(l, "me.erase.intro"), Back: "/me/account"})
		return
	}
	if _, err := s.deps.Commands.ErasePerson(r.Context(), call, s.deps.Keyring, s.deps.Files, a.PersonID); err != nil {
		s.fail(w, r, err)
		return
	}
	// The logins go with the data: the person's accounts (their e-mail
	// address), sessions and tokens. If that fails, the data is erased but
	// the session still works: the same form again finishes the erasure.
	if c := s.deps.Creds; c != nil {
		if _, err := c.ForgetPerson(r.Context(), a.PersonID); err != nil {
			s.log.ErrorContext(r.Context(), "erasure incomplete: logins not forgotten", "person", a.PersonID, "err", err)
			s.errorPage(w, r, http.StatusInternalServerError, words.T(l, "me.erase.incomplete"), "")
			return
		}
		http.SetCookie(w, c.ClearCookie(r))
	}
	s.log.InfoContext(r.Context(), "person erased by themself", "person", a.PersonID)
	p := s.page(r, "me.erased.title")
	p.Me, p.Noindex, p.Data = nil, true, words.T(l, "me.erased.text")
	render(w, r, s.log, s.tpl, http.StatusOK, "error.html", p)
}
