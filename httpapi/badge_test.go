package httpapi_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/parcours/parcours/badges"
	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/httpapi"
)

// TestBadgesOverHTTP: the jury's validation of a block, recorded through
// the API, issues its badge; Zoé downloads the credential (same bytes
// each time, ETag), which verifies against the key of the issuer profile
// and against the status list until her counsellor revokes it; retries
// with an Idempotency-Key issue once; If-Match guards a revocation; bad
// input gets problem+json and changes nothing.
func TestBadgesOverHTTP(t *testing.T) {
	a := newAPI(t)
	a.seedMatrix(t)
	ctx := context.Background()
	zoe, cons := commands.Call{Actor: tokens["zoe"]}, commands.Call{Actor: tokens["cons"]}
	must := func(_ commands.Result, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(a.h.RequestAdmissibility(ctx, zoe, commands.RequestAdmissibility{PortfolioID: "p-zoe", DossierID: "d-1"}))
	must(a.h.RecordAdmissibility(ctx, cons, commands.RecordAdmissibility{PortfolioID: "p-zoe", DossierID: "d-1", Admissible: true, DecidedOn: "2026-03-01"}))
	must(a.h.MapToBlock(ctx, zoe, commands.MapToBlock{PortfolioID: "p-zoe", DossierID: "d-1", Block: "BC01", Item: domain.ItemRef{Kind: domain.ItemExperience, ID: "x-1"}}))
	must(a.h.SubmitDossier(ctx, zoe, commands.SubmitDossier{PortfolioID: "p-zoe", DossierID: "d-1"}))
	a.ok(a.do("POST", "/v1/portfolios/p-zoe/dossiers/d-1/jury-decisions", "cons", map[string]any{"block": "BC01", "decision": "validated", "decided_on": "2026-03-02"}))

	var list httpapi.BadgeList
	a.ok(a.do("GET", "/v1/portfolios/p-zoe/badges", "zoe", nil)).json(t, &list)
	if len(list.Badges) != 2 || list.Badges[1].Achievement.BlockCode != "BC01" || list.Badges[1].Source != "vae_block" {
		t.Fatalf("badges: %+v", list)
	}
	block := list.Badges[1]
	r := a.ok(a.do("GET", block.Credential, "zoe", nil))
	if ct := r.header.Get("Content-Type"); ct != httpapi.CredentialType || r.header.Get("Content-Disposition") == "" {
		t.Errorf("download: %s, %q", ct, r.header.Get("Content-Disposition"))
	}
	if again := a.ok(a.do("GET", block.Credential, "cons", nil)); string(again.body) != string(r.body) || again.header.Get("ETag") != r.header.Get("ETag") {
		t.Error("the same badge downloads as two credentials")
	}
	if nm := a.do("GET", block.Credential, "zoe", nil, "If-None-Match", r.header.Get("ETag")); nm.status != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", nm.status)
	}
	var prof struct {
		ID              string   `json:"id"`
		AssertionMethod []string `json:"assertionMethod"`
	}
	a.ok(a.do("GET", "/v1/badges/issuers/s-ml", "", nil)).json(t, &prof)
	key, err := badges.ResolveKeyID(prof.AssertionMethod[0])
	if err != nil {
		t.Fatal(err)
	}
	status := a.ok(a.do("GET", "/v1/badges/status/s-ml", "", nil)).body
	v, err := badges.VerifyCredential(r.body, badges.VerifyOptions{IssuerKey: key, StatusList: status, Now: a.now})
	if err != nil || v.IssuerID != prof.ID || v.HumanCode != "RNCP12345 BC01" {
		t.Fatalf("verify: %+v, %v", v, err)
	}

	// An Idempotency-Key issues once.
	body := map[string]any{"name": "Animation d'atelier", "description": "Un atelier CV pour d'autres jeunes", "criteria": "Observé par son conseiller"}
	var first, replay httpapi.CommandResult
	a.ok(a.do("POST", "/v1/portfolios/p-zoe/badges", "cons", body, "Idempotency-Key", "b-1")).json(t, &first)
	a.ok(a.do("POST", "/v1/portfolios/p-zoe/badges", "cons", body, "Idempotency-Key", "b-1")).json(t, &replay)
	if !replay.Replayed || replay.Revision != first.Revision {
		t.Errorf("replay: %+v then %+v", first, replay)
	}
	// If-Match: a stale revision is refused; the current one revokes.
	rev := a.do("POST", block.Credential+"/revocation", "admin", map[string]any{"reason": "Décision annulée"}, "If-Match", fmt.Sprintf(`"%d"`, first.Revision-1))
	if rev.status != http.StatusPreconditionFailed {
		t.Errorf("stale If-Match: %d %s", rev.status, rev.body)
	}
	a.ok(a.do("POST", block.Credential+"/revocation", "admin", map[string]any{"reason": "Décision annulée"}, "If-Match", fmt.Sprintf(`"%d"`, first.Revision)))
	status = a.ok(a.do("GET", "/v1/badges/status/s-ml", "", nil)).body
	if _, err := badges.VerifyCredential(r.body, badges.VerifyOptions{IssuerKey: key, StatusList: status}); !errors.Is(err, badges.ErrRevoked) {
		t.Errorf("revoked badge: %v", err)
	}
	a.ok(a.do("GET", "/v1/portfolios/p-zoe/badges", "zoe", nil)).json(t, &list)
	if !list.Badges[1].Revoked || list.Badges[1].RevokedAt == nil {
		t.Errorf("revoked badge listed as %+v", list.Badges[1])
	}

	for _, c := range []struct {
		method, path, token, body string
		status                    int
		field                     string
	}{
		{"POST", "/v1/portfolios/p-zoe/badges", "cons", `{"name":"","description":"d","criteria":"c"}`, 422, "name"},
		{"POST", "/v1/portfolios/p-zoe/badges", "cons", `{"name":"n","description":"","criteria":"c"}`, 422, "description"},
		{"POST", "/v1/portfolios/p-zoe/badges", "cons", `{"name":"n","description":"d","criteria":"c","badge_id":"b-1"}`, 422, "badge_id"},
		{"POST", "/v1/portfolios/p-zoe/badges", "cons", `{"name":"n","description":"d","criteria":"c","colour":"or"}`, 422, "colour"},
		{"POST", "/v1/portfolios/p-zoe/badges", "cons", `{"name":3}`, 422, "name"},
		{"POST", "/v1/portfolios/p-zoe/dossiers/d-1/badges", "cons", `{"block":"BC99"}`, 404, "block"},
		{"POST", "/v1/badges/" + matrixBadge + "/revocation", "cons", `{"reason":""}`, 422, "reason"},
		{"POST", "/v1/badges/not-a-badge/revocation", "cons", `{"reason":"x"}`, 404, "badge"},
		{"GET", "/v1/badges/00000000-0000-0000-0000-000000000000", "zoe", "", 404, "badge"},
		{"GET", "/v1/badges/issuers/s-none", "", "", 404, "structure"},
		{"GET", "/v1/badges/status/s-none", "", "", 404, "structure"},
	} {
		before, _ := a.store.Head(t.Context())
		var b any
		if c.body != "" {
			b = []byte(c.body)
		}
		r := a.do(c.method, c.path, c.token, b)
		var p httpapi.Problem
		if r.status == c.status && r.header.Get("Content-Type") == "application/problem+json" {
			r.json(t, &p)
		}
		if r.status != c.status || len(p.Errors) == 0 || p.Errors[0].Field != c.field {
			t.Errorf("%s %s %s: %d %s, want %d about %s", c.method, c.path, c.body, r.status, r.body, c.status, c.field)
		}
		if after, _ := a.store.Head(t.Context()); after != before {
			t.Errorf("%s %s %s: refused but wrote", c.method, c.path, c.body)
		}
	}
}
