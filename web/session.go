package web

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/parcours/parcours/credentials"
	"github.com/parcours/parcours/domain"
)

// Logging in and out through the same credentials service as the API
// (POST /v1/session): the same accounts, rate limits, session cookie and
// cross-site checks.
func (s *Server) sessionPages(r chi.Router) {
	r.Get("/login", s.loginPage)
	r.Post("/login", s.login)
	r.Post("/logout", s.logout)
}

// roleHome is where a person lands after logging in. The pages of roles
// other than beneficiary are their own group's.
func roleHome(role domain.Role) string {
	switch role {
	case domain.RoleAuditor:
		return "/auditor"
	case domain.RoleBeneficiary:
		return "/me/portfolio"
	case domain.RoleCounsellor:
		return "/counsellor"
	case domain.RoleTutor:
		return "/tutor"
	case domain.RoleStructureAdmin:
		return "/admin"
	}
	return "/"
}

func loginForm(l Lang, next string) *form {
	f := &form{Action: "/login", Submit: words.T(l, "nav.login"), Fields: []formField{
		{Name: "email", Label: words.T(l, "auth.email"), Type: "email", Required: true, Max: 254, Autocomplete: "username"},
		{Name: "password", Label: words.T(l, "auth.password"), Type: "password", Required: true, Max: credentials.MaxPasswordLen, Autocomplete: "current-password"},
	}}
	if next != "" {
		f.Hidden = []hiddenInput{{"next", next}}
	}
	return f
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if a, ok := s.who(r); ok {
		http.Redirect(w, r, roleHome(a.Role), http.StatusSeeOther)
		return
	}
	s.setLangCookie(w, r)
	s.showForm(w, r, http.StatusOK, "auth.title", loginForm(language(r), localPath(r.URL.Query().Get("next"))), formPage{})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	l, c := language(r), s.deps.Creds
	if c == nil {
		s.errorPage(w, r, http.StatusServiceUnavailable, words.T(l, "auth.unavailable"), "")
		return
	}
	if err := c.CheckLoginOrigin(r); err != nil {
		s.refuseCrossSite(w, r)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, http.StatusBadRequest, words.T(l, "form.unreadable"), "")
		return
	}
	next := localPath(r.PostForm.Get("next"))
	f := loginForm(l, next)
	f.fill(r.PostForm)
	email, password := strings.TrimSpace(r.PostForm.Get("email")), r.PostForm.Get("password")
	if email == "" {
		f.field("email").Error = words.T(l, "form.required")
	}
	if password == "" {
		f.field("password").Error = words.T(l, "form.required")
	}
	if f.Failed() {
		s.showForm(w, r, http.StatusUnprocessableEntity, "auth.title", f, formPage{})
		return
	}
	res, err := c.Login(r.Context(), email, password, c.ClientAddr(r))
	var rl *credentials.RateLimitError
	switch {
	case errors.As(err, &rl):
		secs := int((rl.RetryAfter + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		f.General = strings.ReplaceAll(words.T(l, "auth.ratelimited"), "{n}", strconv.Itoa(secs))
		s.showForm(w, r, http.StatusTooManyRequests, "auth.title", f, formPage{})
		return
	case errors.Is(err, credentials.ErrInvalidCredentials):
		f.General = words.T(l, "auth.wrong")
		s.showForm(w, r, http.StatusUnprocessableEntity, "auth.title", f, formPage{})
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	http.SetCookie(w, c.Cookie(r, res))
	w.Header().Set("Cache-Control", "no-store")
	if next == "" {
		next = roleHome(res.Actor.Role)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	c := s.deps.Creds
	if c == nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	if cookie, err := r.Cookie(credentials.CookieName); err == nil {
		if err := c.CheckOrigin(r); err != nil {
			s.refuseCrossSite(w, r)
			return
		}
		if err := c.Logout(r.Context(), cookie.Value); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	http.SetCookie(w, c.ClearCookie(r))
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// who is the person logged in on r, if any: a bad, expired or revoked
// session counts as nobody.
func (s *Server) who(r *http.Request) (domain.Actor, bool) {
	var auth Authenticator = s.deps.Auth
	if auth == nil && s.deps.Creds != nil {
		auth = s.deps.Creds
	}
	if auth == nil {
		return domain.Actor{}, false
	}
	a, ok, err := auth.Authenticate(r)
	return a, ok && err == nil
}

// sameOrigin applies the credentials service's cross-site check (the
// API's) to a write; without the service, the standard library's.
func (s *Server) sameOrigin(r *http.Request) bool {
	if s.deps.Creds != nil {
		return s.deps.Creds.CheckOrigin(r) == nil
	}
	return http.NewCrossOriginProtection().Check(r) == nil
}

func (s *Server) refuseCrossSite(w http.ResponseWriter, r *http.Request) {
	l := language(r)
	s.errorPage(w, r, http.StatusForbidden, words.T(l, "error.forbidden"), words.T(l, "auth.crosssite"))
}

// beneficiary lets through a beneficiary, on a write from this site only;
// anyone else is sent to log in, or to their own home.
func (s *Server) beneficiary(w http.ResponseWriter, r *http.Request) (domain.Actor, bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead && !s.sameOrigin(r) {
		s.refuseCrossSite(w, r)
		return domain.Actor{}, false
	}
	a, ok := s.who(r)
	switch {
	case !ok:
		next := ""
		if r.Method == http.MethodGet {
			next = "?next=" + url.QueryEscape(r.URL.RequestURI())
		}
		http.Redirect(w, r, "/login"+next, http.StatusSeeOther)
		return a, false
	case a.Role != domain.RoleBeneficiary:
		http.Redirect(w, r, roleHome(a.Role), http.StatusSeeOther)
		return a, false
	}
	w.Header().Set("Cache-Control", "private, no-store")
	return a, true
}

// localPath keeps a redirect target on this site: a path, not "//host".
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || strings.ContainsAny(p, "\r\n") {
		return ""
	}
	return p
}

// fail answers an error no form shows: a refusal as a page with its
// status, in the reader's language; anything else is logged once and
// shown as a 500.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	l := language(r)
	var de *domain.Error
	if errors.As(err, &de) {
		switch de.Kind {
		case domain.KindNotFound:
			s.errorPage(w, r, http.StatusNotFound, words.T(l, "error.notfound"), "")
			return
		case domain.KindForbidden:
			s.errorPage(w, r, http.StatusForbidden, words.T(l, "error.forbidden"), reasonText(l, de))
			return
		case domain.KindConflict:
			s.errorPage(w, r, http.StatusConflict, words.T(l, "form.notdone"), reasonText(l, de))
			return
		case domain.KindInvalid:
			s.errorPage(w, r, http.StatusUnprocessableEntity, words.T(l, "form.notdone"), reasonText(l, de))
			return
		}
	}
	s.log.ErrorContext(r.Context(), "page", slog.String("path", r.URL.Path), slog.Any("err", err))
	s.errorPage(w, r, http.StatusInternalServerError, words.T(l, "error.title"), "")
}
