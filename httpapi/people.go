package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/parcours/parcours/credentials"
	"github.com/parcours/parcours/personaldata"
)

// Person rights (GDPR): erasure (art. 17) and portability (art. 20), for
// the person themself and the admins of their structure.
func (s *Server) peopleRoutes() []route {
	return []route{
		{Method: "DELETE", Pattern: "/v1/people/{personID}", ID: "erasePerson", Tag: "people",
			Summary: "Erase a person: destroy their keys and files, record the erasure",
			Description: "For the person themself or an admin of their structure. Everything sealed for them reads as erased from then on; " +
				"the hash chains still verify. Then their logins (email, password) and sessions are deleted and the API tokens acting as them revoked. " +
				"Erasing again is harmless, and finishes an erasure that failed half-way (a 500 erasure-incomplete: the data is erased, the logins not yet).",
			Status: http.StatusNoContent, Handle: s.erasePerson},
		{Method: "GET", Pattern: "/v1/people/{personID}/export", ID: "exportPerson", Tag: "people", Long: true,
			Summary:     "Export a person's data: a zip of their events (personal parts opened) and files",
			Description: "For the person themself or an admin of their structure.",
			Produces:    []string{"application/zip"}, Status: http.StatusOK, Handle: s.exportPerson},
	}
}

func (s *Server) erasePerson(w http.ResponseWriter, r *http.Request) error {
	if s.deps.Keyring == nil || s.deps.Files == nil || s.deps.Store == nil {
		return errUnavailable("erasure")
	}
	call, err := s.call(r)
	if err != nil {
		return err
	}
	id := param(r, "personID")
	if _, err := s.deps.Commands.ErasePerson(r.Context(), call, s.deps.Keyring, s.deps.Files, id); err != nil {
		return err // nothing of the credentials is touched
	}
	if err := s.forgetCredentials(w, r, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// forgetCredentials deletes the logins and sessions of person id, just
// erased, and revokes the API tokens acting as them: they can no longer
// log in or act, and no email of theirs stays. A failure leaves the
// erasure done and the credentials not yet forgotten: it answers 500
// erasure-incomplete, and the same DELETE again (by the admin, or by the
// person, whose credentials still work) erases again, which is harmless,
// and retries this. A server without a credential store (Deps.Creds nil)
// has none to forget.
func (s *Server) forgetCredentials(w http.ResponseWriter, r *http.Request, id string) error {
	if s.deps.Creds == nil {
		return nil
	}
	if _, err := s.deps.Creds.ForgetPerson(r.Context(), id); err != nil {
		return fmt.Errorf("%w: %w", errStatus(http.StatusInternalServerError, "erasure-incomplete", "Erasure incomplete",
			"the person's data is erased, but their logins and API tokens could not all be removed: send the same request again"), err)
	}
	// Who erased themself with their session cookie is logged out: the
	// session is gone, so goes the cookie.
	if _, err := r.Cookie(credentials.CookieName); err == nil && r.Header.Get("Authorization") == "" {
		if a, _ := actorFrom(r.Context()); a.PersonID == id {
			http.SetCookie(w, s.deps.Creds.ClearCookie(r))
		}
	}
	return nil
}

func (s *Server) exportPerson(w http.ResponseWriter, r *http.Request) error {
	if s.deps.Keyring == nil || s.deps.Files == nil || s.deps.Store == nil {
		return errUnavailable("export")
	}
	a, _ := actorFrom(r.Context())
	id := param(r, "personID")
	if err := s.deps.Commands.AuthorizePersonRights(r.Context(), a, id); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(r.Context(), transferTime)
	defer cancel()
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(transferTime))
	zw := &lazyWriter{w: w, header: func(h http.Header) {
		h.Set("Content-Type", "application/zip")
		h.Set("Content-Disposition", `attachment; filename="parcours-export-`+id+`.zip"`)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "private, no-store")
	}}
	if _, err := personaldata.Export(ctx, zw, s.deps.Store, s.deps.Keyring, s.deps.Files, id, time.Now()); err != nil {
		if !zw.started {
			return err
		}
		s.log.ErrorContext(r.Context(), "export cut", "person", id, "err", err)
		panic(http.ErrAbortHandler) // a cut zip must not pass for a whole one
	}
	return nil
}

// lazyWriter sends the headers of a success at the first byte, so that a
// failure before it can still be answered as a problem.
type lazyWriter struct {
	w       http.ResponseWriter
	header  func(http.Header)
	started bool
}

func (l *lazyWriter) Write(p []byte) (int, error) {
	if !l.started {
		l.started = true
		l.header(l.w.Header())
		l.w.WriteHeader(http.StatusOK)
	}
	return l.w.Write(p)
}
