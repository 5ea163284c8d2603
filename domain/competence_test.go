package domain

import (
	"strings"
	"testing"
)

func TestFrameworkRefValidate(t *testing.T) {
	for _, c := range []struct {
		framework, code string
		field           string // "" when valid
	}{
		{"RNCP37849", "BC01", ""},
		{"RNCP4877", "C1", ""},
		{"RNCP37849", "BC01.C2", ""},
		{"RNCP37849", "BC01-C2_3", ""},
		{"ESCO", "http://data.europa.eu/esco/skill/0005c151-5b5a-4a66-8aac-60e734beb1ab", ""},
		{"ESCO", "http://data.europa.eu/esco/skill/S1.1.1", ""},
		{"ROME", "K1201", ""},
		{"ROME", "A1101", ""},
		{"RNCP", "BC01", "framework.framework"},
		{"RNCP1234567", "BC01", "framework.framework"},
		{"RNCP12a45", "BC01", "framework.framework"},
		{"rncp37849", "BC01", "framework.framework"},
		{"esco", "http://data.europa.eu/esco/skill/x", "framework.framework"},
		{"", "", "framework.framework"},
		{"RNCP37849", "", "framework.code"},
		{"RNCP37849", "RNCP37849BC01", ""},
		{"RNCP37849", "c1.2", ""},
		{"RNCP37849", "BC01/C2", "framework.code"},
		{"RNCP37849", "BC01é", "framework.code"},
		{"RNCP37849", "BC 01", "framework.code"},
		{"RNCP37849", "BC" + strings.Repeat("0", 31), "framework.code"},
		{"ESCO", "https://data.europa.eu/esco/skill/abc", "framework.code"},
		{"ESCO", "http://data.europa.eu/esco/skill/", "framework.code"},
		{"ESCO", "http://data.europa.eu/esco/skill/a/b", "framework.code"},
		{"ESCO", "http://data.europa.eu/esco/occupation/abc", "framework.code"},
		{"ROME", "K120", "framework.code"},
		{"ROME", "Z1201", "framework.code"},
		{"ROME", "ROME:K1201", "framework.code"},
		{"ROME", "k1201", "framework.code"},
	} {
		err := FrameworkRef{Framework: c.framework, Code: c.code}.validate()
		if c.field == "" && err != nil {
			t.Errorf("%s %q: %v", c.framework, c.code, err)
		}
		if c.field != "" {
			if e, ok := err.(*Error); !ok || e.Kind != KindInvalid || e.Field != c.field {
				t.Errorf("%s %q: got %v, want invalid %s", c.framework, c.code, err, c.field)
			}
		}
	}
}

// Given events applied in order, a competence's derived state follows its
// evidence, assessments and validation.
func TestCompetenceStateFolds(t *testing.T) {
	p := NewPortfolio("p-1")
	ref := ItemRef{Kind: ItemCompetence, ID: "c-1"}
	steps := []struct {
		event Event
		want  CompetenceState
	}{
		{&CompetenceAdded{CompetenceID: "c-1"}, CompetenceDeclared},
		{&EvidenceAttached{EvidenceID: "ev-1", Target: ref, Kind: EvidenceOfText}, CompetenceEvidenced},
		{&EvidenceAttached{EvidenceID: "ev-2", Target: ref, Kind: EvidenceOfText}, CompetenceEvidenced},
		{&EvidenceSuperseded{EvidenceID: "ev-1", SupersededBy: "ev-2"}, CompetenceEvidenced},
		{&EvidenceWithdrawn{EvidenceID: "ev-2"}, CompetenceDeclared},
		{&CompetenceAssessmentRecorded{CompetenceID: "c-1", By: "p-c", Role: RoleCounsellor, Result: ResultNotYet}, CompetenceAssessed},
		{&CompetenceValidationRecorded{CompetenceID: "c-1", By: "p-c", Role: RoleCounsellor}, CompetenceValidated},
	}
	p.Apply(&PortfolioOpened{PortfolioID: "p-1", Owner: "p-1", Tenant: "s-1"})
	for i, s := range steps {
		p.Apply(s.event)
		if got := p.competences["c-1"].State(p); got != s.want {
			t.Fatalf("after step %d (%s): %s, want %s", i, s.event.EventType(), got, s.want)
		}
	}
}
