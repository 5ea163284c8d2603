package web_test

import (
	"net/http"

	"github.com/parcours/parcours/commands"
	"regexp"
	"strings"
	"testing"
)

// TestBeneficiaryPagesAccessible checks the basics on the login page, the
// recruiter page and every page of the beneficiary, in both languages:
// the language, landmarks, one h1, a label for every control, ids used
// once, alt text on images, no inline style or script.
func TestBeneficiaryPagesAccessible(t *testing.T) {
	e := newBenEnv(t)
	token, _ := e.benStory(t)
	e.must(e.h.PostMessage(e.ctx, e.as("p-cons", "counsellor"), commands.PostMessage{ConversationRef: commands.ConversationRef{PortfolioID: "p-zoe"},
		Text: "Bonjour Zoé, envoyez-moi votre vitrine", Attachments: []string{"ev-photo"}}))
	e.settle()
	zoe := e.benBrowser()
	zoe.login("p-zoe", "/me/portfolio")
	anyone := e.benBrowser()
	pages := []struct {
		b    *benBrowser
		path string
	}{{anyone, "/login"}, {anyone, "/p/" + token}, {anyone, "/p/unknown"}}
	for _, p := range []string{"/me/portfolio", "/me/experiences/new", "/me/experiences/x-shop/edit", "/me/experiences/x-shop/tasks/new",
		"/me/experiences/x-shop/tasks/t-till/edit", "/me/competences/new", "/me/evidence/new", "/me/share", "/me/cvs/new", "/me/cvs/cv-vente",
		"/me/pages/new", "/me/pages/pg-vente/publish", "/me/journal", "/me/journal/new", "/me/conversation", "/notifications", "/me/goals", "/me/goals/new",
		"/me/goals/goal-cdi/milestones/new", "/me/account", "/me/account/erase"} {
		pages = append(pages, struct {
			b    *benBrowser
			path string
		}{zoe, p})
	}
	control := regexp.MustCompile(`<(input|select|textarea)\b[^>]*>`)
	id := regexp.MustCompile(`\bid="([^"]+)"`)
	img := regexp.MustCompile(`<img\b[^>]*>`)
	inline := regexp.MustCompile(`style=|<script>|<script [^>]*>[^<]|\son[a-z]+=`)
	for _, pg := range pages {
		for _, lang := range []string{"fr", "en"} {
			p := pg.b.get(pg.path + "?lang=" + lang)
			if p.status != http.StatusOK && !strings.HasPrefix(pg.path, "/p/unknown") {
				t.Fatalf("%s: %d", pg.path, p.status)
			}
			benWant(t, p, p.status, `<html lang="`+lang+`">`, `<main id="main"`, `<a class="skip" href="#main">`, `<nav aria-label=`)
			if n := strings.Count(p.body, "<h1"); n != 1 {
				t.Errorf("%s: %d h1", pg.path, n)
			}
			if inline.MatchString(p.body) {
				t.Errorf("%s: inline style or script: %s", pg.path, inline.FindString(p.body))
			}
			seen := map[string]bool{}
			for _, m := range id.FindAllStringSubmatch(p.body, -1) {
				if seen[m[1]] {
					t.Errorf("%s: id %q used twice", pg.path, m[1])
				}
				seen[m[1]] = true
			}
			for _, c := range control.FindAllString(p.body, -1) {
				if strings.Contains(c, `type="hidden"`) {
					continue
				}
				m := id.FindStringSubmatch(c)
				if m == nil || !strings.Contains(p.body, `<label for="`+m[1]+`"`) {
					t.Errorf("%s: a control without a label: %s", pg.path, c)
				}
			}
			for _, i := range img.FindAllString(p.body, -1) {
				if !regexp.MustCompile(`alt="[^"]+"`).MatchString(i) {
					t.Errorf("%s: an image without alt text: %s", pg.path, i)
				}
			}
		}
	}
}
