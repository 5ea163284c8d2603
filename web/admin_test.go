package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/parcours/parcours/domain"
)

func TestAdminPages(t *testing.T) {
	e := newStaffEnv(t)
	seedStaff(e)
	for _, p := range []string{"p-admin", "p-cons", "p-cons2", "p-tutor2"} {
		e.login(p)
	}
	p := e.get("/admin", "p-admin")
	if p.status != http.StatusOK {
		t.Fatalf("%d\n%s", p.status, p.html)
	}
	p.contains(t, "<h1>Mission Locale du Sud-Ouest</h1>", `<meter id="seats-meter" min="0" max="10" value="3">`, "3 occupées · 7 libres · 10 au total",
		`<option value="p-zoe">Zoé Martin</option>`, `<option value="p-cons2">Nora Conseillère</option>`, `<option value="p-tutor2">Sam Tuteur</option>`,
		`<option value="p-audit">Victor Certificateur</option>`, `<option value="p-zoe/d-1">Zoé Martin — RNCP37849 Employé polyvalent du commerce (Recevabilité demandée)</option>`,
		"Karim Conseiller — 3 bénéficiaire(s)")
	if p := e.get("/admin", "p-cons"); p.status != http.StatusForbidden {
		t.Fatalf("a counsellor: %d", p.status)
	}

	// Refusals: next to the field, in the reader's language; nothing written.
	before := e.events()
	for _, c := range []struct {
		path, lang string
		form       url.Values
		status     int
		want       string
	}{
		{"/admin/members", "", url.Values{"name": {" "}, "role": {"beneficiary"}}, 422, `id="enrol-name-err">Indiquez un nom`},
		{"/admin/members", "en", url.Values{"name": {"Léa"}, "role": {""}}, 422, `id="enrol-role-err">Choose a role.`},
		{"/admin/members", "", url.Values{"name": {"Léa"}, "email": {"pas une adresse"}, "role": {"tutor"}}, 422, `id="enrol-email-err">Indiquez une adresse e-mail valide`},
		{"/admin/seats", "", url.Values{"seats": {"beaucoup"}}, 422, `id="seats-seats-err">Indiquez un nombre de places entre 1 et 1 000 000.`},
		{"/admin/seats", "", url.Values{"seats": {"2"}}, 409, `id="seats-seats-err">Ce nombre de places est inférieur aux places déjà occupées.`},
		{"/admin/assignments", "", url.Values{"portfolio": {""}, "counsellor_id": {"p-cons2"}}, 422, `id="assign-portfolio-err">Choisissez un bénéficiaire`},
		{"/admin/assignments", "", url.Values{"portfolio": {"p-luc"}, "counsellor_id": {"p-tutor"}}, 422, `id="assign-counsellor_id-err">Choisissez un conseiller actif`},
		{"/admin/assignments", "", url.Values{"portfolio": {"p-luc"}, "counsellor_id": {"p-cons"}}, 409, "Ce conseiller suit déjà ce bénéficiaire."},
		{"/admin/tutors", "", url.Values{"portfolio": {"p-luc"}, "tutor_id": {"p-tutor2"}}, 422, `id="tutor-scope-err">Cochez`},
		{"/admin/tutors", "", url.Values{"portfolio": {"p-luc"}, "tutor_id": {"p-tutor2"}, "scope": {"all"}, "until": {staffDay(-3)}}, 422, `id="tutor-until-err">Choisissez une date à venir.`},
		{"/admin/auditors", "", url.Values{"dossier_id": {"p-zoe/d-1"}, "auditor_id": {"p-audit"}}, 422, `id="auditor-until-err">Indiquez une date de fin à venir`},
		{"/admin/auditors", "", url.Values{"dossier_id": {""}, "auditor_id": {"p-audit"}, "until": {staffDay(30)}}, 422, `id="auditor-dossier_id-err">Choisissez un dossier VAE.`},
	} {
		path := c.path
		if c.lang != "" {
			path += "?lang=" + c.lang
		}
		p := e.post(path, "p-admin", c.form)
		if p.status != c.status || !strings.Contains(p.html, c.want) {
			t.Fatalf("%s %v: %d, want %d and %q:\n%s", c.path, c.form, p.status, c.status, c.want, p.html)
		}
		p.contains(t, `<p class="form-error"><a href="#`)
		if c.status == 422 {
			p.contains(t, `aria-invalid="true"`)
		}
	}
	if p := e.post("/admin/members", "p-admin", url.Values{"name": {"Mallory"}, "role": {"structure_admin"}}, "https://evil.example"); p.status != http.StatusForbidden {
		t.Fatalf("cross-site: %d", p.status)
	}
	if p := e.post("/admin/members", "p-cons", url.Values{"name": {"Mallory"}, "role": {"structure_admin"}}); p.status != http.StatusForbidden {
		t.Fatalf("a counsellor enrolling: %d", p.status)
	}
	if n := e.events(); n != before {
		t.Fatalf("refusals wrote %d events", n-before)
	}

	// Enrol, assign, invite, grant: each through its command, each shown.
	for _, c := range []struct {
		path string
		form url.Values
	}{
		{"/admin/members", url.Values{"name": {"Léa Nouvelle"}, "email": {"lea@example.org"}, "role": {"beneficiary"}}},
		{"/admin/assignments", url.Values{"portfolio": {"p-luc"}, "counsellor_id": {"p-cons2"}}},
		{"/admin/tutors", url.Values{"portfolio": {"p-luc"}, "tutor_id": {"p-tutor2"}, "scope": {"all"}, "until": {staffDay(60)}}},
		{"/admin/auditors", url.Values{"dossier_id": {"p-zoe/d-1"}, "auditor_id": {"p-audit"}, "until": {staffDay(30)}}},
		{"/admin/seats", url.Values{"seats": {"4"}}},
	} {
		if p := e.post(c.path, "p-admin", c.form); p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/admin?done=") {
			t.Fatalf("%s: %d %s\n%s", c.path, p.status, p.location, p.html)
		}
	}
	p = e.get("/admin?done=seats", "p-admin")
	p.contains(t, "Léa Nouvelle", "4 occupées · 0 libres · 4 au total", "Nora Conseillère — 1 bénéficiaire(s)", "Le nombre de places est modifié.")
	e.get("/counsellor", "p-cons2").contains(t, "Luc Bernard")
	e.get("/tutor", "p-tutor2").contains(t, "Luc Bernard", "jusqu&#39;au "+strings.Join(staffReverse(strings.Split(staffDay(60), "-")), "/"))
	// Every seat taken: a new beneficiary waits for seats.
	p = e.post("/admin/members", "p-admin", url.Values{"name": {"Tom Attente"}, "role": {"beneficiary"}})
	if p.status != http.StatusConflict {
		t.Fatalf("no seat left: %d", p.status)
	}
	p.contains(t, "Toutes les places sont prises : ajoutez des places avant d&#39;inscrire un bénéficiaire.", `value="Tom Attente"`)
}

func staffReverse(s []string) []string {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
	return s
}

func TestAdminTokens(t *testing.T) {
	e := newStaffEnv(t)
	seedStaff(e)
	e.login("p-admin")
	e.login("p-cons")
	p := e.get("/admin/tokens", "p-admin")
	p.contains(t, "<h1>Jetons d&#39;API</h1>", "Aucun jeton.", `<option value="p-cons">Karim Conseiller (Conseiller ou conseillère)</option>`)
	if p := e.get("/admin/tokens", "p-cons"); p.status != http.StatusForbidden {
		t.Fatalf("a counsellor: %d", p.status)
	}
	p = e.post("/admin/tokens", "p-admin", url.Values{"name": {"Outil RH"}, "person_id": {""}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("no person: %d", p.status)
	}
	p.contains(t, `id="token-person_id-err">Choisissez la personne`, `value="Outil RH"`)
	p = e.post("/admin/tokens?lang=en", "p-admin", url.Values{"name": {""}, "person_id": {"p-cons"}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("no name: %d", p.status)
	}
	p.contains(t, `id="token-name-err">Name the token`, `<option value="p-cons" selected>`)
	if p := e.post("/admin/tokens", "p-admin", url.Values{"name": {"Piège"}, "person_id": {"p-cons"}}, "https://evil.example"); p.status != http.StatusForbidden {
		t.Fatalf("cross-site: %d", p.status)
	}
	if list, _ := e.creds.Tokens(context.Background(), staffCallOf("p-admin", domain.RoleStructureAdmin).Actor, "s-ml"); len(list) != 0 {
		t.Fatalf("refusals made %d tokens", len(list))
	}

	// Created: the secret is shown once, works, and never shows again.
	p = e.post("/admin/tokens", "p-admin", url.Values{"name": {"Outil RH"}, "person_id": {"p-cons"}})
	if p.status != http.StatusCreated {
		t.Fatalf("create: %d\n%s", p.status, p.html)
	}
	secret := regexp.MustCompile(`value="(prc_[A-Za-z0-9_-]+)"`).FindStringSubmatch(p.html)
	if secret == nil {
		t.Fatalf("no secret shown:\n%s", p.html)
	}
	p.contains(t, "Copiez-le maintenant : il ne sera plus jamais affiché.")
	if a, ok, err := e.creds.Authenticate(staffBearer(secret[1])); err != nil || !ok || a.PersonID != "p-cons" || a.Tenant != "s-ml" {
		t.Fatalf("the token: %v %v %v", a, ok, err)
	}
	p = e.get("/admin/tokens", "p-admin")
	p.contains(t, "Outil RH", "Karim Conseiller (Conseiller ou conseillère)", "<td>02/03/2026</td>", "Révoquer")
	p.lacks(t, secret[1])
	id := regexp.MustCompile(`action="/admin/tokens/(tok-[0-9a-f]+)/revoke"`).FindStringSubmatch(p.html)
	if id == nil {
		t.Fatal("no revoke form")
	}
	p = e.post("/admin/tokens/"+id[1]+"/revoke", "p-admin", nil)
	if p.status != http.StatusSeeOther || p.location != "/admin/tokens?done=revoked" {
		t.Fatalf("revoke: %d %s", p.status, p.location)
	}
	e.get(p.location, "p-admin").contains(t, "Le jeton est révoqué", "révoqué le")
	if _, ok, err := e.creds.Authenticate(staffBearer(secret[1])); ok || err == nil {
		t.Fatal("a revoked token still works")
	}
	if p := e.post("/admin/tokens/tok-nope/revoke", "p-admin", nil); p.status != http.StatusNotFound {
		t.Fatalf("no such token: %d", p.status)
	}
}

func staffBearer(secret string) *http.Request {
	r, _ := http.NewRequest("GET", "/v1/me", nil)
	r.Header.Set("Authorization", "Bearer "+secret)
	return r
}
