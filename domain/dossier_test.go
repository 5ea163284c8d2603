package domain

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"
)

var vaeNow = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func vaeCertification() Certification {
	return Certification{RNCPCode: "RNCP37849", Title: "Employé polyvalent du commerce", Blocks: []Block{
		{Code: "BC01", Title: "Accueillir et conseiller", Competences: []BlockCompetence{{Code: "C1.1", Title: "Accueillir le client"}}},
		{Code: "BC02", Title: "Tenir la caisse", Competences: []BlockCompetence{{Code: "C2.1", Title: "Encaisser"}, {Code: "C2.2", Title: "Clôturer"}}},
	}}
}

// vaePortfolio is a portfolio with one experience x-1 (task t-1) and a
// dossier d-1 for vaeCertification.
func vaePortfolio(t *testing.T) *Portfolio {
	t.Helper()
	p := NewPortfolio("p-zoe")
	p.Apply(&PortfolioOpened{PortfolioID: "p-zoe", Owner: "p-zoe", Tenant: "s-1"})
	p.Apply(&ExperienceAdded{ExperienceID: "x-1", Kind: KindProfessional, Context: ContextFormal})
	p.Apply(&TaskAdded{ExperienceID: "x-1", TaskID: "t-1"})
	vaeDo(t, p)(p.OpenDossier("d-1", vaeCertification()))
	return p
}

// vaeDo applies what a decision returned, failing on a refusal.
func vaeDo(t *testing.T, p *Portfolio) func([]Event, error) []Event {
	return func(events []Event, err error) []Event {
		t.Helper()
		if err != nil {
			t.Fatalf("refused: %v", err)
		}
		for _, e := range events {
			p.Apply(e)
		}
		return events
	}
}

func vaeRefused(t *testing.T, err error, kind Kind, field string) {
	t.Helper()
	var de *Error
	if !errors.As(err, &de) || de.Kind != kind || (field != "" && de.Field != field) {
		t.Fatalf("want a %s refusal about %q, got %v", kind, field, err)
	}
}

// vaeAdmissible takes d-1 to admissible.
func vaeAdmissible(t *testing.T, p *Portfolio) {
	t.Helper()
	vaeDo(t, p)(p.RequestAdmissibility("d-1", vaeNow))
	vaeDo(t, p)(p.RecordAdmissibility("d-1", true, "2026-02-20", "p-cons", vaeNow))
}

func TestCertificationValidation(t *testing.T) {
	bad := []struct {
		name, field string
		mut         func(*Certification)
	}{
		{"no rncp prefix", "certification.rncp_code", func(c *Certification) { c.RNCPCode = "37849" }},
		{"rncp letters", "certification.rncp_code", func(c *Certification) { c.RNCPCode = "RNCP37A49" }},
		{"rncp no digits", "certification.rncp_code", func(c *Certification) { c.RNCPCode = "RNCP" }},
		{"no title", "certification.title", func(c *Certification) { c.Title = " " }},
		{"no block", "certification.blocks", func(c *Certification) { c.Blocks = nil }},
		{"bad block code", "certification.blocks[1].code", func(c *Certification) { c.Blocks[1].Code = "BC 02" }},
		{"repeated block", "certification.blocks[1].code", func(c *Certification) { c.Blocks[1].Code = "BC01" }},
		{"block without title", "certification.blocks[0].title", func(c *Certification) { c.Blocks[0].Title = "" }},
		{"block without competence", "certification.blocks[0].competences", func(c *Certification) { c.Blocks[0].Competences = nil }},
		{"bad competence code", "certification.blocks[1].competences[0].code", func(c *Certification) { c.Blocks[1].Competences[0].Code = "" }},
		{"competence repeated across blocks", "certification.blocks[1].competences[1].code", func(c *Certification) { c.Blocks[1].Competences[1].Code = "C1.1" }},
		{"competence without title", "certification.blocks[1].competences[1].title", func(c *Certification) { c.Blocks[1].Competences[1].Title = "" }},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			c := vaeCertification()
			b.mut(&c)
			_, err := vaePortfolio(t).OpenDossier("d-2", c)
			vaeRefused(t, err, KindInvalid, b.field)
		})
	}
	p := vaePortfolio(t)
	_, err := p.OpenDossier("d-1", vaeCertification())
	vaeRefused(t, err, KindConflict, "")
	_, err = p.OpenDossier("d-2", vaeCertification())
	vaeRefused(t, err, KindConflict, "") // one dossier under way per certification
	_, err = p.OpenDossier("d 2", vaeCertification())
	vaeRefused(t, err, KindInvalid, "dossier_id")
}

func TestDossierLifecycle(t *testing.T) {
	p := vaePortfolio(t)
	do := vaeDo(t, p)
	vaeAdmissible(t, p)
	d := p.Dossiers()["d-1"]
	if d.State != DossierAdmissible || d.Admissible == nil || !*d.Admissible {
		t.Fatalf("after admissibility: %+v", d)
	}
	x := ItemRef{Kind: ItemExperience, ID: "x-1"}
	do(p.MapToBlock("d-1", "BC01", x))
	do(p.MapToBlock("d-1", "BC02", x))
	do(p.UnmapFromBlock("d-1", "BC02", x))
	if _, ok := d.Mapping["BC02"]; ok {
		t.Fatalf("unmapped block kept: %v", d.Mapping)
	}
	do(p.MapToBlock("d-1", "BC02", x))
	if p.dossierUsing(x) != "" {
		t.Fatal("an unsubmitted dossier holds its items")
	}
	do(p.SubmitDossier("d-1", 41, vaeNow))
	if d.State != DossierSubmitted || d.SubmittedRevision != 41 || !d.SubmittedAt.Equal(vaeNow) {
		t.Fatalf("after submission: %+v", d)
	}
	if p.dossierUsing(x) != "d-1" {
		t.Fatal("a submitted dossier does not hold its items")
	}
	_, err := p.RemoveExperience("x-1")
	vaeRefused(t, err, KindConflict, "")
	if evs := do(p.RecordJuryDecision("d-1", "BC01", BlockValidated, "2026-03-02", "p-cons", vaeNow)); len(evs) != 1 {
		t.Fatalf("first decision: %v", evs)
	}
	evs := do(p.RecordJuryDecision("d-1", "BC02", BlockPartly, "2026-03-02", "p-cons", vaeNow))
	if len(evs) != 2 || d.State != DossierDecided || d.Decisions["BC02"] != BlockPartly {
		t.Fatalf("last decision: %v, %+v", evs, d)
	}
	if p.dossierUsing(x) != "d-1" {
		t.Fatal("a decided dossier does not hold its items")
	}
}

func TestDossierStateOrder(t *testing.T) {
	p := vaePortfolio(t)
	do := vaeDo(t, p)
	x := ItemRef{Kind: ItemExperience, ID: "x-1"}
	_, err := p.RecordAdmissibility("d-1", true, "2026-02-20", "p-cons", vaeNow)
	vaeRefused(t, err, KindConflict, "") // no request yet
	do(p.MapToBlock("d-1", "BC01", x))
	do(p.MapToBlock("d-1", "BC02", x))
	_, err = p.SubmitDossier("d-1", 5, vaeNow)
	vaeRefused(t, err, KindConflict, "") // not admissible
	do(p.RequestAdmissibility("d-1", vaeNow))
	_, err = p.RequestAdmissibility("d-1", vaeNow)
	vaeRefused(t, err, KindConflict, "")
	_, err = p.RecordAdmissibility("d-1", true, "2026-03-03", "p-cons", vaeNow)
	vaeRefused(t, err, KindInvalid, "decided_on") // tomorrow
	do(p.RecordAdmissibility("d-1", false, "2026-02-20", "p-cons", vaeNow))
	_, err = p.SubmitDossier("d-1", 5, vaeNow)
	vaeRefused(t, err, KindConflict, "")      // inadmissible
	do(p.RequestAdmissibility("d-1", vaeNow)) // a new request after a refusal
	do(p.RecordAdmissibility("d-1", true, "2026-02-27", "p-cons", vaeNow))
	_, err = p.RecordJuryDecision("d-1", "BC01", BlockValidated, "2026-03-01", "p-cons", vaeNow)
	vaeRefused(t, err, KindConflict, "") // not submitted
	do(p.SubmitDossier("d-1", 9, vaeNow))
	_, err = p.SubmitDossier("d-1", 10, vaeNow)
	vaeRefused(t, err, KindConflict, "")
	_, err = p.MapToBlock("d-1", "BC01", ItemRef{Kind: ItemTask, ID: "x-1/t-1"})
	vaeRefused(t, err, KindConflict, "") // mapping fixed
	_, err = p.UnmapFromBlock("d-1", "BC01", x)
	vaeRefused(t, err, KindConflict, "")
	_, err = p.RecordJuryDecision("d-1", "BC09", BlockValidated, "2026-03-01", "p-cons", vaeNow)
	vaeRefused(t, err, KindNotFound, "block")
	_, err = p.RecordJuryDecision("d-1", "BC01", "passed", "2026-03-01", "p-cons", vaeNow)
	vaeRefused(t, err, KindInvalid, "decision")
	_, err = p.RecordJuryDecision("d-1", "BC01", BlockValidated, "2026-03-01", "p-cons", vaeNow)
	vaeRefused(t, err, KindInvalid, "decided_on") // before the submission
	_, err = p.RecordJuryDecision("d-1", "BC01", BlockValidated, "", "p-cons", vaeNow)
	vaeRefused(t, err, KindInvalid, "decided_on")
	do(p.RecordJuryDecision("d-1", "BC01", BlockNotValidated, "2026-03-02", "p-cons", vaeNow))
	_, err = p.RecordJuryDecision("d-1", "BC01", BlockValidated, "2026-03-02", "p-cons", vaeNow)
	vaeRefused(t, err, KindConflict, "") // already decided
	_, err = p.RequestAdmissibility("d-9", vaeNow)
	vaeRefused(t, err, KindNotFound, "dossier_id")
}

func TestDossierMapping(t *testing.T) {
	p := vaePortfolio(t)
	do := vaeDo(t, p)
	x := ItemRef{Kind: ItemExperience, ID: "x-1"}
	_, err := p.MapToBlock("d-1", "BC09", x)
	vaeRefused(t, err, KindNotFound, "block")
	_, err = p.MapToBlock("d-1", "BC01", ItemRef{Kind: ItemTask, ID: "x-1/t-1"})
	vaeRefused(t, err, KindInvalid, "item.kind")
	_, err = p.MapToBlock("d-1", "BC01", ItemRef{Kind: ItemEvidence, ID: "e-404"})
	vaeRefused(t, err, KindNotFound, "item.id")
	_, err = p.UnmapFromBlock("d-1", "BC01", x)
	vaeRefused(t, err, KindNotFound, "item.id")
	do(p.MapToBlock("d-1", "BC01", x))
	_, err = p.MapToBlock("d-1", "BC01", x)
	vaeRefused(t, err, KindConflict, "")
	p.evidence["e-1"] = &Evidence{ID: "e-1", Target: x, Kind: EvidenceOfText, ContentHash: "aa"}
	do(p.MapToBlock("d-1", "BC02", ItemRef{Kind: ItemEvidence, ID: "e-1"}))
	vaeAdmissible(t, p)
	e1 := ItemRef{Kind: ItemEvidence, ID: "e-1"}
	p.evidence["e-1"].Withdrawn = true // before submission, withdrawal is allowed
	_, err = p.SubmitDossier("d-1", 7, vaeNow)
	vaeRefused(t, err, KindConflict, "") // BC02 maps withdrawn evidence
	do(p.UnmapFromBlock("d-1", "BC02", e1))
	_, err = p.SubmitDossier("d-1", 7, vaeNow)
	vaeRefused(t, err, KindConflict, "") // BC02 has nothing
	p.evidence["e-2"] = &Evidence{ID: "e-2", Target: x, Kind: EvidenceOfText, ContentHash: "bb", SupersededBy: "e-3"}
	p.evidence["e-3"] = &Evidence{ID: "e-3", Target: x, Kind: EvidenceOfText, ContentHash: "cc"}
	e2, e3 := ItemRef{Kind: ItemEvidence, ID: "e-2"}, ItemRef{Kind: ItemEvidence, ID: "e-3"}
	_, err = p.MapToBlock("d-1", "BC02", e2)
	vaeRefused(t, err, KindConflict, "") // map the evidence that replaced it
	do(p.MapToBlock("d-1", "BC02", e3))
	p.evidence["e-3"].SupersededBy = "e-4"
	_, err = p.SubmitDossier("d-1", 7, vaeNow)
	vaeRefused(t, err, KindConflict, "") // superseded since mapped
	p.evidence["e-3"].SupersededBy = ""
	do(p.SubmitDossier("d-1", 7, vaeNow))
	if p.dossierUsing(e3) != "d-1" || p.dossierUsing(e2) != "" || p.dossierUsing(e1) != "" {
		t.Fatal("dossierUsing does not name exactly the submitted evidence")
	}
}

func TestDossierProgress(t *testing.T) {
	p := vaePortfolio(t)
	do := vaeDo(t, p)
	x := ItemRef{Kind: ItemExperience, ID: "x-1"}
	p.Apply(&ExperienceAdded{ExperienceID: "x-2", Kind: KindVolunteer, Context: ContextInformal})
	p.evidence["e-task"] = &Evidence{ID: "e-task", Target: ItemRef{Kind: ItemTask, ID: "x-1/t-1"}, ContentHash: "11"}
	p.evidence["e-old"] = &Evidence{ID: "e-old", Target: ItemRef{Kind: ItemExperience, ID: "x-1"}, ContentHash: "00", SupersededBy: "e-task"}
	p.evidence["e-other"] = &Evidence{ID: "e-other", Target: ItemRef{Kind: ItemExperience, ID: "x-2"}, ContentHash: "22"}
	p.attestations["a-1"] = &Attestation{ID: "a-1", Target: ItemRef{Kind: ItemEvidence, ID: "e-task"}, ContentHash: "11"}
	p.attestations["a-stale"] = &Attestation{ID: "a-stale", Target: ItemRef{Kind: ItemEvidence, ID: "e-other"}, ContentHash: "old"}
	do(p.MapToBlock("d-1", "BC01", x))
	do(p.MapToBlock("d-1", "BC02", ItemRef{Kind: ItemEvidence, ID: "e-other"}))
	got, err := p.DossierProgress("d-1")
	if err != nil {
		t.Fatal(err)
	}
	want := []BlockProgress{{Block: "BC01", Items: 1, Evidence: 1, Attested: 1}, {Block: "BC02", Items: 1, Evidence: 1}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("progress %+v, want %+v", got, want)
	}
	if len(got[0].Lacks()) != 0 || !reflect.DeepEqual(got[1].Lacks(), []string{"attestation"}) {
		t.Fatalf("lacks %v / %v", got[0].Lacks(), got[1].Lacks())
	}
	if empty := (BlockProgress{}).Lacks(); !reflect.DeepEqual(empty, []string{"mapping", "evidence", "attestation"}) {
		t.Fatalf("empty block lacks %v", empty)
	}
	if _, err := p.DossierProgress("d-9"); KindOf(err) != KindNotFound {
		t.Fatalf("unknown dossier: %v", err)
	}
}

func TestDossierEventsRoundTrip(t *testing.T) {
	p := vaePortfolio(t)
	vaeAdmissible(t, p)
	var events []Event
	events = append(events, &VAEDossierOpened{DossierID: "d-1", Certification: vaeCertification(), Source: DefinedInline},
		&DossierItemMapped{DossierID: "d-1", Block: "BC01", Item: ItemRef{Kind: ItemExperience, ID: "x-1"}},
		&DossierItemUnmapped{DossierID: "d-1", Block: "BC01", Item: ItemRef{Kind: ItemExperience, ID: "x-1"}},
		&VAEDossierSubmitted{DossierID: "d-1", PortfolioRevision: 12, At: vaeNow},
		&JuryDecisionRecorded{DossierID: "d-1", Block: "BC01", Decision: BlockPartly, DecidedOn: "2026-03-01", By: "p-cons", At: vaeNow},
		&VAEDossierDecided{DossierID: "d-1", At: vaeNow},
		&AdmissibilityRequested{DossierID: "d-1", At: vaeNow},
		&AdmissibilityDecided{DossierID: "d-1", Admissible: true, DecidedOn: "2026-02-20", By: "p-cons", At: vaeNow})
	specs := map[string]EventSpec{}
	for _, s := range dossierEvents {
		specs[s.Type] = s
	}
	for _, e := range events {
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		back := specs[e.EventType()].New()
		if err := json.Unmarshal(b, back); err != nil || !reflect.DeepEqual(back, e) {
			t.Fatalf("%s round trip: %v\n%s", e.EventType(), err, b)
		}
	}
	if len(specs) != len(events) {
		t.Fatalf("%d specs, %d events tried", len(specs), len(events))
	}
}

func TestDossierOpenedUpcast(t *testing.T) {
	v1 := []byte(`{"dossier_id":"d-1","rncp_code":"RNCP37849","title":"Employé polyvalent du commerce",` +
		`"blocks":[{"code":"BC01","title":"Accueillir","competences":[{"code":"C1.1","title":"Accueillir le client"}]}]}`)
	var spec EventSpec
	for _, s := range dossierEvents {
		if s.Type == "VAEDossierOpened" {
			spec = s
		}
	}
	if spec.Version != 2 || spec.Upcast[1] == nil {
		t.Fatalf("spec %+v", spec)
	}
	v2, err := spec.Upcast[1](v1)
	if err != nil {
		t.Fatal(err)
	}
	var e VAEDossierOpened
	if err := json.Unmarshal(v2, &e); err != nil {
		t.Fatal(err)
	}
	c := e.Certification
	if e.DossierID != "d-1" || e.Source != DefinedInline || c.RNCPCode != "RNCP37849" || c.Title != "Employé polyvalent du commerce" ||
		len(c.Blocks) != 1 || c.Blocks[0].Competences[0].Code != "C1.1" {
		t.Fatalf("upcast to %s", v2)
	}
	if _, err := spec.Upcast[1]([]byte(`[`)); err == nil {
		t.Fatal("upcast of broken JSON succeeded")
	}
}
