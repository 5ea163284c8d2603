package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore"
)

// The pages of the staff (counsellors, tutors, structure admins) share
// one way of handling a form: the person is authenticated by their session
// and must act in the page's role; an unsafe request must come from our
// own origin; the form becomes the same command the API sends, run by the
// same handler with the same authorization; a refusal shows the page
// again, unchanged, with the error next to the field in the person's
// language; a success redirects (303) to the page, which says what was
// done and waits for the read models to show it.

// staffActor returns the logged-in person if they act in role. Otherwise
// it answers (to the login page, or a refusal) and returns false. A write
// must come from this site, whoever sends it.
func (s *Server) staffActor(w http.ResponseWriter, r *http.Request, role domain.Role) (domain.Actor, bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead && !s.sameOrigin(r) {
		s.log.WarnContext(r.Context(), "cross-site form refused", slog.String("path", r.URL.Path))
		s.refuseCrossSite(w, r)
		return domain.Actor{}, false
	}
	a, ok := s.who(r)
	switch {
	case !ok:
		to := "/login" // after a form, back to the home of whoever logs in
		if r.Method == http.MethodGet {
			to += "?next=" + url.QueryEscape(r.URL.RequestURI())
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
		return a, false
	case a.Role != role:
		s.errorPage(w, r, http.StatusForbidden, words.T(language(r), "error.forbidden"), words.T(language(r), "staff.role."+string(role)))
		return a, false
	}
	w.Header().Set("Cache-Control", "private, no-store") // the pages of one person
	return a, true
}

// staffCall is the command call of a form: its actor, and the form's
// idempotency key, so that a form sent twice (a double click, a reload)
// acts once.
func staffCall(a domain.Actor, r *http.Request) commands.Call {
	key := r.PostFormValue("idem")
	if len(key) > 64 {
		key = ""
	}
	return commands.Call{Actor: a, IdempotencyKey: key}
}

// newIdem is a fresh idempotency key for a form.
func newIdem() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// staffParse reads a posted form, bounded.
func (s *Server) staffParse(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, http.StatusBadRequest, words.T(language(r), "error.title"), words.T(language(r), "staff.unreadable"))
		return false
	}
	return true
}

// postedTarget is the item a form is about (hidden fields kind and id).
func postedTarget(r *http.Request) domain.ItemRef {
	return domain.ItemRef{Kind: domain.ItemKind(r.PostForm.Get("kind")), ID: r.PostForm.Get("id")}
}

// formIDOf is the start of the ids of an item's forms.
func formIDOf(ref domain.ItemRef) string {
	return string(ref.Kind) + "-" + strings.ReplaceAll(ref.ID, "/", "-")
}

// staffDone waits until the read models show a write, then redirects to
// to, which says that done was done.
func (s *Server) staffDone(w http.ResponseWriter, r *http.Request, pos eventstore.Position, to, done string) {
	if s.deps.Waiter != nil && pos != eventstore.Start {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		if err := s.deps.Waiter.WaitFor(ctx, pos); err != nil {
			s.log.WarnContext(r.Context(), "read models lag behind a form", slog.Any("err", err))
		}
		cancel()
	}
	u, _ := url.Parse(to)
	q := u.Query()
	q.Set("done", done)
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusSeeOther)
}

// doneText is the message of a redirect's ?done=, if it names one.
func doneText(r *http.Request) string {
	key := "staff.done." + r.URL.Query().Get("done")
	if _, ok := words[key]; !ok {
		return ""
	}
	return words.T(language(r), key)
}

// staffForm is a refused form shown again: which form instance (one page
// has a comment form per item), what was typed, and a message per field
// ("" for the form as a whole).
type staffForm struct {
	ID     string
	Values url.Values
	Errors map[string]string
}

// Err is the message of field if form id is the refused one.
func (f *staffForm) Err(id, field string) string {
	if f == nil || f.ID != id {
		return ""
	}
	return f.Errors[field]
}

// Val is what was typed in field if form id is the refused one.
func (f *staffForm) Val(id, field string) string {
	if f == nil || f.ID != id {
		return ""
	}
	return f.Values.Get(field)
}

// Has reports whether value was ticked in field of form id, the refused
// one.
func (f *staffForm) Has(id, field, value string) bool {
	return f != nil && f.ID == id && slices.Contains(f.Values[field], value)
}

// Is reports whether form id is the refused one.
func (f *staffForm) Is(id string) bool { return f != nil && f.ID == id }

// refusal is how a refused command is answered: on the page with the
// form (field or form errors), or as a page of its own.
type refusal struct {
	status int
	form   *staffForm // nil: answer with an error page
	title  string
}

// refuse classifies err, from a form named name (instance id) with fields,
// in language l. A domain error on one of the fields goes next to it;
// not found and forbidden become pages of their own, so that they tell
// nothing more than the API does; other refusals go atop the form.
func refuse(l Lang, err error, r *http.Request, name, id string, fields ...string) refusal {
	var de *domain.Error
	var conflict *eventstore.ConflictError
	f := &staffForm{ID: id, Values: r.PostForm, Errors: map[string]string{}}
	switch {
	case errors.As(err, &de):
		for _, field := range fields {
			if de.Field == field {
				f.Errors[field] = staffMessage(l, name, field, de.Kind)
				return refusal{status: statusOf(de.Kind), form: f}
			}
		}
		switch de.Kind {
		case domain.KindNotFound:
			return refusal{status: http.StatusNotFound, title: words.T(l, "error.notfound")}
		case domain.KindForbidden:
			return refusal{status: http.StatusForbidden, title: words.T(l, "error.forbidden")}
		}
		f.Errors[""] = staffMessage(l, name, "", de.Kind)
		return refusal{status: statusOf(de.Kind), form: f}
	case errors.As(err, &conflict), errors.Is(err, commands.ErrIdempotencyKeyReused):
		f.Errors[""] = words.T(l, "staff.err.kind.changed")
		return refusal{status: http.StatusConflict, form: f}
	}
	return refusal{status: http.StatusInternalServerError, title: words.T(l, "error.title")}
}

func statusOf(k domain.Kind) int {
	if k == domain.KindConflict {
		return http.StatusConflict
	}
	return http.StatusUnprocessableEntity
}

// staffMessage finds the words of a refusal: the form's own for the
// field, then (for a conflict, which is about the state, not what was
// typed) the form's own for the kind, or else the field's; then the
// kind's.
func staffMessage(l Lang, name, field string, k domain.Kind) string {
	kind := map[domain.Kind]string{domain.KindInvalid: "invalid", domain.KindConflict: "conflict", domain.KindNotFound: "notfound",
		domain.KindForbidden: "forbidden"}[k]
	keys := []string{"staff.err." + name + "." + kind, "staff.err.kind." + kind}
	switch {
	case field != "" && k == domain.KindConflict:
		keys = append([]string{"staff.err." + name + "." + field}, keys...)
	case field != "":
		keys = []string{"staff.err." + name + "." + field, "staff.err.field." + field, "staff.err.kind." + kind}
	}
	for _, key := range keys {
		if _, ok := words[key]; ok {
			return words.T(l, key)
		}
	}
	return words.T(l, "error.title")
}

// answerRefusal answers a refusal with a page of its own, or calls show
// to render the form's page again with the errors.
func (s *Server) answerRefusal(w http.ResponseWriter, r *http.Request, err error, rf refusal, show func(status int, f *staffForm)) {
	if rf.status == http.StatusInternalServerError {
		s.log.ErrorContext(r.Context(), "form", slog.String("path", r.URL.Path), slog.Any("err", err))
	}
	if rf.form == nil {
		s.errorPage(w, r, rf.status, rf.title, "")
		return
	}
	show(rf.status, rf.form)
}
