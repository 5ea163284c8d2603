package resume_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/projections"
	"github.com/parcours/parcours/resume"
)

// needTool finds a poppler tool (Debian's poppler-utils); without it the
// test skips, except under CI=true where it fails.
func needTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing (apt-get install poppler-utils)", name)
		}
		t.Skipf("%s is missing (apt-get install poppler-utils)", name)
	}
	return path
}

// PDFText renders a PDF with pdftotext and returns its text, spaces
// squeezed.
func PDFText(t *testing.T, pdf []byte) string {
	t.Helper()
	cmd := exec.Command(needTool(t, "pdftotext"), "-layout", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return regexp.MustCompile(`[ \t]+`).ReplaceAllString(string(out), " ")
}

func renderCV(t *testing.T, d resume.Document, l resume.Lang) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := resume.WritePDF(&buf, d, l, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestPDFText(t *testing.T) {
	cv := zoeCV()
	cv.Competences = append(cv.Competences, projections.CompetenceView{ID: "c-3", Name: "Conseiller les clients", State: domain.CompetenceAssessed,
		Framework: &domain.FrameworkRef{Framework: "ESCO", Code: "http://data.europa.eu/esco/skill/abc-123"}})
	d := resume.FromCV(cv, resume.Options{Lang: resume.French, Email: "zoe@example.org", Canonical: "https://parcours.example/me/cvs/cv-1"})
	pdf := renderCV(t, d, resume.French)
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", pdf[:min(len(pdf), 20)])
	}
	text := PDFText(t, pdf)
	for _, want := range []string{"Zoé Martin", "Vendeuse en boulangerie-pâtisserie", "zoe@example.org", "Cinq ans de vente au comptoir, à l'aise avec la caisse.",
		"EXPÉRIENCES PROFESSIONNELLES", "Vendeuse — Boulangerie Dupain", "sept. 2021 – déc. 2023", "Marseille", "• Tenir la caisse — fond de caisse, clôture",
		"BÉNÉVOLAT", "Bénévole — Restos du Cœur", "depuis janv. 2024", "FORMATION", "CAP Boulanger — CFA de Marseille",
		"COMPÉTENCES", "Accueillir la clientèle", "validée, auto-évaluation 3/4 · RNCP37849 BC01", "PROJETS ET ACTIVITÉS", "Pâtisserie maison",
		"Conseiller les clients évaluée · ESCO", "CV tiré de Parcours", "Page 1/1"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "data.europa.eu") {
		t.Error("the ESCO URI is printed instead of linked")
	}
	// The email, the footer and an ESCO skill are links.
	for _, uri := range []string{"(mailto:zoe@example.org)", "(https://parcours.example/me/cvs/cv-1)", "(http://data.europa.eu/esco/skill/abc-123)"} {
		if !bytes.Contains(pdf, []byte("/URI "+uri)) {
			t.Errorf("no link to %s in the PDF", uri)
		}
	}
	// The same CV gives the same bytes.
	if again := renderCV(t, d, resume.French); !bytes.Equal(again, pdf) {
		t.Error("two renderings of one CV differ")
	}
	en := PDFText(t, renderCV(t, resume.FromCV(zoeCV(), resume.Options{Lang: resume.English}), resume.English))
	for _, want := range []string{"WORK EXPERIENCE", "Sep 2021 – Dec 2023", "since Jan 2024", "validated, self-assessed 3/4", "Page 1 of 1"} {
		if !strings.Contains(en, want) {
			t.Errorf("the English PDF lacks %q:\n%s", want, en)
		}
	}
}

// TestPDFLong checks that a long CV breaks across pages, every page
// numbered, nothing lost.
func TestPDFLong(t *testing.T) {
	cv := zoeCV()
	for i := 0; i < 40; i++ {
		x := cv.Experiences[0]
		x.Title = "Vendeuse n°" + string(rune('A'+i%26)) + strings.Repeat("é", i%3)
		cv.Experiences = append(cv.Experiences, x)
	}
	text := PDFText(t, renderCV(t, resume.FromCV(cv, resume.Options{}), resume.French))
	if !strings.Contains(text, "Page 1/") || strings.Count(text, "Vendeuse — Boulangerie Dupain")+strings.Count(text, "Vendeuse n°") < 41 {
		t.Fatalf("entries lost over pages:\n%s", text)
	}
	if n := strings.Count(text, "CV tiré de Parcours"); n < 3 {
		t.Errorf("%d pages, want at least 3", n)
	}
}

// TestPDFImage renders the first page as an image (pdftoppm) into
// $PARCOURS_ARTIFACTS, or a temporary directory, for a person to look at.
func TestPDFImage(t *testing.T) {
	d := resume.FromCV(zoeCV(), resume.Options{Lang: resume.French, Email: "zoe@example.org"})
	dir := os.Getenv("PARCOURS_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	pdfPath := filepath.Join(dir, "cv-zoe.pdf")
	if err := os.WriteFile(pdfPath, renderCV(t, d, resume.French), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "cv-zoe")
	if b, err := exec.Command(needTool(t, "pdftoppm"), "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", pdfPath, out).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, b)
	}
	img, err := os.ReadFile(out + ".png")
	if err != nil || !bytes.HasPrefix(img, []byte("\x89PNG")) || len(img) < 10_000 {
		t.Fatalf("no page image (%d bytes): %v", len(img), err)
	}
	t.Logf("page image: %s.png", out)
}

// TestPDFOddText: what fpdf cannot draw (emoji beyond the Basic
// Multilingual Plane, control characters) is left out, the rest drawn;
// the caller's document is not changed.
func TestPDFOddText(t *testing.T) {
	cv := zoeCV()
	cv.Experiences[0].Tasks[0].Title = "Croissants 🥐\tdu\x07 matin"
	d := resume.FromCV(cv, resume.Options{})
	text := PDFText(t, renderCV(t, d, resume.French))
	if !strings.Contains(text, "Croissants du matin") {
		t.Errorf("odd text not drawn:\n%s", text)
	}
	if d.Work[0].Highlights[0] != "Croissants 🥐\tdu\x07 matin — fond de caisse, clôture" {
		t.Errorf("the document was changed: %q", d.Work[0].Highlights[0])
	}
}
