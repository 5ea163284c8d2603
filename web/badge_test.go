package web_test

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/parcours/parcours/badges"
	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

// TestBadgePages: Zoé's counsellor recognises an achievement; Zoé sees
// the badge and downloads it (it verifies offline); her published page
// shows it with a verify link that says it is valid, in French and
// English, until her counsellor revokes it: the page then no longer
// lists it and the verification says it is revoked. Luc sees none of it.
func TestBadgePages(t *testing.T) {
	e := newBenEnv(t)
	token, _ := e.benStory(t)
	cons := e.as("p-cons", domain.RoleCounsellor)
	res := e.must(e.h.IssueAchievementBadge(e.ctx, cons, commands.IssueAchievementBadge{PortfolioID: "p-zoe",
		Name: "Vitrine de Noël", Description: "Conception et installation d'une vitrine saisonnière", Criteria: "Observé en stage par son conseiller"}))
	e.settle()
	zoe, luc, anyone := e.benBrowser(), e.benBrowser(), e.benBrowser()
	zoe.login("p-zoe", "/me/portfolio")
	luc.login("p-luc", "/me/portfolio")

	benWant(t, zoe.get("/me/badges"), http.StatusOK, "Mes badges", "Vitrine de Noël", "Réussite reconnue", "Mission Locale", `href="/me/badges/`+res.ID+`/download"`)
	benWant(t, zoe.get("/me/badges?lang=en"), http.StatusOK, "My badges", "Recognised achievement")
	dl := zoe.get("/me/badges/" + res.ID + "/download")
	benWant(t, dl, http.StatusOK, "OpenBadgeCredential", "eddsa-jcs-2022")
	if _, err := badges.VerifyCredential([]byte(dl.body), badges.VerifyOptions{}); err != nil {
		t.Fatalf("the downloaded badge does not verify: %v", err)
	}
	if p := luc.get("/me/badges/" + res.ID + "/download"); p.status != http.StatusNotFound {
		t.Errorf("Luc downloads Zoé's badge: %d", p.status)
	}
	benWant(t, luc.get("/me/badges"), http.StatusOK, "Pas encore de badge")

	page := anyone.get("/p/" + token)
	verify := "/p/" + token + "/badges/" + res.ID
	benWant(t, page, http.StatusOK, "Badges", "Vitrine de Noël", `href="`+verify+`"`, "Vérifier")
	benWant(t, anyone.get(verify), http.StatusOK, "Badge valide", "did:key:z6Mk", "parcours verify", `href="`+verify+`/download"`)
	benWant(t, anyone.get(verify+"?lang=en"), http.StatusOK, "Valid badge", "Issuer profile")
	if p := anyone.get("/p/" + token + "/badges/00000000-0000-0000-0000-000000000000"); p.status != http.StatusNotFound {
		t.Errorf("an unknown badge: %d", p.status)
	}

	e.must(e.h.RevokeBadge(e.ctx, cons, commands.RevokeBadge{BadgeID: res.ID, Reason: "Erreur de personne"}))
	e.settle()
	if p := anyone.get("/p/" + token); regexp.MustCompile(`Vitrine de Noël`).MatchString(p.body) {
		t.Error("a revoked badge is still on the published page")
	}
	benWant(t, anyone.get(verify), http.StatusOK, "Ce badge a été révoqué")
	benWant(t, zoe.get("/me/badges"), http.StatusOK, "Révoqué")
	list, _, err := e.h.StatusList(e.ctx, "s-ml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := badges.VerifyCredential([]byte(dl.body), badges.VerifyOptions{StatusList: list}); !errors.Is(err, badges.ErrRevoked) {
		t.Errorf("the downloaded badge after revocation: %v", err)
	}
}

// TestCounsellorBadgePage: Karim issues a badge to Zoé through the form
// (sent twice, issued once), a form without a name is refused with its
// reason and writes nothing, and he revokes the badge; Zoé's other
// counsellor-less neighbour Luc cannot open the page.
func TestCounsellorBadgePage(t *testing.T) {
	e := newBenEnv(t)
	e.benStory(t)
	karim, luc := e.benBrowser(), e.benBrowser()
	karim.login("p-cons", "/counsellor")
	luc.login("p-luc", "/me/portfolio")
	const page = "/counsellor/beneficiaries/p-zoe/badges"
	benWant(t, karim.get("/counsellor/beneficiaries/p-zoe"), http.StatusOK, `href="`+page+`"`)
	p := karim.get(page)
	benWant(t, p, http.StatusOK, "Badges de Zoé Martin", "Pas encore de badge", `action="`+page+`"`)
	idem := regexp.MustCompile(`name="idem" value="([0-9a-f]+)"`).FindStringSubmatch(p.body)[1]
	form := url.Values{"idem": {idem}, "name": {"Vitrine de Noël"}, "description": {"Une vitrine saisonnière"}, "criteria": {"Observée en stage"}}
	benWantRedirect(t, karim.post(page, form), page+"?done=badge")
	karim.post(page, form)
	e.settle()
	got := karim.get(page + "?lang=en")
	benWant(t, got, http.StatusOK, "Vitrine de Noël", "Revoke")
	if n := strings.Count(got.body, "<article"); n != 1 {
		t.Errorf("the form sent twice issued %d badges", n)
	}
	before := e.head()
	bad := karim.post(page, url.Values{"idem": {"0123456789abcdef01234567"}, "name": {""}, "description": {"d"}, "criteria": {"c"}})
	benWant(t, bad, http.StatusUnprocessableEntity, `role="alert"`, `value=""`)
	if e.head() != before {
		t.Error("a refused badge form wrote")
	}
	bs, err := e.h.PortfolioBadges(e.ctx, e.as("p-cons", domain.RoleCounsellor).Actor, "p-zoe")
	if err != nil || len(bs) != 1 {
		t.Fatalf("badges %v %v", bs, err)
	}
	revoke := page + "/" + bs[0].ID + "/revocation"
	benWantRedirect(t, karim.post(revoke, url.Values{"idem": {"abcdef0123456789abcdef01"}, "reason": {"Erreur"}}), page+"?done=badge.revoked")
	e.settle()
	benWant(t, karim.get(page+"?done=badge.revoked"), http.StatusOK, "Révoqué", "Le badge est révoqué")
	if p := luc.get(page); p.status == http.StatusOK {
		t.Errorf("Luc opens Zoé's badges: %d", p.status)
	}
}
