package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/parcours/parcours/personaldata"
)

// Person rights (GDPR): erasure (art. 17) and portability (art. 20), for
// the person themself and the admins of their structure.
func (s *Server) peopleRoutes() []route {
	return []route{
		{Method: "DELETE", Pattern: "/v1/people/{personID}", ID: "erasePerson", Tag: "people",
			Summary: "Erase a person: destroy their keys and files, record the erasure",
			Description: "For the person themself or an admin of their structure. Everything sealed for them reads as erased from then on; " +
				"the hash chains still verify. Erasing again is harmless.",
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
	if _, err := s.deps.Commands.ErasePerson(r.Context(), call, s.deps.Keyring, s.deps.Files, param(r, "personID")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
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
