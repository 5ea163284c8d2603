package formats

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/projections"
	"github.com/parcours/parcours/resume"
)

func samplePortfolio() projections.PortfolioItems {
	return projections.PortfolioItems{PortfolioID: "p-zoe", Owner: projections.PersonView{ID: "p-zoe", Name: "Zoé Martin"},
		Experiences: []projections.ExperienceView{
			{ID: "x-1", Kind: domain.KindProfessional, Context: domain.ContextFormal, From: "2023-01-02", To: "2023-06-30",
				Title: "Vendeuse en boulangerie", Organisation: "Boulangerie du Port", Place: "Marseille", Description: "Vente & accueil <client>",
				Tasks: []projections.TaskView{{ID: "x-1/t-1", Title: "Tenir la caisse"}},
				Evidence: []projections.EvidenceView{
					{ID: "ev-1", Kind: domain.EvidenceOfFile, Title: "Attestation", FileName: "attestation.pdf",
						File: &domain.FileRef{FileID: "f1", MediaType: "application/pdf"}},
					{ID: "ev-2", Kind: domain.EvidenceOfText, Title: "Mon premier jour", Text: "J'ai appris à pétrir."},
					{ID: "ev-3", Kind: domain.EvidenceOfLink, Title: "Le site", URL: "https://boulangerie.example/"},
					{ID: "ev-old", Kind: domain.EvidenceOfText, Title: "Retirée", Text: "x", Withdrawn: true},
				}},
			{ID: "x-2", Kind: domain.KindTraining, Context: domain.ContextFormal, From: "2021-09-01", To: "2022-06-30",
				Title: "CAP Boulanger", Organisation: "CFA de Marseille"},
		},
		Competences: []projections.CompetenceView{{ID: "c-1", Name: "Accueillir la clientèle", Experiences: []string{"x-1"},
			Framework: &domain.FrameworkRef{Framework: "ESCO", Code: "http://data.europa.eu/esco/skill/abc-123"}}},
	}
}

// europassElements are the elements the Europass XML documentation
// (europass-unofficial/europass-schema-docs, DG EMPL 2020) allows under
// each element the export writes, by local name.
var europassElements = map[string][]string{
	"Candidate":                       {"DocumentID", "CandidatePerson", "CandidateProfile"},
	"CandidatePerson":                 {"PersonName", "Communication"},
	"PersonName":                      {"GivenName", "FamilyName"},
	"Communication":                   {"ChannelCode", "URI"},
	"CandidateProfile":                {"ID", "ExecutiveSummary", "EmploymentHistory", "EducationHistory", "PersonQualifications"},
	"EmploymentHistory":               {"EmployerHistory"},
	"EmployerHistory":                 {"OrganizationName", "PositionHistory"},
	"PositionHistory":                 {"PositionTitle", "EmploymentPeriod", "Description", "City"},
	"EmploymentPeriod":                {"StartDate", "EndDate", "CurrentIndicator"},
	"StartDate":                       {"FormattedDateTime"},
	"EndDate":                         {"FormattedDateTime"},
	"EducationHistory":                {"EducationOrganizationAttendance"},
	"EducationOrganizationAttendance": {"OrganizationName", "ProgramName", "AttendancePeriod", "Description"},
	"AttendancePeriod":                {"StartDate", "EndDate", "Ongoing"},
	"PersonQualifications":            {"PersonCompetency"},
	"PersonCompetency":                {"CompetencyID", "TaxonomyID", "CompetencyName"},
}

// checkDocumented fails on an element the documentation does not allow
// where it is, or out of the documented order.
func checkDocumented(t *testing.T, n *node) {
	t.Helper()
	allowed, ok := europassElements[n.name]
	if !ok {
		if len(n.kids) > 0 {
			t.Errorf("%s has children, the documentation gives it none here", n.name)
		}
		return
	}
	last := -1
	for _, k := range n.kids {
		i := indexString(allowed, k.name)
		if i < 0 {
			t.Errorf("%s under %s is not a documented element", k.name, n.name)
			continue
		}
		if i < last {
			t.Errorf("%s under %s is out of the documented order", k.name, n.name)
		}
		last = i
		checkDocumented(t, k)
	}
}

func indexString(xs []string, s string) int {
	for i, x := range xs {
		if x == s {
			return i
		}
	}
	return -1
}

func TestEuropassExportFollowsTheDocumentedElements(t *testing.T) {
	d := resume.FromPortfolio(samplePortfolio(), resume.Options{Lang: resume.French, Email: "zoe@example.org"})
	var buf bytes.Buffer
	if err := WriteEuropass(&buf, d, resume.French); err != nil {
		t.Fatal(err)
	}
	root, err := parseTree(buf.Bytes(), 10000)
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if root.name != "Candidate" || !strings.Contains(buf.String(), `xmlns="http://www.europass.eu/1.0"`) {
		t.Fatalf("root %s", root.name)
	}
	checkDocumented(t, root)
	if got := root.path("CandidatePerson", "PersonName", "FamilyName").value(); got != "Martin" {
		t.Errorf("family name %q", got)
	}
	// Round trip: the import reads back what the export wrote.
	it, err := Parse(buf.Bytes(), Europass, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(it.Experiences) != 2 || len(it.Competences) != 1 || it.Competences[0].Input.Framework == nil {
		t.Fatalf("round trip: %+v", it)
	}
	x := it.Experiences[0].Input
	if x.Text.Title != "Vendeuse en boulangerie" || x.From != "2023-01-02" || x.To != "2023-06-30" || !strings.Contains(x.Text.Description, "<client>") {
		t.Errorf("round trip experience %+v", x)
	}
	// Without the email (a counsellor's export), no Communication.
	d.Basics.Email = ""
	buf.Reset()
	WriteEuropass(&buf, d, resume.French)
	if strings.Contains(buf.String(), "zoe@example.org") || strings.Contains(buf.String(), "Communication") {
		t.Error("the email is in a counsellor's export")
	}
}

func TestLEAP2AExportRoundTrip(t *testing.T) {
	p := samplePortfolio()
	pdf := []byte("%PDF-1.4 attestation")
	var buf bytes.Buffer
	open := func(_ context.Context, id string) (io.ReadCloser, error) {
		if id != "f1" {
			t.Errorf("opened %s", id)
		}
		return io.NopCloser(bytes.NewReader(pdf)), nil
	}
	x := LEAP2AExport{PortfolioID: p.PortfolioID, Title: "Portfolio", Owner: p.Owner, Experiences: p.Experiences, Competences: p.Competences,
		Goals: []projections.GoalView{{ID: "goal-1", Kind: domain.GoalJobSearch, Target: "2027-06-01", Title: "Trouver un CDI"}}, Now: time.Now()}
	if err := WriteLEAP2A(context.Background(), &buf, x, open); err != nil {
		t.Fatal(err)
	}
	it, err := Parse(buf.Bytes(), LEAP2A, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(it.Experiences) != 2 || len(it.Competences) != 1 || len(it.Evidence) != 3 || len(it.Goals) != 1 || len(it.Notes) != 0 {
		t.Fatalf("round trip %+v", it)
	}
	if it.Experiences[0].Input.Kind != domain.KindProfessional || it.Experiences[1].Input.Kind != domain.KindTraining {
		t.Errorf("kinds %+v", it.Experiences)
	}
	if c := it.Competences[0]; len(c.Experiences) != 1 || c.Experiences[0] != "portfolio:x-1" {
		t.Errorf("competence links %+v", c)
	}
	for _, e := range it.Evidence {
		if e.Target != "portfolio:x-1" {
			t.Errorf("evidence %s targets %q", e.Key, e.Target)
		}
		if e.File != nil {
			rc, _ := e.File.Open()
			b, _ := io.ReadAll(rc)
			if !bytes.Equal(b, pdf) || e.File.Name != "attestation.pdf" && e.File.Name != "Attestation" {
				t.Errorf("file %q: %q", e.File.Name, b)
			}
		}
	}
	if it.Goals[0].Input.Target != "2027-06-01" {
		t.Errorf("goal %+v", it.Goals[0])
	}
}
