package web_test

import (
	"net/http"
	"testing"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

// TestAuditorPages: a certifier sees the dossiers a grant opens to them
// now, each read-only with its evidence bundle, and nothing else: no other
// dossier, nothing once the grant ends, no page of another role.
func TestAuditorPages(t *testing.T) {
	e := newStaffEnv(t)
	seedStaff(e)
	for _, p := range []string{"p-audit", "p-cons"} {
		e.login(p)
	}
	const page = "/auditor/dossiers/p-zoe/d-1"

	// Before any grant: nothing listed, the dossier is not found.
	e.get("/auditor", "p-audit").contains(t, "Aucun dossier ne vous est ouvert pour l&#39;instant.")
	if p := e.get(page, "p-audit"); p.status != http.StatusNotFound {
		t.Fatalf("a dossier with no grant: %d", p.status)
	}

	admin := staffCallOf("p-admin", domain.RoleStructureAdmin)
	e.must(e.h.GrantAuditor(t.Context(), admin, commands.GrantAuditor{PortfolioID: "p-zoe", GrantID: "g-victor", AuditorID: "p-audit",
		DossierID: "d-1", Until: staffNow.AddDate(0, 0, 10)}))
	e.sync()

	home := e.get("/auditor", "p-audit")
	if home.status != http.StatusOK {
		t.Fatalf("%d\n%s", home.status, home.html)
	}
	home.contains(t, `href="`+page+`"`, "Employé polyvalent du commerce", "RNCP37849", "Zoé Martin", "Accès jusqu&#39;au", "12/03/2026")
	p := e.get(page, "p-audit")
	if p.status != http.StatusOK {
		t.Fatalf("%d\n%s", p.status, p.html)
	}
	// Not yet submitted: no bundle yet, and the page says when.
	p.contains(t, "<h1>Employé polyvalent du commerce", "Zoé Martin", "BC02 — Tenir la caisse", "Relevé de caisse", `href="/auditor"`,
		"Il sera disponible une fois le dossier déposé au jury.")
	p.lacks(t, "/bundle")
	e.must(e.h.RecordAdmissibility(t.Context(), staffCallOf("p-cons", domain.RoleCounsellor), commands.RecordAdmissibility{PortfolioID: "p-zoe",
		DossierID: "d-1", Admissible: true, DecidedOn: domain.Date(staffDay(-1))}))
	e.must(e.h.MapToBlock(t.Context(), staffCallOf("p-zoe", domain.RoleBeneficiary), commands.MapToBlock{PortfolioID: "p-zoe", DossierID: "d-1", Block: "BC01",
		Item: domain.ItemRef{Kind: domain.ItemExperience, ID: "x-shop"}}))
	e.must(e.h.SubmitDossier(t.Context(), staffCallOf("p-zoe", domain.RoleBeneficiary), commands.SubmitDossier{PortfolioID: "p-zoe", DossierID: "d-1"}))
	e.sync()
	p = e.get(page, "p-audit")
	p.contains(t, "Déposé au jury", `href="/v1/portfolios/p-zoe/dossiers/d-1/bundle"`, "parcours verify parcours-dossier-d-1.zip")
	// Read-only: none of the counsellor's forms, no link to the case.
	p.lacks(t, `name="admissible"`, `name="decision"`, `/admissibility"`, `/decisions"`, "/counsellor/beneficiaries/p-zoe")
	if en := e.get(page+"?lang=en", "p-audit"); en.status != http.StatusOK {
		t.Fatalf("in English: %d", en.status)
	} else {
		en.contains(t, "Download the evidence bundle", "VAE dossiers to audit")
	}

	// Another dossier, another role's pages, another role on these pages.
	if p := e.get("/auditor/dossiers/p-zoe/d-2", "p-audit"); p.status != http.StatusNotFound {
		t.Fatalf("a dossier that does not exist: %d", p.status)
	}
	if p := e.get("/auditor/dossiers/p-luc/d-1", "p-audit"); p.status != http.StatusNotFound {
		t.Fatalf("a portfolio with no grant: %d", p.status)
	}
	if p := e.get("/counsellor", "p-audit"); p.status != http.StatusForbidden {
		t.Fatalf("an auditor on the counsellor's page: %d", p.status)
	}
	if p := e.get("/auditor", "p-cons"); p.status != http.StatusForbidden {
		t.Fatalf("a counsellor on the auditor's page: %d", p.status)
	}
	if p := e.get(page, ""); p.status != http.StatusSeeOther {
		t.Fatalf("nobody: %d", p.status)
	}
	// Logged in, the login page sends the auditor home.
	if p := e.get("/login", "p-audit"); p.status != http.StatusSeeOther || p.location != "/auditor" {
		t.Fatalf("login page for a logged-in auditor: %d %q", p.status, p.location)
	}

	// Once the grant ends: nothing listed, not found.
	e.clock.set(staffNow.AddDate(0, 0, 11))
	e.login("p-audit") // the session of eleven days ago has ended too
	e.get("/auditor", "p-audit").contains(t, "Aucun dossier ne vous est ouvert pour l&#39;instant.")
	if p := e.get(page, "p-audit"); p.status != http.StatusNotFound {
		t.Fatalf("after the grant ended: %d", p.status)
	}
}
