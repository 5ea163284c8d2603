package resume_test

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/projections"
	"github.com/parcours/parcours/resume"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemaFile is the JSON Resume schema v1.0.0, as published (testdata/ORIGIN.md).
const schemaFile = "testdata/jsonresume-schema-v1.0.0.json"

// compile compiles the JSON Resume schema, with its formats (email, uri)
// asserted. With strict set, every object of the schema also refuses
// properties it does not define (the published schema allows them), so a
// misspelt field name fails too.
func compile(t testing.TB, strict bool) *jsonschema.Schema {
	t.Helper()
	raw, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if strict {
		closeObjects(doc)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("jsonresume.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("jsonresume.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// closeObjects sets additionalProperties to false in every schema object
// that lists properties.
func closeObjects(v any) {
	switch v := v.(type) {
	case map[string]any:
		if _, ok := v["properties"]; ok {
			v["additionalProperties"] = false
		}
		for _, c := range v {
			closeObjects(c)
		}
	case []any:
		for _, c := range v {
			closeObjects(c)
		}
	}
}

func validate(t *testing.T, s *jsonschema.Schema, d resume.Document) {
	t.Helper()
	raw, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(inst); err != nil {
		t.Fatalf("not a JSON Resume document: %v\n%s", err, raw)
	}
}

// zoeCV is a CV as the read model answers it: Zoé's selection of a job,
// a volunteering, a leisure project, a training and two competences.
func zoeCV() projections.CVView {
	return projections.CVView{PortfolioID: "p-zoe", CVID: "cv-1", Owner: projections.PersonView{ID: "p-zoe", Name: "Zoé Martin"},
		Title: "CV vente", TargetJob: "Vendeuse en boulangerie-pâtisserie", Summary: "Cinq ans de vente au comptoir, à l'aise avec la caisse.",
		Experiences: []projections.ExperienceView{
			{ID: "x-1", Kind: domain.KindProfessional, Context: domain.ContextFormal, From: "2021-09-01", To: "2023-12-22", Title: "Vendeuse",
				Organisation: "Boulangerie Dupain", Place: "Marseille", Description: "Accueil, encaissement, mise en rayon.",
				Tasks: []projections.TaskView{{ID: "x-1/t-1", Title: "Tenir la caisse", Description: "fond de caisse, clôture"}, {ID: "x-1/t-2", Title: "Préparer les commandes"}}},
			{ID: "x-2", Kind: domain.KindVolunteer, Context: domain.ContextNonFormal, From: "2024-01-08", Title: "Bénévole", Organisation: "Restos du Cœur"},
			{ID: "x-3", Kind: domain.KindLeisure, Context: domain.ContextInformal, From: "2019-05-01", Title: "Pâtisserie maison", Description: "Gâteaux pour les fêtes du quartier."},
			{ID: "x-4", Kind: domain.KindProfessional, Erased: true},
		},
		Education: []projections.ExperienceView{{ID: "x-5", Kind: domain.KindTraining, From: "2020-09-01", To: "2021-06-30", Title: "CAP Boulanger", Organisation: "CFA de Marseille"}},
		Competences: []projections.CompetenceView{
			{ID: "c-1", Name: "Accueillir la clientèle", State: domain.CompetenceValidated, SelfLevel: 3, Framework: &domain.FrameworkRef{Framework: "RNCP37849", Code: "BC01"}},
			{ID: "c-2", Name: "Gérer un encaissement", State: domain.CompetenceDeclared},
		}}
}

func TestCVIsAJSONResume(t *testing.T) {
	d := resume.FromCV(zoeCV(), resume.Options{Lang: resume.French, Email: "zoe@example.org", Canonical: "https://parcours.example/v1/portfolios/p-zoe/cvs/cv-1/export",
		Now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)})
	validate(t, compile(t, false), d)
	validate(t, compile(t, true), d)
	raw, _ := json.MarshalIndent(d, "", "  ")
	for _, want := range []string{`"$schema": "` + resume.SchemaURL + `"`, `"name": "Zoé Martin"`, `"label": "Vendeuse en boulangerie-pâtisserie"`,
		`"email": "zoe@example.org"`, `"position": "Vendeuse"`, `"name": "Boulangerie Dupain"`, `"startDate": "2021-09-01"`,
		`"Tenir la caisse — fond de caisse, clôture"`, `"organization": "Restos du Cœur"`, `"institution": "CFA de Marseille"`,
		`"area": "CAP Boulanger"`, `"name": "Pâtisserie maison"`, `"type": "loisirs"`, `"level": "validée, auto-évaluation 3/4"`,
		`"RNCP37849 BC01"`, `"lastModified": "2026-03-02T09:00:00Z"`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("document lacks %s:\n%s", want, raw)
		}
	}
	if len(d.Work) != 1 {
		t.Errorf("the erased experience shows: %d jobs", len(d.Work))
	}
}

func TestEmailOnlyWhenGiven(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cv    projections.CVView
		email string
		want  string
	}{
		{"not given", zoeCV(), "", ""},
		{"given", zoeCV(), "zoe@example.org", "zoe@example.org"},
		{"owner erased", func() projections.CVView { cv := zoeCV(); cv.Owner.Erased = true; return cv }(), "zoe@example.org", ""},
	} {
		if got := resume.FromCV(tc.cv, resume.Options{Email: tc.email}).Basics.Email; got != tc.want {
			t.Errorf("%s: email %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestPortfolioIsAJSONResume(t *testing.T) {
	cv := zoeCV()
	p := projections.PortfolioItems{PortfolioID: "p-zoe", Owner: cv.Owner, Experiences: append(cv.Experiences, cv.Education...), Competences: cv.Competences}
	d := resume.FromPortfolio(p, resume.Options{Lang: resume.English})
	validate(t, compile(t, true), d)
	if len(d.Work) != 1 || len(d.Volunteer) != 1 || len(d.Education) != 1 || len(d.Projects) != 1 || len(d.Skills) != 2 {
		t.Fatalf("sections: %+v", d)
	}
	if d.Projects[0].Type != "leisure" || d.Skills[1].Level != "declared" {
		t.Errorf("English words: %+v %+v", d.Projects[0], d.Skills[1])
	}
	if d.Basics.Email != "" {
		t.Errorf("email without being given: %q", d.Basics.Email)
	}
}

// TestSchemaRefuses shows the validation can fail: documents the schema
// refuses are refused.
func TestSchemaRefuses(t *testing.T) {
	s, strict := compile(t, false), compile(t, true)
	for _, tc := range []struct {
		name   string
		doc    string
		strict bool
	}{
		{"date not ISO 8601", `{"work":[{"name":"Dupain","startDate":"02/09/2021"}]}`, false},
		{"email not an email", `{"basics":{"email":"zoé at example"}}`, false},
		{"skills not an array", `{"skills":{"name":"Accueil"}}`, false},
		{"misspelt field", `{"work":[{"startdate":"2021-09-01"}]}`, true},
	} {
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(tc.doc))
		if err != nil {
			t.Fatal(err)
		}
		sch := s
		if tc.strict {
			sch = strict
		}
		if err := sch.Validate(inst); err == nil {
			t.Errorf("%s: accepted %s", tc.name, tc.doc)
		}
	}
}
