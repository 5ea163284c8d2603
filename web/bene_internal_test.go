package web

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/parcours/parcours/domain"
)

// TestReasons: the domain's wordings read as sentences in both languages,
// and a field's error lands on the form field it is about.
func TestReasons(t *testing.T) {
	for _, c := range []struct{ reason, fr, en string }{
		{"is required", "Ce champ est obligatoire.", "This field is required."},
		{"must have at most 200 characters", "Écrivez au plus 200 caractères.", "Write at most 200 characters."},
		{"must be a date YYYY-MM-DD", "Indiquez une date valide (jour, mois, année).", "Enter a valid date (day, month, year)."},
		{"must be professional, volunteer, personal, leisure or training", "Choisissez une des possibilités proposées.", "Choose one of the options offered."},
		{"must be competence, experience or task", "Choisissez une des possibilités proposées.", "Choose one of the options offered."},
		{"puts the due date (2026-01-31) before today", "L'étape tomberait le 2026-01-31, avant aujourd'hui : comptez moins de jours.", "The step would fall on 2026-01-31, before today: count fewer days."},
		{"no experience x-1", "Cet élément n'existe pas ou plus.", "This item does not exist, or no longer does."},
		{"goal g-1 already exists", "Cet élément existe déjà.", "This item already exists."},
		{"a rule added later", "Valeur refusée (a rule added later)", "A rule added later."},
	} {
		e := &domain.Error{Kind: domain.KindInvalid, Field: "x", Reason: c.reason}
		if fr, en := reasonText(FR, e), reasonText(EN, e); fr != c.fr || en != c.en {
			t.Errorf("%q: %q / %q, want %q / %q", c.reason, fr, en, c.fr, c.en)
		}
	}
	for field, want := range map[string]string{"title": "title", "text.title": "title", "milestones[0].text.title": "title",
		"milestones[2].days_before": "days_before", "framework.code": "code", "file.sha256": "file", "target.kind": "target"} {
		if got := formFieldOf(field); got != want {
			t.Errorf("formFieldOf(%q) = %q, want %q", field, got, want)
		}
	}
}

// FuzzLocalPath: a redirect after login never leaves the site.
func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/me/goals", "//evil.example", "/\\evil.example", "https://evil.example", "/a\r\nSet-Cookie: x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := localPath(s)
		if p != "" && (!strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || strings.ContainsAny(p, "\r\n")) {
			t.Fatalf("localPath(%q) = %q", s, p)
		}
	})
}

// FuzzFileNameAndType: a browser's file name becomes a safe name, and
// any bytes get a stored type or none.
func FuzzFileNameAndType(f *testing.F) {
	f.Add("../../etc/passwd", []byte("\x89PNG\r\n\x1a\n"))
	f.Add("C:\\photos\\vitrine.jpg", []byte("%PDF-1.7"))
	f.Add(".htaccess\x00\u202e", []byte("<html><script>"))
	f.Fuzz(func(t *testing.T, name string, head []byte) {
		n := cleanFileName(name)
		if strings.ContainsAny(n, "/\\\x00") || !utf8.ValidString(n) || len(n) > 255 || strings.HasPrefix(n, ".") {
			t.Fatalf("cleanFileName(%q) = %q", name, n)
		}
		if mt := fileType(head); mt != "" && !storedTypes[mt] {
			t.Fatalf("fileType gave %q", mt)
		}
		_ = disposition(fileType(head), name)
	})
}
