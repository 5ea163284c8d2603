package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/parcours/parcours/httpapi"
)

func (a *api) ok(r reply) reply {
	a.t.Helper()
	if r.status >= 300 {
		a.t.Fatalf("status %d: %s", r.status, r.body)
	}
	return r
}

func TestCommandsOverHTTP(t *testing.T) {
	a := newAPI(t)
	a.ok(a.do("POST", "/v1/structures", "operator", map[string]any{"structure_id": "s-ml", "name": "Mission Locale", "seats": 5}))
	for _, p := range [][3]string{{"p-admin", "structure_admin", "Awa"}, {"p-cons", "counsellor", "Karim"}, {"p-tutor", "tutor", "Marc"},
		{"p-audit", "auditor", "Claire"}, {"p-zoe", "beneficiary", "Zoé"}, {"p-luc", "beneficiary", "Luc"}} {
		a.ok(a.do("POST", "/v1/structures/s-ml/members", "operator", map[string]any{"person_id": p[0], "role": p[1], "name": p[2]}))
	}
	exp := map[string]any{"kind": "professional", "context": "formal", "from": "2023-01-02", "text": map[string]any{"title": "Vendeuse"}}
	r := a.ok(a.do("POST", "/v1/portfolios/p-zoe/experiences", "zoe", exp))
	var res httpapi.CommandResult
	r.json(t, &res)
	if r.status != http.StatusCreated || res.ID == "" || r.header.Get("ETag") != `"1"` {
		t.Fatalf("created %d %+v etag %s", r.status, res, r.header.Get("ETag"))
	}
	path := "/v1/portfolios/p-zoe/experiences/" + res.ID
	// If-Match: the current revision passes, a stale one gets 412.
	a.ok(a.do("PUT", path, "zoe", exp, "If-Match", `"1"`))
	r = a.do("PUT", path, "zoe", exp, "If-Match", `"1"`)
	if r.status != http.StatusPreconditionFailed || r.header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("stale If-Match: %d %s", r.status, r.body)
	}
	// Idempotency-Key: same answer on replay, 422 if reused for another body.
	first := a.ok(a.do("POST", "/v1/portfolios/p-zoe/experiences", "zoe", exp, "Idempotency-Key", "k1"))
	again := a.ok(a.do("POST", "/v1/portfolios/p-zoe/experiences", "zoe", exp, "Idempotency-Key", "k1"))
	var r1, r2 httpapi.CommandResult
	first.json(t, &r1)
	again.json(t, &r2)
	if r1.ID != r2.ID || r1.Revision != r2.Revision || !r2.Replayed {
		t.Fatalf("replay %+v vs %+v", r2, r1)
	}
	other := map[string]any{"kind": "volunteer", "context": "informal", "text": map[string]any{"title": "Bénévole"}}
	if r := a.do("POST", "/v1/portfolios/p-zoe/experiences", "zoe", other, "Idempotency-Key", "k1"); r.status != 422 {
		t.Fatalf("key reused with another body: %d %s", r.status, r.body)
	}
	cases := []struct {
		name   string
		method string
		path   string
		token  string
		body   any
		hdr    []string
		status int
		field  string
	}{
		{"no credential", "POST", "/v1/portfolios/p-zoe/experiences", "", exp, nil, 401, ""},
		{"bad credential", "POST", "/v1/portfolios/p-zoe/experiences", "nope", exp, nil, 401, ""},
		{"unknown field", "POST", "/v1/portfolios/p-zoe/experiences", "zoe", map[string]any{"kind": "professional", "context": "formal", "text": map[string]any{"title": "x"}, "salary": 1}, nil, 422, "salary"},
		{"wrong type", "POST", "/v1/portfolios/p-zoe/experiences", "zoe", map[string]any{"kind": 3}, nil, 422, "kind"},
		{"bad value", "POST", "/v1/portfolios/p-zoe/experiences", "zoe", map[string]any{"kind": "job", "context": "formal", "text": map[string]any{"title": "x"}}, nil, 422, "kind"},
		{"not JSON", "POST", "/v1/portfolios/p-zoe/experiences", "zoe", []byte("{"), nil, 400, ""},
		{"wrong content type", "POST", "/v1/portfolios/p-zoe/experiences", "zoe", exp, []string{"Content-Type", "text/plain"}, 415, ""},
		{"too large", "POST", "/v1/portfolios/p-zoe/experiences", "zoe", []byte(`{"kind":"` + strings.Repeat("x", 2<<20) + `"}`), nil, 413, ""},
		{"another beneficiary", "POST", "/v1/portfolios/p-zoe/experiences", "luc", exp, nil, 404, ""},
		{"other tenant", "POST", "/v1/portfolios/p-zoe/experiences", "other", exp, nil, 404, ""},
		{"admin writes content", "POST", "/v1/portfolios/p-zoe/experiences", "admin", exp, nil, 403, ""},
		{"unassigned counsellor", "POST", "/v1/portfolios/p-zoe/experiences", "cons", exp, nil, 404, ""},
		{"unknown route", "GET", "/v1/nowhere", "zoe", nil, nil, 404, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a.t = t
			r := a.do(c.method, c.path, c.token, c.body, c.hdr...)
			if r.status != c.status {
				t.Fatalf("status %d, want %d: %s", r.status, c.status, r.body)
			}
			var p httpapi.Problem
			r.json(t, &p)
			if r.header.Get("Content-Type") != "application/problem+json" || p.Status != c.status || !strings.HasPrefix(p.Type, httpapi.ProblemBase) {
				t.Fatalf("problem %+v (%s)", p, r.header.Get("Content-Type"))
			}
			if c.field != "" && (len(p.Errors) == 0 || p.Errors[0].Field != c.field) {
				t.Fatalf("problem does not name %q: %+v", c.field, p.Errors)
			}
		})
	}
}
