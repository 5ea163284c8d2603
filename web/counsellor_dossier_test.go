package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

func TestCounsellorDossier(t *testing.T) {
	e := newStaffEnv(t)
	seedStaff(e)
	e.login("p-cons")
	e.login("p-cons2")
	const page = "/counsellor/beneficiaries/p-zoe/dossiers/d-1"
	p := e.get(page, "p-cons")
	if p.status != http.StatusOK {
		t.Fatalf("%d\n%s", p.status, p.html)
	}
	p.contains(t, "Employé polyvalent du commerce", "BC01 — Accueillir et conseiller", "BC02 — Tenir la caisse", "Relevé de caisse",
		"Recevabilité demandée", "Incomplet", "une expérience ou une preuve rattachée", "une attestation",
		`action="/counsellor/beneficiaries/p-zoe/dossiers/d-1/admissibility"`)
	p.lacks(t, "/decisions")
	for _, path := range []string{page, "/counsellor/beneficiaries/p-zoe/dossiers/d-nope"} {
		if p := e.get(path, "p-cons2"); p.status != http.StatusNotFound {
			t.Fatalf("%s by a counsellor not assigned: %d", path, p.status)
		}
	}
	if p := e.get("/counsellor/beneficiaries/p-zoe/dossiers/d-nope", "p-cons"); p.status != http.StatusNotFound {
		t.Fatalf("no such dossier: %d", p.status)
	}

	// Refused: no choice made; a decision in the future. Nothing written.
	before := e.events()
	p = e.post(page+"/admissibility", "p-cons", url.Values{"decided_on": {staffDay(-1)}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("no choice: %d", p.status)
	}
	p.contains(t, `<p class="field-error" id="adm-admissible-err">Indiquez si le dossier est recevable.</p>`, `value="`+staffDay(-1)+`"`)
	p = e.post(page+"/admissibility", "p-cons", url.Values{"admissible": {"yes"}, "decided_on": {staffDay(3)}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("a future day: %d", p.status)
	}
	p.contains(t, `id="adm-decided_on-err">Indiquez le jour de la décision`, `id="adm-yes" name="admissible" value="yes" checked`)
	if n := e.events(); n != before {
		t.Fatalf("refusals wrote %d events", n-before)
	}
	if p := e.post(page+"/admissibility", "p-cons2", url.Values{"admissible": {"yes"}, "decided_on": {staffDay(-1)}}); p.status != http.StatusNotFound {
		t.Fatalf("by a counsellor not assigned: %d", p.status)
	}

	// Recorded.
	p = e.post(page+"/admissibility", "p-cons", url.Values{"admissible": {"yes"}, "decided_on": {staffDay(-1)}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("admissibility: %d\n%s", p.status, p.html)
	}
	e.get(p.location, "p-cons").contains(t, "La décision de recevabilité est enregistrée.", "Recevable — Date de la décision "+staffDay(-1), "enregistrée par Karim Conseiller")
	if p := e.post(page+"/admissibility", "p-cons", url.Values{"admissible": {"no"}, "decided_on": {staffDay(0)}}); p.status != http.StatusConflict {
		t.Fatalf("twice: %d", p.status)
	} else {
		p.contains(t, "Aucune demande de recevabilité n&#39;est en attente pour ce dossier.")
	}

	// Zoé maps the first block and submits; the jury decides block by block.
	ctx, zoe := context.Background(), staffCallOf("p-zoe", domain.RoleBeneficiary)
	e.must(e.h.MapToBlock(ctx, zoe, commands.MapToBlock{PortfolioID: "p-zoe", DossierID: "d-1", Block: "BC01", Item: domain.ItemRef{Kind: domain.ItemExperience, ID: "x-shop"}}))
	e.must(e.h.SubmitDossier(ctx, zoe, commands.SubmitDossier{PortfolioID: "p-zoe", DossierID: "d-1"}))
	e.sync()
	p = e.get(page, "p-cons")
	p.contains(t, "Déposé au jury", `action="/counsellor/beneficiaries/p-zoe/dossiers/d-1/decisions"`, `name="block" value="BC01"`, `name="block" value="BC02"`)
	before = e.events()
	p = e.post(page+"/decisions?lang=en", "p-cons", url.Values{"block": {"BC01"}, "decided_on": {staffDay(0)}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("no decision: %d", p.status)
	}
	p.contains(t, `<p class="field-error" id="jury-BC01-decision-err">Choose the jury&#39;s decision.</p>`)
	if n := e.events(); n != before {
		t.Fatalf("a refusal wrote %d events", n-before)
	}
	for _, block := range []string{"BC01", "BC02"} {
		if p := e.post(page+"/decisions", "p-cons", url.Values{"block": {block}, "decision": {"validated"}, "decided_on": {staffDay(0)}}); p.status != http.StatusSeeOther {
			t.Fatalf("%s: %d\n%s", block, p.status, p.html)
		}
	}
	e.get(page, "p-cons").contains(t, "Décision du jury rendue", "Jury : Validé")
	e.get("/counsellor?dossier=decided", "p-cons").contains(t, "Zoé Martin")
}
