package httpapi_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/httpapi"
)

// step is one request of a fixture.
type step struct {
	method, path, token string
	body                map[string]any
}

// worldSteps set up structure s-ml: Awa (admin), Karim (counsellor,
// assigned to Zoé), Marc (tutor of Zoé's experience x-shop only), Claire
// (auditor, no grant yet), Zoé and Luc (beneficiaries). Zoé has
// experiences x-shop and x-club.
func worldSteps() []step {
	steps := []step{{"POST", "/v1/structures", "operator", map[string]any{"structure_id": "s-ml", "name": "Mission Locale", "seats": 5}}}
	for _, p := range [][3]string{{"p-admin", "structure_admin", "Awa"}, {"p-cons", "counsellor", "Karim"}, {"p-tutor", "tutor", "Marc"},
		{"p-audit", "auditor", "Claire"}, {"p-zoe", "beneficiary", "Zoé"}, {"p-luc", "beneficiary", "Luc"}} {
		steps = append(steps, step{"POST", "/v1/structures/s-ml/members", "operator", map[string]any{"person_id": p[0], "role": p[1], "name": p[2]}})
	}
	steps = append(steps, step{"POST", "/v1/portfolios/p-zoe/counsellors", "admin", map[string]any{"counsellor_id": "p-cons"}})
	for _, x := range [][2]string{{"x-shop", "Vendeuse à la boulangerie"}, {"x-club", "Trésorière du club de judo"}} {
		steps = append(steps, step{"POST", "/v1/portfolios/p-zoe/experiences", "zoe", map[string]any{"experience_id": x[0], "kind": "professional",
			"context": "formal", "from": "2023-01-02", "text": map[string]any{"title": x[1]}}})
	}
	return append(steps, step{"POST", "/v1/portfolios/p-zoe/tutor-grants", "zoe", map[string]any{"tutor_id": "p-tutor", "experiences": []string{"x-shop"}}})
}

// world runs worldSteps through the API.
func (a *api) world() {
	a.t.Helper()
	for _, s := range worldSteps() {
		a.ok(a.do(s.method, s.path, s.token, s.body))
	}
}

// upload stores body in portfolio as token and returns the answer.
func (a *api) upload(portfolio, token string, body []byte, name string) (reply, httpapi.UploadedFile) {
	a.t.Helper()
	path := "/v1/portfolios/" + portfolio + "/files"
	if name != "" {
		path += "?name=" + url.QueryEscape(name)
	}
	r := a.do("POST", path, token, body, "Content-Type", "application/octet-stream")
	var up httpapi.UploadedFile
	if r.status == http.StatusCreated {
		r.json(a.t, &up)
	}
	return r, up
}

// attach makes file the evidence id of target in Zoé's portfolio.
func (a *api) attach(id string, target domain.ItemRef, up httpapi.UploadedFile) {
	a.t.Helper()
	a.ok(a.do("POST", "/v1/portfolios/p-zoe/evidence", "zoe", map[string]any{"evidence_id": id, "target": target, "kind": "file",
		"file": up.File, "text": map[string]any{"title": "Preuve " + id, "file_name": up.Name}}))
}

func wantStatus(t *testing.T, r reply, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
}
