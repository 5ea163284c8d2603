package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

// TestStaffPagesAccessible checks the basics on every staff page, in both
// languages: the language, landmarks, one h1, a label for every control,
// ids used once, the security headers, and no inline style or script.
func TestStaffPagesAccessible(t *testing.T) {
	e := newStaffEnv(t)
	seedStaff(e)
	e.must(e.h.GrantAuditor(t.Context(), staffCallOf("p-admin", domain.RoleStructureAdmin), commands.GrantAuditor{PortfolioID: "p-zoe",
		GrantID: "g-victor", AuditorID: "p-audit", DossierID: "d-1", Until: staffNow.AddDate(0, 0, 10)}))
	e.must(e.h.PostMessage(t.Context(), staffCallOf("p-zoe", domain.RoleBeneficiary), commands.PostMessage{
		ConversationRef: commands.ConversationRef{PortfolioID: "p-zoe"}, Text: "Bonjour, j'ai une question sur mon CV"}))
	e.sync()
	for _, p := range []string{"p-cons", "p-tutor", "p-admin", "p-audit"} {
		e.login(p)
	}
	pages := []struct{ who, path string }{
		{"p-cons", "/counsellor"}, {"p-cons", "/counsellor?inactive=1"}, {"p-cons", "/counsellor/beneficiaries/p-zoe"},
		{"p-cons", "/counsellor/beneficiaries/p-zoe/dossiers/d-1"}, {"p-cons", "/counsellor/conversations"}, {"p-cons", "/notifications"}, {"p-tutor", "/notifications"},
		{"p-cons", "/counsellor/beneficiaries/p-zoe/conversation"}, {"p-tutor", "/tutor"}, {"p-tutor", "/tutor/beneficiaries/p-zoe"},
		{"p-tutor", "/tutor/beneficiaries/p-zoe/items/task/x-shop/t-till"}, {"p-admin", "/admin"}, {"p-admin", "/admin/tokens"},
		{"p-audit", "/auditor"}, {"p-audit", "/auditor/dossiers/p-zoe/d-1"},
	}
	control := regexp.MustCompile(`<(input|select|textarea)\b[^>]*>`)
	id := regexp.MustCompile(`\bid="([^"]+)"`)
	for _, pg := range pages {
		for _, lang := range []string{"fr", "en"} {
			sep := "?"
			if strings.Contains(pg.path, "?") {
				sep = "&"
			}
			req, _ := http.NewRequest("GET", e.url+pg.path+sep+"lang="+lang, nil)
			p := e.do(req, pg.who)
			if p.status != http.StatusOK {
				t.Fatalf("%s: %d", pg.path, p.status)
			}
			p.contains(t, `<html lang="`+lang+`">`, `<main id="main"`, `<nav aria-label=`, `<a class="skip" href="#main">`)
			if n := strings.Count(p.html, "<h1"); n != 1 {
				t.Errorf("%s: %d h1", pg.path, n)
			}
			if strings.Contains(p.html, "style=") || strings.Contains(p.html, "<script") || strings.Contains(p.html, " on") && regexp.MustCompile(`\son[a-z]+=`).MatchString(p.html) {
				t.Errorf("%s: inline style or script", pg.path)
			}
			seen := map[string]bool{}
			for _, m := range id.FindAllStringSubmatch(p.html, -1) {
				if seen[m[1]] {
					t.Errorf("%s: id %q used twice", pg.path, m[1])
				}
				seen[m[1]] = true
			}
			for _, c := range control.FindAllString(p.html, -1) {
				if strings.Contains(c, `type="hidden"`) {
					continue
				}
				m := id.FindStringSubmatch(c)
				if m == nil || !strings.Contains(p.html, `<label for="`+m[1]+`"`) {
					t.Errorf("%s: a control without a label: %s", pg.path, c)
				}
			}
			for _, key := range []string{"cns.", "staff.", "adm.", "tut.", "dos.", "aud."} {
				if regexp.MustCompile(`[>"]` + regexp.QuoteMeta(key) + `[a-z_.]+[<"]`).MatchString(p.html) {
					t.Errorf("%s (%s): an untranslated key %s…", pg.path, lang, key)
				}
			}
		}
	}
}
