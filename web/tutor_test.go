package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

// TestTutorScope: a tutor sees only the items their grant reaches. An item
// out of scope is nowhere in the HTML, its address answers 404 as an item
// that does not exist, and a form about it is refused the same way.
func TestTutorScope(t *testing.T) {
	e := newStaffEnv(t)
	seedStaff(e)
	for _, p := range []string{"p-tutor", "p-tutor2", "p-cons"} {
		e.login(p)
	}
	home := e.get("/tutor", "p-tutor")
	if home.status != http.StatusOK {
		t.Fatalf("%d\n%s", home.status, home.html)
	}
	home.contains(t, `href="/tutor/beneficiaries/p-zoe"`, "Zoé Martin")
	home.lacks(t, "Luc Bernard", "Inès Petit")
	const page = "/tutor/beneficiaries/p-zoe"
	p := e.get(page, "p-tutor")
	if p.status != http.StatusOK {
		t.Fatalf("%d\n%s", p.status, p.html)
	}
	// In scope: the shop experience, its task and evidence, the competence
	// linked to it and its evidence.
	p.contains(t, "<h1>Zoé Martin</h1>", "Vendeuse à la boulangerie", "Tenir la caisse", "Relevé de caisse", "Encaisser les clients", "Vidéo de la caisse",
		`href="/tutor/beneficiaries/p-zoe/items/evidence/ev-till"`, `href="/tutor/beneficiaries/p-zoe/items/task/x-shop/t-till"`, `id="attest-evidence-ev-till"`)
	// Out of scope: the volunteering, its evidence, the other competence,
	// the logbook, the dossier, the timeline.
	titles := []string{"Bénévole au club de foot", "Secret du club", "Ce que seul le conseiller voit", "Animer une équipe",
		"Carnet de bord", "RNCP37849", "Parcours pas à pas"}
	out := append([]string{"x-club", "ev-club", "c-team", "d-1"}, titles...)
	p.lacks(t, out...)
	for _, path := range []string{"/items/evidence/ev-till", "/items/task/x-shop/t-till", "/items/competence/c-cash", "/items/experience/x-shop"} {
		if p := e.get(page+path, "p-tutor"); p.status != http.StatusOK {
			t.Fatalf("%s in scope: %d", path, p.status)
		} else {
			p.lacks(t, out...)
		}
	}
	for _, path := range []string{"/items/evidence/ev-club", "/items/experience/x-club", "/items/competence/c-team", "/items/evidence/ev-nope", "/items/journal/j-1"} {
		p := e.get(page+path, "p-tutor")
		if p.status != http.StatusNotFound {
			t.Fatalf("%s out of scope: %d", path, p.status)
		}
		p.lacks(t, titles...) // the address asked for is the tutor's own
	}

	// A tutor nobody invited sees nobody, and no portfolio; nor does a
	// counsellor come in as a tutor.
	e.get("/tutor", "p-tutor2").contains(t, "Personne ne vous a encore invité.")
	if p := e.get(page, "p-tutor2"); p.status != http.StatusNotFound {
		t.Fatalf("a tutor not invited: %d", p.status)
	}
	if p := e.get("/tutor", "p-cons"); p.status != http.StatusForbidden {
		t.Fatalf("a counsellor: %d", p.status)
	}

	// Forms about items out of scope are refused as not found and write
	// nothing; empty statements are refused next to the field.
	before := e.events()
	for _, f := range []struct{ path, kind, id, field string }{
		{"/comments", "evidence", "ev-club", "text"}, {"/attestations", "evidence", "ev-club", "statement"},
		{"/comments", "experience", "x-club", "text"}, {"/comments", "competence", "c-team", "text"},
	} {
		p := e.post(page+f.path, "p-tutor", url.Values{"kind": {f.kind}, "id": {f.id}, f.field: {"Je n'ai rien vu de tel"}})
		if p.status != http.StatusNotFound {
			t.Fatalf("%s on %s: %d", f.path, f.id, p.status)
		}
		p.lacks(t, titles...)
	}
	p = e.post(page+"/attestations", "p-tutor", url.Values{"kind": {"evidence"}, "id": {"ev-till"}, "statement": {""}, "from": {"item"}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("empty attestation: %d", p.status)
	}
	p.contains(t, "<h1>Relevé de caisse</h1>", `<p class="field-error" id="attest-evidence-ev-till-statement-err">Écrivez ce que vous attestez`)
	p = e.post(page+"/attestations", "p-tutor", url.Values{"kind": {"competence"}, "id": {"c-cash"}, "statement": {"Elle sait encaisser"}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("attesting a competence: %d", p.status)
	}
	p.contains(t, "Seules une preuve ou une tâche s&#39;attestent.")
	if n := e.events(); n != before {
		t.Fatalf("refusals wrote %d events", n-before)
	}

	// In scope: attest the evidence (from its page, back to it), comment
	// the task.
	p = e.post(page+"/attestations", "p-tutor", url.Values{"kind": {"evidence"}, "id": {"ev-till"}, "statement": {"Je l'ai vue tenir la caisse seule."}, "from": {"item"}})
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, page+"/items/evidence/ev-till?done=attest") {
		t.Fatalf("attest: %d %s\n%s", p.status, p.location, p.html)
	}
	e.get(p.location, "p-tutor").contains(t, "Votre attestation est enregistrée.", "Je l&#39;ai vue tenir la caisse seule.", "Paul Tuteur", "à jour")
	p = e.post(page+"/comments", "p-tutor", url.Values{"kind": {"task"}, "id": {"x-shop/t-till"}, "text": {"Très à l'aise avec les clients."}})
	if p.status != http.StatusSeeOther || p.location != page+"?done=comment#task-x-shop-t-till" {
		t.Fatalf("comment: %d %s", p.status, p.location)
	}
	e.get(page, "p-tutor").contains(t, "Très à l&#39;aise avec les clients.")
	// The counsellor sees them; the dossier counts the attestation.
	e.get("/counsellor/beneficiaries/p-zoe", "p-cons").contains(t, "Je l&#39;ai vue tenir la caisse seule.", "Très à l&#39;aise avec les clients.")
	e.get("/counsellor/beneficiaries/p-zoe/dossiers/d-1", "p-cons").contains(t, "attestée par Paul Tuteur")

	// The grant revoked, nothing is left.
	e.must(e.h.RevokeGrant(t.Context(), staffCallOf("p-zoe", domain.RoleBeneficiary), commands.RevokeGrant{PortfolioID: "p-zoe", GrantID: "g-paul"}))
	e.sync()
	e.get("/tutor", "p-tutor").lacks(t, "Zoé Martin")
	if p := e.get(page+"/items/evidence/ev-till", "p-tutor"); p.status != http.StatusNotFound {
		t.Fatalf("after revocation: %d", p.status)
	}
}
