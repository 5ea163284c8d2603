package httpapi_test

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/parcours/parcours/httpapi"
	"github.com/parcours/parcours/resume"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestExports: a CV and the whole portfolio, as JSON Resume and as PDF,
// over the real server; the email only for the owner; bad parameters and
// unknown CVs are problems.
func TestExports(t *testing.T) {
	a := newAPI(t)
	a.ok(a.do("POST", "/v1/structures", "operator", map[string]any{"structure_id": "s-ml", "name": "Mission Locale", "seats": 5}))
	for _, p := range [][4]string{{"p-admin", "structure_admin", "Awa", ""}, {"p-cons", "counsellor", "Karim", ""}, {"p-tutor", "tutor", "Marc", ""},
		{"p-audit", "auditor", "Claire", ""}, {"p-zoe", "beneficiary", "Zoé Martin", "zoe.martin@example.org"}, {"p-luc", "beneficiary", "Luc", ""}} {
		a.ok(a.do("POST", "/v1/structures/s-ml/members", "operator", map[string]any{"person_id": p[0], "role": p[1], "name": p[2], "email": p[3]}))
	}
	a.ok(a.do("POST", "/v1/portfolios/p-zoe/counsellors", "admin", map[string]any{"counsellor_id": "p-cons"}))
	a.ok(a.do("POST", "/v1/portfolios/p-zoe/tutor-grants", "zoe", map[string]any{"tutor_id": "p-tutor", "all_items": true}))
	wait := []string{"Prefer", "wait=10"}
	a.ok(a.do("POST", "/v1/portfolios/p-zoe/experiences", "zoe", map[string]any{"experience_id": "x-1", "kind": "professional", "context": "formal",
		"from": "2021-09-01", "to": "2023-12-22", "text": map[string]any{"title": "Vendeuse", "organisation": "Boulangerie Dupain"}}))
	a.ok(a.do("POST", "/v1/portfolios/p-zoe/experiences/x-1/tasks", "zoe", map[string]any{"task_id": "t-1", "text": map[string]any{"title": "Tenir la caisse"}}))
	a.ok(a.do("POST", "/v1/portfolios/p-zoe/experiences", "zoe", map[string]any{"experience_id": "x-2", "kind": "training", "context": "formal",
		"from": "2020-09-01", "to": "2021-06-30", "text": map[string]any{"title": "CAP Boulanger", "organisation": "CFA de Marseille"}}))
	a.ok(a.do("POST", "/v1/portfolios/p-zoe/experiences", "zoe", map[string]any{"experience_id": "x-3", "kind": "volunteer", "context": "non_formal",
		"from": "2024-01-08", "text": map[string]any{"title": "Bénévole", "organisation": "Restos du Cœur"}}))
	a.ok(a.do("POST", "/v1/portfolios/p-zoe/experiences", "zoe", map[string]any{"experience_id": "x-4", "kind": "professional", "context": "formal",
		"text": map[string]any{"title": "Caissière", "organisation": "Supermarché retiré"}}))
	a.ok(a.do("DELETE", "/v1/portfolios/p-zoe/experiences/x-4", "zoe", nil))
	a.ok(a.do("POST", "/v1/portfolios/p-zoe/competences", "zoe", map[string]any{"competence_id": "c-1", "framework": map[string]any{"framework": "RNCP37849", "code": "BC01"},
		"text": map[string]any{"name": "Accueillir la clientèle"}}))
	a.ok(a.do("POST", "/v1/portfolios/p-zoe/cvs", "zoe", map[string]any{"cv_id": "cv-1", "experiences": []string{"x-1"}, "education": []string{"x-2"},
		"competences": []string{"c-1"}, "text": map[string]any{"title": "CV vente", "target_job": "Vendeuse en boulangerie", "summary": "Cinq ans au comptoir."}}, wait...))

	// The owner's CV, as JSON Resume: her email is in it.
	r := a.ok(a.do("GET", "/v1/portfolios/p-zoe/cvs/cv-1/export", "zoe", nil))
	validJSONResume(t, r.body)
	var d resume.Document
	r.json(t, &d)
	if d.Schema != resume.SchemaURL || d.Basics.Name != "Zoé Martin" || d.Basics.Email != "zoe.martin@example.org" || d.Basics.Label != "Vendeuse en boulangerie" ||
		len(d.Work) != 1 || d.Work[0].Name != "Boulangerie Dupain" || d.Work[0].Highlights[0] != "Tenir la caisse" ||
		len(d.Education) != 1 || len(d.Volunteer) != 0 || len(d.Skills) != 1 || d.Skills[0].Keywords[0] != "RNCP37849 BC01" {
		t.Fatalf("owner's CV export %+v", d)
	}
	if cd := r.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, ".json") || r.header.Get("Cache-Control") != "private, no-store" {
		t.Errorf("headers %v", r.header)
	}
	// Her counsellor reads the same CV without her email.
	d = resume.Document{}
	a.ok(a.do("GET", "/v1/portfolios/p-zoe/cvs/cv-1/export?format=jsonresume&lang=en", "cons", nil)).json(t, &d)
	if d.Basics.Name != "Zoé Martin" || d.Basics.Email != "" || d.Skills[0].Level != "declared" {
		t.Fatalf("counsellor's CV export %+v", d)
	}
	if bytes.Contains(a.do("GET", "/v1/portfolios/p-zoe/export", "cons", nil).body, []byte("zoe.martin@")) {
		t.Error("the counsellor's portfolio export holds the email")
	}
	// The whole portfolio: every experience, most recent first.
	d = resume.Document{}
	r = a.ok(a.do("GET", "/v1/portfolios/p-zoe/export", "zoe", nil))
	validJSONResume(t, r.body)
	r.json(t, &d)
	if len(d.Work) != 1 || len(d.Education) != 1 || len(d.Volunteer) != 1 || d.Volunteer[0].Organization != "Restos du Cœur" || d.Basics.Email == "" ||
		bytes.Contains(r.body, []byte("Supermarché retiré")) {
		t.Fatalf("portfolio export %+v", d)
	}

	// PDF.
	r = a.ok(a.do("GET", "/v1/portfolios/p-zoe/cvs/cv-1/export?format=pdf", "zoe", nil))
	if r.header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(r.body, []byte("%PDF-")) || !strings.Contains(r.header.Get("Content-Disposition"), ".pdf") {
		t.Fatalf("PDF answer %v %q", r.header, r.body[:min(len(r.body), 20)])
	}
	if text := pdfText(t, r.body); !strings.Contains(text, "Zoé Martin") || !strings.Contains(text, "Vendeuse — Boulangerie Dupain") ||
		!strings.Contains(text, "zoe.martin@example.org") {
		t.Errorf("PDF text:\n%s", text)
	}
	if r := a.ok(a.do("GET", "/v1/portfolios/p-zoe/export?format=pdf&lang=en", "cons", nil)); !strings.Contains(pdfText(t, r.body), "VOLUNTEERING") {
		t.Error("the portfolio PDF in English lacks its volunteering")
	}

	// Bad input and who may not.
	for _, tc := range []struct {
		path, as, field string
		status          int
	}{
		{"/v1/portfolios/p-zoe/cvs/cv-1/export?format=docx", "zoe", "format", 422},
		{"/v1/portfolios/p-zoe/export?format=hr-open", "zoe", "format", 422},
		{"/v1/portfolios/p-zoe/cvs/cv-1/export?lang=de", "zoe", "lang", 422},
		{"/v1/portfolios/p-zoe/cvs/cv-9/export", "zoe", "cv", 404},
		{"/v1/portfolios/p-zoe/cvs/cv-1/export", "tutor", "", 403},
		{"/v1/portfolios/p-zoe/export", "luc", "portfolio", 404},
		{"/v1/portfolios/p-nobody/export", "zoe", "portfolio", 404},
	} {
		r := a.do("GET", tc.path, tc.as, nil)
		var p httpapi.Problem
		if r.status != tc.status || !strings.HasPrefix(r.header.Get("Content-Type"), "application/problem+json") {
			t.Errorf("%s as %s: %d %s, want %d problem", tc.path, tc.as, r.status, r.body, tc.status)
			continue
		}
		r.json(t, &p)
		if tc.field != "" && (len(p.Errors) == 0 || p.Errors[0].Field != tc.field) {
			t.Errorf("%s as %s: problem %+v, want field %s", tc.path, tc.as, p, tc.field)
		}
	}
}

// validJSONResume checks a body against the published JSON Resume
// schema (resume/testdata), formats asserted.
func validJSONResume(t *testing.T, body []byte) {
	t.Helper()
	raw, err := os.ReadFile("../resume/testdata/jsonresume-schema-v1.0.0.json")
	if err != nil {
		t.Fatal(err)
	}
	schema, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("jsonresume.json", schema); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("jsonresume.json")
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(inst); err != nil {
		t.Fatalf("not a JSON Resume document: %v\n%s", err, body)
	}
}

// pdfText reads a PDF's text with pdftotext (poppler-utils): skipped
// without it, except under CI=true.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	path, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext is missing (apt-get install poppler-utils)")
		}
		t.Skip("pdftotext is missing (apt-get install poppler-utils)")
	}
	cmd := exec.Command(path, "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}
