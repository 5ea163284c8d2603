package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// staffOrder fails unless the names appear in the page in this order.
func staffOrder(t *testing.T, p staffPage, names ...string) {
	t.Helper()
	last := -1
	for _, n := range names {
		i := strings.Index(p.html, n)
		if i < 0 || i < last {
			t.Fatalf("want %q in order %v:\n%s", n, names, p.html)
		}
		last = i
	}
}

func TestCounsellorDashboard(t *testing.T) {
	e := newStaffEnv(t)
	seedStaff(e)
	for _, p := range []string{"p-cons", "p-cons2", "p-tutor"} {
		e.login(p)
	}
	p := e.get("/counsellor", "p-cons")
	if p.status != http.StatusOK {
		t.Fatalf("dashboard: %d\n%s", p.status, p.html)
	}
	p.contains(t, "<h1>Mes bénéficiaires</h1>", "Zoé Martin", "Luc Bernard", "Inès Petit", "3 bénéficiaire(s) affiché(s) sur 3",
		"Vidéo de la caisse", "Envoyer dix CV", `href="/counsellor/beneficiaries/p-zoe/dossiers/d-1"`, "Recevabilité demandée",
		`<span class="badge warn">inactif</span>`)
	// One activity chart per beneficiary: twelve bars, named by its
	// title and description, the numbers in a table for screen readers.
	if n := strings.Count(p.html, `<svg class="chart"`); n != 3 {
		t.Fatalf("%d charts", n)
	}
	if n := strings.Count(p.html, "<rect "); n != 36 {
		t.Fatalf("%d bars", n)
	}
	p.contains(t, `role="img" aria-labelledby="chart-p-zoe-t chart-p-zoe-d"`, `<title id="chart-p-zoe-t">Activité par semaine sur 12 semaines</title>`,
		`<desc id="chart-p-zoe-d">`, "événement(s) en tout ; la semaine la plus active commence le", `<div class="visually-hidden"><table>`,
		"<th scope=\"col\">Semaine du</th>")
	if strings.Contains(p.html, "style=") {
		t.Fatal("a style attribute: the Content-Security-Policy forbids it")
	}
	// Inès's one week of activity, five weeks ago, shows in her table.
	ines := p.html[strings.Index(p.html, `id="chart-p-ines-t"`):]
	ines = ines[:strings.Index(ines, "</table>")]
	if cells := regexp.MustCompile(`<td>(\d+)</td>`).FindAllStringSubmatch(ines, -1); len(cells) != 12 || cells[7][1] == "0" || cells[11][1] != "0" {
		t.Fatalf("Inès's weeks: %v", cells)
	}

	// Sorting: by name both ways, by the most waiting, by the least recent
	// activity; the header says which.
	staffOrder(t, e.get("/counsellor?sort=name&dir=asc", "p-cons"), "Inès Petit", "Luc Bernard", "Zoé Martin")
	byName := e.get("/counsellor?sort=name&dir=desc", "p-cons")
	staffOrder(t, byName, "Zoé Martin", "Luc Bernard", "Inès Petit")
	byName.contains(t, `aria-sort="descending"><a href="/counsellor?dir=asc&amp;sort=name">`)
	staffOrder(t, e.get("/counsellor?sort=waiting", "p-cons"), "Zoé Martin", "Inès Petit", "Luc Bernard")
	staffOrder(t, e.get("/counsellor?sort=activity&dir=asc", "p-cons"), "Inès Petit", "Luc Bernard", "Zoé Martin")

	// Filtering: inactive, overdue, by dossier status; sorting keeps them.
	for _, c := range []struct {
		query string
		shown []string
	}{
		{"inactive=1", []string{"Inès Petit"}},
		{"overdue=1", []string{"Luc Bernard"}},
		{"dossier=admissibility_requested", []string{"Zoé Martin"}},
		{"dossier=none&sort=name&dir=desc", []string{"Luc Bernard", "Inès Petit"}},
		{"dossier=submitted", nil},
	} {
		p := e.get("/counsellor?"+c.query, "p-cons")
		for _, name := range []string{"Zoé Martin", "Luc Bernard", "Inès Petit"} {
			if strings.Contains(p.html, name) != strings.Contains(strings.Join(c.shown, ","), name) {
				t.Fatalf("%s: %s shown wrongly:\n%s", c.query, name, p.html)
			}
		}
		if len(c.shown) > 1 {
			staffOrder(t, p, c.shown...)
		}
	}
	e.get("/counsellor?inactive=1&sort=name", "p-cons").contains(t, `href="/counsellor?dir=desc&amp;inactive=1&amp;sort=name"`, `id="f-inactive" name="inactive" value="1" checked`)

	// In English; an empty caseload; other roles and nobody.
	en := e.get("/counsellor?lang=en", "p-cons")
	en.contains(t, `<html lang="en">`, "My beneficiaries", "Activity per week over 12 weeks", "3 of 3 beneficiaries shown.")
	e.get("/counsellor", "p-cons2").contains(t, "0 bénéficiaire(s) affiché(s) sur 0")
	if p := e.get("/counsellor", "p-tutor"); p.status != http.StatusForbidden {
		t.Fatalf("a tutor on the dashboard: %d", p.status)
	}
	if p := e.get("/counsellor?sort=name", ""); p.status != http.StatusSeeOther || p.location != "/login?next=%2Fcounsellor%3Fsort%3Dname" {
		t.Fatalf("nobody: %d %s", p.status, p.location)
	}
}

func TestCounsellorCase(t *testing.T) {
	e := newStaffEnv(t)
	seedStaff(e)
	e.login("p-cons")
	e.login("p-cons2")
	const page = "/counsellor/beneficiaries/p-zoe"
	p := e.get(page, "p-cons")
	if p.status != http.StatusOK {
		t.Fatalf("%d\n%s", p.status, p.html)
	}
	p.contains(t, "<h1>Zoé Martin</h1>", "Encaisser les clients", "Vendeuse à la boulangerie", "Tenir la caisse", "Secret du club",
		"Vidéo de la caisse", `id="timeline"`, "Employé polyvalent du commerce", `id="comment-evidence-ev-new"`, `name="idem"`)
	if n := strings.Count(p.html, "<h1"); n != 1 {
		t.Fatalf("%d h1", n)
	}
	if p := e.get(page, "p-cons2"); p.status != http.StatusNotFound {
		t.Fatalf("a counsellor not assigned: %d", p.status)
	}

	// A comment: posted, shown, no longer waiting on the dashboard.
	before := e.events()
	p = e.post(page+"/comments", "p-cons", url.Values{"kind": {"evidence"}, "id": {"ev-new"}, "text": {"Bravo, la vidéo est claire."}, "idem": {"k1"}})
	if p.status != http.StatusSeeOther || p.location != page+"?done=comment#evidence-ev-new" {
		t.Fatalf("comment: %d %s\n%s", p.status, p.location, p.html)
	}
	e.get(page+"?done=comment", "p-cons").contains(t, `<p role="status" class="flash">Votre commentaire est publié.</p>`, "Bravo, la vidéo est claire.", "Karim Conseiller")
	e.get("/counsellor", "p-cons").lacks(t, "Vidéo de la caisse")
	// The same form sent twice acts once.
	e.post(page+"/comments", "p-cons", url.Values{"kind": {"evidence"}, "id": {"ev-new"}, "text": {"Bravo, la vidéo est claire."}, "idem": {"k1"}})
	if n := e.events(); n != before+1 {
		t.Fatalf("%d events written, want 1", n-before)
	}

	// Refusals write nothing and say why next to the field, in the
	// reader's language.
	before = e.events()
	p = e.post(page+"/comments", "p-cons", url.Values{"kind": {"evidence"}, "id": {"ev-new"}, "text": {"  "}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("empty comment: %d", p.status)
	}
	p.contains(t, `<details open><summary>Commenter</summary>`, `aria-invalid="true" aria-describedby="comment-evidence-ev-new-text-err"`,
		`<p class="field-error" id="comment-evidence-ev-new-text-err">Écrivez votre commentaire (5 000 caractères au plus).</p>`)
	req := url.Values{"kind": {"competence"}, "id": {"c-cash"}, "comment": {"Solide"}}
	p = e.post(page+"/assessments?lang=en", "p-cons", req)
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("assessment without result: %d", p.status)
	}
	p.contains(t, `<p class="field-error" id="assess-competence-c-cash-result-err">Choose a result.</p>`, `>Solide</textarea>`)
	if p := e.post(page+"/comments", "p-cons", url.Values{"kind": {"evidence"}, "id": {"ev-nope"}, "text": {"?"}}); p.status != http.StatusNotFound {
		t.Fatalf("comment on nothing: %d", p.status)
	}
	if p := e.post(page+"/comments", "p-cons2", url.Values{"kind": {"evidence"}, "id": {"ev-new"}, "text": {"Intrus"}}); p.status != http.StatusNotFound {
		t.Fatalf("comment by a counsellor not assigned: %d", p.status)
	}
	if p := e.post(page+"/comments", "p-cons", url.Values{"kind": {"evidence"}, "id": {"ev-new"}, "text": {"Piège"}}, "https://evil.example"); p.status != http.StatusForbidden {
		t.Fatalf("cross-site form: %d", p.status)
	}
	if p := e.post(page+"/comments", "", url.Values{"kind": {"evidence"}, "id": {"ev-new"}, "text": {"Anonyme"}}); p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/login") {
		t.Fatalf("nobody: %d %s", p.status, p.location)
	}
	if n := e.events(); n != before {
		t.Fatalf("refusals wrote %d events", n-before)
	}

	// Assess, then validate (once).
	req.Set("result", "acquired")
	if p := e.post(page+"/assessments", "p-cons", req); p.status != http.StatusSeeOther {
		t.Fatalf("assess: %d\n%s", p.status, p.html)
	}
	if p := e.post(page+"/validations", "p-cons", url.Values{"kind": {"competence"}, "id": {"c-cash"}}); p.status != http.StatusSeeOther {
		t.Fatalf("validate: %d\n%s", p.status, p.html)
	}
	p = e.get(page, "p-cons")
	p.contains(t, "<strong>Acquise</strong> — Solide", "Validée par Karim Conseiller")
	before = e.events()
	p = e.post(page+"/validations", "p-cons", url.Values{"kind": {"competence"}, "id": {"c-team"}})
	p2 := e.post(page+"/validations", "p-cons", url.Values{"kind": {"competence"}, "id": {"c-team"}})
	if p.status != http.StatusSeeOther || p2.status != http.StatusConflict {
		t.Fatalf("validate twice: %d %d", p.status, p2.status)
	}
	p2.contains(t, `<p class="form-error" role="alert">Cette compétence est déjà validée.</p>`)
	if n := e.events(); n != before+1 {
		t.Fatalf("validating twice wrote %d events", n-before)
	}
	// The timeline tells it.
	e.get(page, "p-cons").contains(t, "Parcours pas à pas")
	if testing.Verbose() {
		t.Log(e.get("/counsellor", "p-cons").html)
		t.Log(e.get(page, "p-cons").html)
	}
}
