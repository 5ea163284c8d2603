package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/parcours/parcours/resume"
)

// TestCVDownloads: the CV page links to its PDF and its JSON Resume
// document, in the page's language; both download for Zoé; another
// beneficiary and a visitor get neither.
func TestCVDownloads(t *testing.T) {
	e := newBenEnv(t)
	e.benStory(t)
	zoe := e.benBrowser()
	zoe.login("p-zoe", "/me/portfolio")
	for lang, want := range map[string][]string{
		"fr": {`href="/me/cvs/cv-vente/pdf?lang=fr"`, "Télécharger en PDF", `href="/me/cvs/cv-vente/jsonresume?lang=fr"`, "Télécharger au format JSON Resume"},
		"en": {`href="/me/cvs/cv-vente/pdf?lang=en"`, "Download as PDF", "Download as JSON Resume"},
	} {
		benWant(t, zoe.get("/me/cvs/cv-vente?lang="+lang), http.StatusOK, want...)
	}

	p := zoe.get("/me/cvs/cv-vente/pdf?lang=fr")
	if p.status != http.StatusOK || p.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(p.header.Get("Content-Disposition"), "attachment;") ||
		!strings.HasPrefix(p.body, "%PDF-") {
		t.Fatalf("PDF: %d %v", p.status, p.header)
	}
	if text := pdfToText(t, []byte(p.body)); !strings.Contains(text, "Zoé Martin") || !strings.Contains(text, "Vendeuse en boulangerie — Boulangerie Dupain") ||
		!strings.Contains(text, "EXPÉRIENCES PROFESSIONNELLES") {
		t.Errorf("PDF text:\n%s", text)
	}
	p = zoe.get("/me/cvs/cv-vente/jsonresume?lang=en")
	var d resume.Document
	if err := json.Unmarshal([]byte(p.body), &d); err != nil || p.status != http.StatusOK || d.Basics.Name != "Zoé Martin" || len(d.Work) == 0 {
		t.Fatalf("JSON Resume: %d %v %s", p.status, err, p.body)
	}
	if !strings.Contains(p.header.Get("Content-Disposition"), ".json") {
		t.Errorf("disposition %q", p.header.Get("Content-Disposition"))
	}

	luc := e.benBrowser()
	luc.login("p-luc", "/me/portfolio")
	for _, path := range []string{"/me/cvs/cv-vente/pdf", "/me/cvs/cv-vente/jsonresume", "/me/cvs/cv-none/pdf"} {
		if p := luc.get(path); p.status != http.StatusNotFound || strings.Contains(p.body, "Zoé") {
			t.Errorf("Luc gets %s: %d", path, p.status)
		}
	}
	if p := e.benBrowser().get("/me/cvs/cv-vente/pdf"); p.status != http.StatusSeeOther || strings.HasPrefix(p.body, "%PDF") {
		t.Errorf("a visitor gets the PDF: %d", p.status)
	}
}

// pdfToText reads a PDF's text with pdftotext (poppler-utils): skipped
// without it, except under CI=true.
func pdfToText(t *testing.T, pdf []byte) string {
	t.Helper()
	path, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext is missing (apt-get install poppler-utils)")
		}
		t.Skip("pdftotext is missing (apt-get install poppler-utils)")
	}
	cmd := exec.Command(path, "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}
