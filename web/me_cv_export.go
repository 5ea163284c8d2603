package web

import (
	"bytes"
	"cmp"
	"encoding/json"
	"mime"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/resume"
)

// The CV page's downloads: the CV as a PDF and as a JSON Resume document,
// built as the API's GET /v1/portfolios/{id}/cvs/{cv}/export builds them
// (package resume), for the beneficiary themself, so with their email.

func (s *Server) cvPDF(w http.ResponseWriter, r *http.Request) { s.cvExport(w, r, "pdf") }

func (s *Server) cvJSONResume(w http.ResponseWriter, r *http.Request) { s.cvExport(w, r, "json") }

func (s *Server) cvExport(w http.ResponseWriter, r *http.Request, format string) {
	a, ok := s.beneficiary(w, r)
	if !ok {
		return
	}
	cv, found, err := s.deps.Queries.CV(r.Context(), a.PersonID, chi.URLParam(r, "id"))
	if err == nil && !found {
		err = &domain.Error{Kind: domain.KindNotFound, Field: "cv_id", Reason: "no CV"}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	contact, err := s.deps.Queries.Contact(r.Context(), a.PersonID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := resume.ParseLang(string(language(r)))
	d := resume.FromCV(cv, resume.Options{Lang: l, Email: contact.Email, Now: s.clock()})
	var body bytes.Buffer
	mediaType, name := "application/json", "CV "+strings.TrimSpace(cv.Owner.Name+" "+cv.Title)
	if format == "pdf" {
		mediaType, name = "application/pdf", name+".pdf"
		err = resume.WritePDF(&body, d, l, s.clock())
	} else {
		name += ".json"
		enc := json.NewEncoder(&body)
		enc.SetIndent("", "  ")
		err = enc.Encode(d)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	securityHeaders(h, true)
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Content-Type", mediaType)
	h.Set("Content-Disposition", cmp.Or(mime.FormatMediaType("attachment", map[string]string{"filename": cleanFileName(name)}), "attachment"))
	h.Set("Cache-Control", "private, no-store")
	_, _ = body.WriteTo(w)
}
