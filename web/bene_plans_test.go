package web_test

import (
	"archive/zip"
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

// TestJournalAndGoals: the logbook shows the counsellor's entries beside
// the beneficiary's; a goal gets a retroplanning whose late steps are
// marked as the days pass, and a step is marked done.
func TestJournalAndGoals(t *testing.T) {
	e := newBenEnv(t)
	b := e.benBrowser()
	b.login("p-zoe", "/me/portfolio")
	e.must(e.h.WriteJournalEntry(e.ctx, e.as("p-cons", domain.RoleCounsellor), commands.WriteJournalEntry{PortfolioID: "p-zoe", Day: "2026-03-01", Text: "Rendez-vous fixé au 9 mars."}))
	p := b.get("/me/journal/new")
	benWant(t, b.post("/me/journal", url.Values{"idem": {p.key(t)}, "text": {"Trois CV envoyés."}, "day": {"2026-03-05"}}), http.StatusUnprocessableEntity,
		`id="f-day-err">Choisissez une date qui n&#39;est pas après aujourd&#39;hui.</p>`)
	benWantRedirect(t, b.post("/me/journal", url.Values{"idem": {p.key(t)}, "text": {"Trois CV envoyés."}}), "/me/journal?done=saved")
	p = b.get("/me/journal")
	benWant(t, p, http.StatusOK, "02/03/2026 — Vous", "Trois CV envoyés.", "01/03/2026 — Conseiller ou conseillère", "Rendez-vous fixé au 9 mars.")
	if strings.Index(p.body, "Trois CV") > strings.Index(p.body, "Rendez-vous") {
		t.Fatal("the logbook is not newest first")
	}

	p = b.get("/me/goals/new")
	benWant(t, b.post("/me/goals", url.Values{"idem": {p.key(t)}, "title": {"CDI"}, "kind": {"job_search"}, "target": {"2026-01-01"}}),
		http.StatusUnprocessableEntity, `id="f-target-err">Choisissez une date à venir.</p>`)
	p = b.post("/me/goals", url.Values{"idem": {p.key(t)}, "title": {"Trouver un CDI"}, "kind": {"job_search"}, "target": {"2026-04-01"}})
	benWantRedirect(t, p, "/me/goals?done=saved#goal-")
	goal := strings.TrimPrefix(p.header.Get("Location"), "/me/goals?done=saved#")
	form := "/me/goals/" + goal + "/milestones"
	p = b.get(form + "/new")
	benWant(t, b.post(form, url.Values{"idem": {p.key(t)}, "title": {"Salon"}, "days_before": {"deux"}}), http.StatusUnprocessableEntity,
		`id="f-days_before-err">Indiquez un nombre entier.</p>`)
	benWant(t, b.post(form, url.Values{"idem": {p.key(t)}, "title": {"Salon"}, "days_before": {"60"}}), http.StatusUnprocessableEntity,
		`id="f-days_before-err">L&#39;étape tomberait le 2026-01-31, avant aujourd&#39;hui : comptez moins de jours.</p>`)
	benWantRedirect(t, b.post(form, url.Values{"idem": {p.key(t)}, "title": {"Envoyer 10 CV"}, "days_before": {"20"}}), "/me/goals")
	benWantRedirect(t, b.post(form, url.Values{"idem": {b.get(form + "/new").key(t)}, "title": {"Salon de l'emploi"}, "days_before": {"10"}}), "/me/goals")
	p = b.get("/me/goals")
	benWant(t, p, http.StatusOK, "<strong>Envoyer 10 CV</strong> — 12/03/2026 <span class=\"muted\">(J-20)</span>", "(J-10)")
	if strings.Contains(p.body, "en retard") {
		t.Fatal("a step is late already")
	}

	e.advance(15 * 24 * time.Hour)    // 17 March: the first step is late
	b.login("p-zoe", "/me/portfolio") // the session ended meanwhile
	p = b.get("/me/goals")
	benWant(t, p, http.StatusOK, `<span class="badge warn">Étapes en retard (1)</span>`, `<span class="badge warn">en retard</span>`)
	benWant(t, b.get("/me/portfolio"), http.StatusOK, `href="/me/goals">Étapes en retard (1)</a>`)
	_, rest, _ := strings.Cut(p.body, `action="/me/goals/`+goal+`/milestones/`)
	step, _, _ := strings.Cut(rest, "/reach")
	benWantRedirect(t, b.post("/me/goals/"+goal+"/milestones/"+step+"/reach", nil), "/me/goals?done=reached")
	p = b.get("/me/goals?done=reached")
	benWant(t, p, http.StatusOK, "Bravo, l&#39;étape est atteinte !", "atteinte le 17/03/2026")
	if strings.Contains(p.body, "en retard") {
		t.Fatal("a reached step is still late")
	}
	benWant(t, b.post("/me/goals/"+goal+"/milestones/"+step+"/reach", nil), http.StatusConflict, "Cette étape est déjà atteinte")
}

// TestMyData: the beneficiary downloads all their data as a zip, then
// erases their account after a confirmation; they are logged out, can no
// longer log in, and their published page is gone.
func TestMyData(t *testing.T) {
	e := newBenEnv(t)
	token, _ := e.benStory(t)
	b := e.benBrowser()
	b.login("p-zoe", "/me/portfolio")
	benWant(t, b.get("/me/account"), http.StatusOK, `<form method="post" action="/me/export">`, `href="/me/account/erase"`)
	p := b.post("/me/export", nil)
	if p.status != http.StatusOK || p.header.Get("Content-Type") != "application/zip" {
		t.Fatalf("export: %d %v", p.status, p.header)
	}
	zr, err := zip.NewReader(bytes.NewReader([]byte(p.body)), int64(len(p.body)))
	if err != nil || len(zr.File) < 2 {
		t.Fatalf("export is no zip of the data: %v", err)
	}
	found := false
	for _, f := range zr.File {
		rc, _ := f.Open()
		var buf bytes.Buffer
		buf.ReadFrom(rc)
		rc.Close()
		found = found || strings.Contains(buf.String(), "Vendeuse en boulangerie")
	}
	if !found {
		t.Fatal("the export lacks the experiences, in clear")
	}

	benWant(t, b.get("/me/account/erase"), http.StatusOK, `<button type="submit" class="danger">Effacer définitivement</button>`)
	before := e.head()
	benWant(t, b.post("/me/account/erase", nil), http.StatusUnprocessableEntity, `id="f-confirm-err">Cochez la case pour confirmer.</p>`)
	if e.head() != before {
		t.Fatal("an unconfirmed erasure changed the store")
	}
	p = b.post("/me/account/erase", url.Values{"confirm": {"yes"}})
	benWant(t, p, http.StatusOK, "Votre compte est effacé")
	if !strings.Contains(p.header.Get("Set-Cookie"), "parcours_session=;") {
		t.Fatalf("the session cookie stays: %q", p.header.Get("Set-Cookie"))
	}
	benWantRedirect(t, b.get("/me/portfolio"), "/login")
	// Her login went with her data: the same e-mail and password are refused.
	again := e.benBrowser().post("/login", url.Values{"email": {"p-zoe@example.org"}, "password": {benPassword}})
	if again.status == http.StatusSeeOther {
		t.Fatalf("an erased person logs in again: %d %s", again.status, again.header.Get("Location"))
	}
	e.settle()
	benWant(t, e.benBrowser().get("/p/"+token), http.StatusGone)
}
