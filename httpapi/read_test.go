package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/parcours/parcours/httpapi"
)

func (a *api) seed() {
	a.t.Helper()
	a.ok(a.do("POST", "/v1/structures", "operator", map[string]any{"structure_id": "s-ml", "name": "Mission Locale", "seats": 5}))
	for _, p := range [][3]string{{"p-admin", "structure_admin", "Awa"}, {"p-cons", "counsellor", "Karim"}, {"p-tutor", "tutor", "Marc"},
		{"p-audit", "auditor", "Claire"}, {"p-zoe", "beneficiary", "Zoé"}, {"p-luc", "beneficiary", "Luc"}} {
		a.ok(a.do("POST", "/v1/structures/s-ml/members", "operator", map[string]any{"person_id": p[0], "role": p[1], "name": p[2]}))
	}
	a.ok(a.do("POST", "/v1/portfolios/p-zoe/counsellors", "admin", map[string]any{"counsellor_id": "p-cons"}))
}

func TestPortfolioView(t *testing.T) {
	a := newAPI(t)
	a.seed()
	for _, x := range []string{"x-1", "x-2"} {
		a.ok(a.do("POST", "/v1/portfolios/p-zoe/experiences", "zoe", map[string]any{"experience_id": x, "kind": "professional", "context": "formal",
			"text": map[string]any{"title": "Poste " + x}}))
	}
	a.ok(a.do("POST", "/v1/portfolios/p-zoe/tutor-grants", "zoe", map[string]any{"tutor_id": "p-tutor", "experiences": []string{"x-2"}}))
	var v httpapi.PortfolioView
	r := a.ok(a.do("GET", "/v1/portfolios/p-zoe", "zoe", nil))
	r.json(t, &v)
	if len(v.Experiences) != 2 || v.Experiences[0].Text.Title != "Poste x-1" || len(v.Grants) != 1 {
		t.Fatalf("owner's view %+v", v)
	}
	if m := a.do("GET", "/v1/portfolios/p-zoe", "zoe", nil, "If-None-Match", r.header.Get("ETag")); m.status != http.StatusNotModified {
		t.Fatalf("If-None-Match: %d", m.status)
	}
	v = httpapi.PortfolioView{}
	a.ok(a.do("GET", "/v1/portfolios/p-zoe", "tutor", nil)).json(t, &v)
	if len(v.Experiences) != 1 || v.Experiences[0].ID != "x-2" || v.Grants != nil {
		t.Fatalf("tutor's view %+v", v)
	}
	for token, status := range map[string]int{"cons": 200, "auditor": 404, "admin": 403, "luc": 404, "other": 404, "": 401} {
		if r := a.do("GET", "/v1/portfolios/p-zoe", token, nil); r.status != status {
			t.Errorf("%s reads the portfolio: %d, want %d", token, r.status, status)
		}
	}
}
