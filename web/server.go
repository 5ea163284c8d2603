package web

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/credentials"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/personaldata"
	"github.com/parcours/parcours/projections"
)

// Authenticator finds the person behind a request (the session cookie).
type Authenticator interface {
	Authenticate(r *http.Request) (domain.Actor, bool, error)
}

// Deps are what the pages are served from: the same commands, read models
// and credentials as the API.
type Deps struct {
	Log      *slog.Logger
	Commands *commands.Handler
	Queries  *projections.Queries
	Auth     Authenticator
	Creds    *credentials.Service // accounts, sessions, API tokens
	// Waiter, if set, lets a page shown after a write wait for the read
	// models (read-your-writes), as the API does.
	Waiter interface {
		WaitFor(ctx context.Context, pos eventstore.Position, names ...string) error
	}
	Files *personaldata.Files
	Now   func() time.Time // the clock (default time.Now); tests pass a fixed one
	// DemoPage is the address of the demo's published page, linked from the
	// home page when the service runs with --demo.
	DemoPage string

	Keyring        *personaldata.Keyring // with Store and Files: download and erase one's own data
	Store          eventstore.Store
	MaxUploadBytes int64 // largest evidence file (default 50 MiB, as the API)
}

// Server serves the pages.
type Server struct {
	log  *slog.Logger
	deps Deps
	tpl  *Templates
	mux  chi.Router
	// imports are the previewed import files awaiting confirmation
	// (me_import.go).
	imports *pendingImports
}

// New parses the templates (failing fast if one is broken) and builds the
// page routes.
func New(deps Deps) (*Server, error) {
	if deps.Log == nil {
		deps.Log = slog.New(slog.DiscardHandler)
	}
	tpl, err := ParseTemplates()
	if err != nil {
		return nil, err
	}
	s := &Server{log: deps.Log, deps: deps, tpl: tpl, imports: newPendingImports()}
	r := chi.NewRouter()
	r.Handle("/static/*", http.StripPrefix("/static/", staticHandler()))
	r.Get("/", s.home)
	for _, register := range s.pageGroups() {
		register(r)
	}
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		s.errorPage(w, r, http.StatusNotFound, words.T(language(r), "error.notfound"), "")
	})
	s.mux = r
	return s, nil
}

// pageGroups lists the route groups of the pages; each group registers its
// routes (one line each to add).
func (s *Server) pageGroups() []func(chi.Router) {
	return []func(chi.Router){s.recruiterPages, s.sessionPages, s.beneficiaryPages, s.counsellorPages, s.tutorPages, s.auditorPages, s.adminPages, s.badgePages, s.notificationPages, s.formatPages}
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func staticHandler() http.Handler {
	fsys := Static()
	files := http.FileServer(http.FS(fsys))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := fs.Stat(fsys, r.URL.Path); err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	})
}

// page starts a Page for r: its language, path and the logged-in person.
func (s *Server) page(r *http.Request, titleKey string) Page {
	l := language(r)
	p := Page{Lang: l, Title: words.T(l, titleKey), Path: r.URL.Path}
	if s.deps.Auth != nil {
		if a, ok, err := s.deps.Auth.Authenticate(r); err == nil && ok {
			p.Me = &Me{PersonID: a.PersonID, Role: string(a.Role)}
		}
	}
	return p
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "home.title")
	p.Data = struct{ DemoPage string }{s.deps.DemoPage}
	s.setLangCookie(w, r)
	render(w, r, s.log, s.tpl, http.StatusOK, "home.html", p)
}

// errorPage shows a clear page with the right status.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int, title, text string) {
	p := s.page(r, "error.title")
	p.Title, p.Data, p.Noindex = title, text, true
	render(w, r, s.log, s.tpl, status, "error.html", p)
}

// setLangCookie remembers a language chosen with ?lang=.
func (s *Server) setLangCookie(w http.ResponseWriter, r *http.Request) {
	if l := r.URL.Query().Get("lang"); l == "fr" || l == "en" {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	}
}
