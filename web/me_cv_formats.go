package web

import (
	"bytes"
	"cmp"
	"io"
	"mime"
	"net/http"
	"strings"

	"context"

	"github.com/go-chi/chi/v5"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/formats"
	"github.com/parcours/parcours/projections"
	"github.com/parcours/parcours/resume"
)

// The CV page's Europass and LEAP2A downloads, built as the API's
// GET …/cvs/{cv}/export?format=europass|leap2a builds them, for the
// beneficiary themself (so with their email).

func (s *Server) cvForExport(w http.ResponseWriter, r *http.Request) (projections.CVView, string, bool) {
	a, ok := s.beneficiary(w, r)
	if !ok {
		return projections.CVView{}, "", false
	}
	cv, found, err := s.deps.Queries.CV(r.Context(), a.PersonID, chi.URLParam(r, "id"))
	if err == nil && !found {
		err = &domain.Error{Kind: domain.KindNotFound, Field: "cv_id", Reason: "no CV"}
	}
	var contact projections.Contact
	if err == nil {
		contact, err = s.deps.Queries.Contact(r.Context(), a.PersonID)
	}
	if err != nil {
		s.fail(w, r, err)
		return cv, "", false
	}
	return cv, contact.Email, true
}

func downloadHeaders(w http.ResponseWriter, mediaType, name string) {
	h := w.Header()
	securityHeaders(h, true)
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Content-Type", mediaType)
	h.Set("Content-Disposition", cmp.Or(mime.FormatMediaType("attachment", map[string]string{"filename": cleanFileName(name)}), "attachment"))
	h.Set("Cache-Control", "private, no-store")
}

func (s *Server) cvEuropass(w http.ResponseWriter, r *http.Request) {
	cv, email, ok := s.cvForExport(w, r)
	if !ok {
		return
	}
	l := resume.ParseLang(string(language(r)))
	var body bytes.Buffer
	if err := formats.WriteEuropass(&body, resume.FromCV(cv, resume.Options{Lang: l, Email: email, Now: s.clock()}), l); err != nil {
		s.fail(w, r, err)
		return
	}
	downloadHeaders(w, "application/xml", "CV "+strings.TrimSpace(cv.Owner.Name+" "+cv.Title)+" Europass.xml")
	_, _ = body.WriteTo(w)
}

func (s *Server) cvLEAP2A(w http.ResponseWriter, r *http.Request) {
	cv, email, ok := s.cvForExport(w, r)
	if !ok {
		return
	}
	if s.deps.Files == nil {
		s.fail(w, r, &domain.Error{Kind: domain.KindConflict, Reason: "files are not stored on this server"})
		return
	}
	items, err := s.deps.Queries.PortfolioItemsWithEvidence(r.Context(), cv.PortfolioID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name := "CV " + strings.TrimSpace(cv.Owner.Name+" "+cv.Title)
	x := formats.CVLEAP2A(cv, items, email, name, s.clock())
	open := func(ctx context.Context, id string) (io.ReadCloser, error) {
		rc, owner, err := s.deps.Files.Open(ctx, id)
		if err == nil && owner != cv.PortfolioID {
			rc.Close()
			return nil, &domain.Error{Kind: domain.KindNotFound, Field: "file", Reason: "no file"}
		}
		return rc, err
	}
	downloadHeaders(w, "application/zip", name+" LEAP2A.zip")
	if err := formats.WriteLEAP2A(r.Context(), w, x, open); err != nil {
		s.log.ErrorContext(r.Context(), "LEAP2A download cut", "err", err)
		panic(http.ErrAbortHandler) // a cut zip is not taken for a whole one
	}
}
