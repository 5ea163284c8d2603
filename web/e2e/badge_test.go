package e2e_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/parcours/parcours/demo"
)

// TestBadgeJourney, in the browser: the counsellor issues Léa a badge for
// an achievement through the form on her badges page; Léa finds it on
// hers; a recruiter opening Léa's published page sees it and follows its
// "verify" link to a page that says it is valid.
func TestBadgeJourney(t *testing.T) {
	w := needWorld(t)
	const title = "Animation d'un atelier CV"
	karim := w.person(t)
	w.login(t, karim, demo.Counsellor)
	page := "/counsellor/beneficiaries/" + demo.Beneficiary + "/badges"
	if status := w.open(t, karim, page); status != http.StatusOK {
		t.Fatalf("%s: %d", page, status)
	}
	checkA11y(t, karim, "counsellor's badges page")
	do(t, karim, chromedp.SendKeys(chromedp.ID("b-name"), title),
		chromedp.SendKeys(chromedp.ID("b-description"), "Un atelier pour cinq autres jeunes"),
		chromedp.SendKeys(chromedp.ID("b-criteria"), "Observé par son conseiller"))
	if resp := submit(t, karim, `form[action="`+page+`"] button[type=submit]`); resp.Status != http.StatusOK {
		t.Fatalf("issue: %d", resp.Status)
	}
	if text := mainText(t, karim); !strings.Contains(text, title) || !strings.Contains(text, "Le badge est délivré") {
		t.Fatalf("after issuing:\n%s", text)
	}

	lea := w.person(t)
	w.login(t, lea, demo.Beneficiary)
	w.open(t, lea, "/me/badges")
	if text := mainText(t, lea); !strings.Contains(text, title) || !strings.Contains(text, "Télécharger le badge") {
		t.Errorf("Léa's badges:\n%s", text)
	}
	checkA11y(t, lea, "beneficiary's badges")

	recruiter := w.person(t)
	w.open(t, recruiter, w.svc.seeded.PagePath)
	if text := mainText(t, recruiter); !strings.Contains(text, title) {
		t.Fatalf("the published page lacks the badge:\n%s", text)
	}
	if resp := submit(t, recruiter, `a[href*="/badges/"]`); resp.Status != http.StatusOK {
		t.Fatalf("verify link: %d", resp.Status)
	}
	if text := mainText(t, recruiter); !strings.Contains(text, "Badge valide") || !strings.Contains(text, title) {
		t.Errorf("the verification page:\n%s", text)
	}
	checkA11y(t, recruiter, "badge verification")
}
