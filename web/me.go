package web

import (
	"context"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore"
)

// The beneficiary's pages, under /me: their own portfolio (its ID is
// their person ID). Every page authenticates with the session cookie;
// every write is a form posted from this site, sent as the same command
// the API sends, so the same authorization and rules apply.
func (s *Server) beneficiaryPages(r chi.Router) {
	r.Get("/me", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/me/portfolio", http.StatusSeeOther)
	})
	r.Get("/me/portfolio", s.mePortfolio)
	r.Get("/me/files/{fileID}", s.meFile)
	r.Get("/me/experiences/new", s.newExperience)
	r.Post("/me/experiences", s.addExperience)
	r.Get("/me/experiences/{id}/edit", s.editExperienceForm)
	r.Post("/me/experiences/{id}", s.editExperience)
	r.Get("/me/experiences/{id}/tasks/new", s.newTask)
	r.Post("/me/experiences/{id}/tasks", s.addTask)
	r.Get("/me/experiences/{id}/tasks/{task}/edit", s.editTaskForm)
	r.Post("/me/experiences/{id}/tasks/{task}", s.editTask)
	r.Get("/me/competences/new", s.newCompetence)
	r.Post("/me/competences", s.declareCompetence)
	r.Get("/me/evidence/new", s.newEvidence)
	r.Post("/me/evidence", s.attachEvidence)
	r.Get("/me/share", s.meShare)
	r.Get("/me/cvs/new", s.newCV)
	r.Post("/me/cvs", s.createCV)
	r.Get("/me/cvs/{id}", s.showCV)
	r.Get("/me/cvs/{id}/pdf", s.cvPDF)
	r.Get("/me/cvs/{id}/jsonresume", s.cvJSONResume)
	r.Get("/me/pages/new", s.newPage)
	r.Post("/me/pages", s.createPage)
	r.Get("/me/pages/{id}/publish", s.publishForm)
	r.Post("/me/pages/{id}/publish", s.publish)
	r.Post("/me/pages/{id}/links/{link}/revoke", s.revokeLink)
	r.Get("/me/journal", s.meJournal)
	r.Get("/me/journal/new", s.newJournalEntry)
	r.Post("/me/journal", s.writeJournal)
	r.Get("/me/conversation", s.meTalk)
	r.Post("/me/conversation/messages", s.mePostTalk)
	r.Get("/me/goals", s.meGoals)
	r.Get("/me/goals/new", s.newGoal)
	r.Post("/me/goals", s.setGoal)
	r.Get("/me/goals/{id}/milestones/new", s.newMilestone)
	r.Post("/me/goals/{id}/milestones", s.planMilestone)
	r.Post("/me/goals/{id}/milestones/{m}/reach", s.reachMilestone)
	r.Get("/me/account", s.meAccount)
	r.Post("/me/export", s.exportMine)
	r.Get("/me/account/erase", s.eraseForm)
	r.Post("/me/account/erase", s.eraseMine)
}

// navLink is one entry of the beneficiary's menu.
type navLink struct {
	Href, Label string
	Current     bool
}

// meBase is what every beneficiary page shows besides its content: the
// menu, and a word on what the last form did.
type meBase struct {
	Nav   []navLink
	Flash string
}

// base builds the menu with current marked.
func (s *Server) base(r *http.Request, current string) meBase {
	l := language(r)
	b := meBase{}
	for _, n := range [][2]string{{"/me/portfolio", "me.nav.portfolio"}, {"/me/share", "me.nav.share"},
		{"/me/journal", "me.nav.journal"}, {"/me/conversation", "me.nav.talk"}, {"/me/goals", "me.nav.goals"}, {"/me/badges", "me.nav.badges"}, {"/me/account", "me.nav.account"},
		{"/notifications", "me.nav.notifications"}} {
		b.Nav = append(b.Nav, navLink{Href: n[0], Label: words.T(l, n[1]), Current: n[0] == current})
	}
	if n := s.unread(r); n > 0 {
		b.Nav[3].Label = unreadLabel(l, b.Nav[3].Label, n)
	}
	if n := s.unreadNotifications(r); n > 0 {
		last := len(b.Nav) - 1 // the notification centre
		b.Nav[last].Label = noteCountLabel(b.Nav[last].Label, n)
	}
	switch d := r.URL.Query().Get("done"); d {
	case "saved", "revoked", "reached", "resent":
		b.Flash = words.T(l, "me.done."+d)
	}
	return b
}

// formPage is the data of form.html.
type formPage struct {
	meBase
	Intro string
	Form  *form
	Back  string
	// Picker, if set, searches the reference frameworks above the form
	// (the competence form).
	Picker *frameworkPicker
}

// showForm renders form.html titled by titleKey.
func (s *Server) showForm(w http.ResponseWriter, r *http.Request, status int, titleKey string, f *form, fp formPage) {
	p := s.page(r, titleKey)
	p.Noindex = true
	if fp.Nav == nil && p.Me != nil && p.Me.Role == string(domain.RoleBeneficiary) {
		fp.meBase = s.base(r, "")
	}
	fp.Form = f
	p.Data = fp
	render(w, r, s.log, s.tpl, status, "form.html", p)
}

// maxForm bounds a posted form without file: the longest texts the
// domain accepts (20,000 characters of evidence) in UTF-8, and more.
const maxForm = 256 << 10

// mePost starts a write under /me: the beneficiary (from this site only),
// the posted form, and the call that carries the form's idempotency key.
func (s *Server) mePost(w http.ResponseWriter, r *http.Request) (domain.Actor, commands.Call, bool) {
	a, ok := s.beneficiary(w, r)
	if !ok {
		return a, commands.Call{}, false
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, http.StatusBadRequest, words.T(language(r), "form.unreadable"), "")
		return a, commands.Call{}, false
	}
	call := commands.Call{Actor: a}
	if k := r.PostForm.Get("idem"); validKey(k) {
		call.IdempotencyKey = k
	}
	return a, call, true
}

// refused answers a command's refusal: the form again, with what was
// typed and the error next to its field; other failures are a 500.
func (s *Server) refused(w http.ResponseWriter, r *http.Request, titleKey string, f *form, fp formPage, err error) {
	if !f.refuse(language(r), err) {
		s.fail(w, r, err)
		return
	}
	s.showForm(w, r, http.StatusUnprocessableEntity, titleKey, f, fp)
}

// saved sends the browser on after a write (303, so a reload does not
// post again), once the read models named have applied it.
func (s *Server) saved(w http.ResponseWriter, r *http.Request, res commands.Result, to string, models ...string) {
	s.caughtUp(r.Context(), res, models...)
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// caughtUp waits a little for the read models named to apply a write, so
// that the next page shows it; a late read model only shows it stale.
func (s *Server) caughtUp(ctx context.Context, res commands.Result, models ...string) {
	if s.deps.Waiter == nil || len(models) == 0 || res.Position == (eventstore.Position{}) {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := s.deps.Waiter.WaitFor(ctx, res.Position, models...); err != nil {
		s.log.WarnContext(ctx, "read models lag behind a form", "err", err)
	}
}

// readMine runs fn on the beneficiary's own portfolio, as the API's read
// does (same authorization).
func (s *Server) readMine(ctx context.Context, a domain.Actor, fn func(p *domain.Portfolio) error) error {
	return s.deps.Commands.ReadPortfolio(ctx, a, a.PersonID, "", func(p *domain.Portfolio, _ uint64) error { return fn(p) })
}

// clock is the pages' time.
func (s *Server) clock() time.Time {
	if s.deps.Now != nil {
		return s.deps.Now()
	}
	return time.Now()
}
