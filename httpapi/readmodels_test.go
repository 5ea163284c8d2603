package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/parcours/parcours/httpapi"
	"github.com/parcours/parcours/projections"
)

// TestReadModelsOverHTTP: an app writes, asks to wait for the read models
// (Prefer: wait), and reads its write in each read model.
func TestReadModelsOverHTTP(t *testing.T) {
	a := newAPI(t)
	a.seed()
	wait := []string{"Prefer", "wait=10"}
	a.ok(a.do("POST", "/v1/portfolios/p-zoe/experiences", "zoe", map[string]any{"experience_id": "x-1", "kind": "professional", "context": "formal",
		"text": map[string]any{"title": "Vendeuse"}}, wait...))
	a.ok(a.do("POST", "/v1/portfolios/p-zoe/cvs", "zoe", map[string]any{"cv_id": "cv-1", "experiences": []string{"x-1"}, "text": map[string]any{"title": "CV vente"}}, wait...))
	var cv projections.CVView
	a.ok(a.do("GET", "/v1/portfolios/p-zoe/cvs/cv-1", "cons", nil)).json(t, &cv)
	if cv.Title != "CV vente" || len(cv.Experiences) != 1 {
		t.Fatalf("CV %+v", cv)
	}
	a.ok(a.do("POST", "/v1/portfolios/p-zoe/pages", "zoe", map[string]any{"page_id": "pg-1", "items": []map[string]string{{"kind": "experience", "id": "x-1"}},
		"text": map[string]any{"title": "Ma page"}}, wait...))
	var pub httpapi.CommandResult
	a.ok(a.do("POST", "/v1/portfolios/p-zoe/pages/pg-1/links", "zoe", map[string]any{"link_id": "l-1"}, wait...)).json(t, &pub)
	if len(pub.Secret) < 22 {
		t.Fatalf("share token %q", pub.Secret)
	}
	r := a.ok(a.do("GET", "/v1/pages/"+pub.Secret, "", nil))
	var page projections.PublishedPage
	r.json(t, &page)
	if page.Title != "Ma page" || r.header.Get("X-Robots-Tag") == "" || r.header.Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("published page %+v %v", page, r.header)
	}
	a.ok(a.do("DELETE", "/v1/portfolios/p-zoe/pages/pg-1/links/l-1", "zoe", nil, wait...))
	if r := a.do("GET", "/v1/pages/"+pub.Secret, "", nil); r.status != http.StatusGone {
		t.Fatalf("revoked link: %d %s", r.status, r.body)
	}
	if r := a.do("GET", "/v1/pages/not-a-token", "", nil); r.status != http.StatusNotFound {
		t.Fatalf("unknown link: %d", r.status)
	}
	var tl httpapi.TimelinePage
	a.ok(a.do("GET", "/v1/portfolios/p-zoe/timeline?lang=en&limit=2", "zoe", nil)).json(t, &tl)
	if len(tl.Entries) != 2 || tl.Next == "" {
		t.Fatalf("timeline page %+v", tl)
	}
	var next httpapi.TimelinePage
	a.ok(a.do("GET", "/v1/portfolios/p-zoe/timeline?lang=en&limit=2&cursor="+tl.Next, "zoe", nil)).json(t, &next)
	if len(next.Entries) == 0 || next.Entries[0] == tl.Entries[0] {
		t.Fatalf("second timeline page %+v", next)
	}
	var trail httpapi.AuditPage
	a.ok(a.do("GET", "/v1/portfolios/p-zoe/audit-trail", "admin", nil)).json(t, &trail)
	if len(trail.Entries) < 5 || !strings.HasPrefix(trail.Entries[0].Type, "PortfolioOpened") || len(trail.Entries[0].Hash) != 64 {
		t.Fatalf("audit trail %+v", trail)
	}
	var ov projections.StructureOverview
	a.ok(a.do("GET", "/v1/structures/s-ml/overview", "admin", nil)).json(t, &ov)
	if ov.Seats != 5 || ov.ActiveBeneficiaries != 2 || ov.SeatsFree != 3 {
		t.Fatalf("overview %+v", ov)
	}
	var dash projections.CounsellorDashboard
	a.ok(a.do("GET", "/v1/counsellors/p-cons/dashboard?inactive_days=7", "cons", nil)).json(t, &dash)
	if r := a.do("GET", "/v1/counsellors/p-cons/dashboard?inactive_days=0", "cons", nil); r.status != 422 {
		t.Fatalf("bad inactive_days: %d", r.status)
	}
}
