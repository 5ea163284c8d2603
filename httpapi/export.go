package httpapi

import (
	"bytes"
	"net/http"
	"strings"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/formats"
	"github.com/parcours/parcours/projections"
	"github.com/parcours/parcours/resume"
)

// Export formats: a JSON Resume document, or a PDF CV drawn from it.
const (
	formatJSONResume = "jsonresume"
	formatPDF        = "pdf"
	formatEuropass   = "europass" // export_formats.go
	formatLEAP2A     = "leap2a"
)

func (s *Server) exportRoutes() []route {
	const desc = "format=jsonresume (the default) answers a JSON Resume document (schema v1.0.0); format=pdf a PDF CV drawn from it; " +
		"format=europass a Europass CV (the XML of 2020, HR-XML based); format=leap2a a LEAP2A zip (Atom feed and the evidence files). " +
		"lang=fr (the default) or en names levels and headings; the person's own text stays as written. " +
		"For the owner and their counsellors, as the CV itself; the email is in it only for the owner."
	return []route{
		{Method: "GET", Pattern: pp + "/cvs/{cvID}/export", ID: "exportCV", Summary: "A CV as a JSON Resume document or a PDF", Tag: "read models",
			Description: desc, Query: []string{"format", "lang"}, Response: resume.Document{}, Produces: []string{"application/pdf", typeXML, typeZip},
			Status: http.StatusOK, Handle: s.exportCV},
		{Method: "GET", Pattern: pp + "/export", ID: "exportPortfolio", Summary: "The whole portfolio as a JSON Resume document or a PDF", Tag: "read models",
			Description: desc + " Every live experience (most recent first) and every competence.", Query: []string{"format", "lang"},
			Response: resume.Document{}, Produces: []string{"application/pdf", typeXML, typeZip}, Status: http.StatusOK, Handle: s.exportPortfolio},
	}
}

func (s *Server) exportCV(w http.ResponseWriter, r *http.Request) error {
	format, lang, err := exportParams(r)
	if err != nil {
		return err
	}
	a, _ := actorFrom(r.Context())
	if err := s.deps.Commands.AuthorizeRead(r.Context(), a, pid(r), commands.ReadWhole, ""); err != nil {
		return err
	}
	cv, found, err := s.deps.Queries.CV(r.Context(), pid(r), param(r, "cvID"))
	if err != nil {
		return err
	}
	if !found {
		return notFound("cv", "no CV "+param(r, "cvID"))
	}
	o, err := s.exportOptions(r, a, cv.Owner, lang)
	if err != nil {
		return err
	}
	name := "CV " + strings.TrimSpace(cv.Owner.Name+" "+cv.Title)
	if format == formatLEAP2A {
		items, err := s.deps.Queries.PortfolioItemsWithEvidence(r.Context(), pid(r))
		if err != nil {
			return err
		}
		return s.writeLEAP2A(w, r, formats.CVLEAP2A(cv, items, o.Email, name, o.Now))
	}
	return writeExport(w, resume.FromCV(cv, o), format, lang, name)
}

func (s *Server) exportPortfolio(w http.ResponseWriter, r *http.Request) error {
	format, lang, err := exportParams(r)
	if err != nil {
		return err
	}
	a, _ := actorFrom(r.Context())
	if err := s.deps.Commands.AuthorizeRead(r.Context(), a, pid(r), commands.ReadWhole, ""); err != nil {
		return err
	}
	read := s.deps.Queries.PortfolioItems
	if format == formatLEAP2A {
		read = s.deps.Queries.PortfolioItemsWithEvidence
	}
	items, err := read(r.Context(), pid(r))
	if err != nil {
		return err
	}
	o, err := s.exportOptions(r, a, items.Owner, lang)
	if err != nil {
		return err
	}
	if format == formatLEAP2A {
		return s.writeLEAP2A(w, r, formats.PortfolioLEAP2A(items, o.Email, "Portfolio "+items.Owner.Name, o.Now))
	}
	return writeExport(w, resume.FromPortfolio(items, o), format, lang, "Portfolio "+items.Owner.Name)
}

// exportParams reads ?format= and ?lang=.
func exportParams(r *http.Request) (string, resume.Lang, error) {
	q := r.URL.Query()
	format := q.Get("format")
	switch format {
	case "":
		format = formatJSONResume
	case formatJSONResume, formatPDF, formatEuropass, formatLEAP2A:
	default:
		return "", "", invalidParam("format", "must be jsonresume, pdf, europass or leap2a")
	}
	switch l := q.Get("lang"); l {
	case "", "fr", "en":
		return format, resume.ParseLang(l), nil
	}
	return "", "", invalidParam("lang", "must be fr or en")
}

// exportOptions adds the owner's email when the reader is the owner: it
// is personal data beyond the name the CV shows to their counsellors.
func (s *Server) exportOptions(r *http.Request, a domain.Actor, owner projections.PersonView, lang resume.Lang) (resume.Options, error) {
	o := resume.Options{Lang: lang, Now: time.Now()}
	if a.Role != domain.RoleBeneficiary || a.PersonID != owner.ID {
		return o, nil
	}
	c, err := s.deps.Queries.Contact(r.Context(), owner.ID)
	o.Email = c.Email
	return o, err
}

// writeExport answers d in format, as a file to save.
func writeExport(w http.ResponseWriter, d resume.Document, format string, lang resume.Lang, name string) error {
	w.Header().Set("Cache-Control", "private, no-store")
	if format == formatJSONResume {
		w.Header().Set("Content-Disposition", attachment(name+".json", "", "application/json"))
		writeJSON(w, http.StatusOK, d)
		return nil
	}
	if format == formatEuropass {
		return writeEuropass(w, d, lang, name)
	}
	var buf bytes.Buffer // whole before the first byte: a failure is still a problem
	if err := resume.WritePDF(&buf, d, lang, time.Now()); err != nil {
		return err
	}
	w.Header().Set("Content-Type", typePDF)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Disposition", attachment(name+".pdf", "", typePDF))
	_, err := buf.WriteTo(w)
	return err
}
