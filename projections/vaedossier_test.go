package projections_test

import (
	"testing"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/projections"
)

func (s *story) dossier() projections.DossierView {
	s.t.Helper()
	s.rebuild()
	d, found, err := s.q.Dossier(s.ctx, zoe, "d-1")
	if err != nil || !found {
		s.t.Fatalf("dossier d-1: found %v, %v", found, err)
	}
	return d
}

// sameProgress checks that the read model's completeness of every block
// is the domain's (domain.Portfolio.DossierProgress).
func (s *story) sameProgress(d projections.DossierView) {
	s.t.Helper()
	var progress []domain.BlockProgress
	err := s.h.ReadPortfolio(s.ctx, s.zoe.Actor, zoe, "", func(p *domain.Portfolio, _ uint64) error {
		var err error
		progress, err = p.DossierProgress("d-1")
		return err
	})
	if err != nil {
		s.t.Fatal(err)
	}
	for i, b := range d.Blocks {
		want, got := progress[i], b.Completeness
		if want.Block != b.Code || want.Items != got.Items || want.Evidence != got.Evidence || want.Attested != got.Attested {
			s.t.Errorf("block %s: read model %+v, domain %+v", b.Code, got, want)
		}
	}
}

// dossierStory is Zoé's portfolio with experiences, a task, competences
// referring to the certification, evidence, attestations, a comment and
// an assessment, and dossier d-1 opened; with mapped set, x-1 and ev-2
// support BC01 and x-2 supports BC02.
func dossierStory(t *testing.T, mapped bool) *story {
	s := newStory(t)
	s.addExperience("x-1", domain.KindProfessional, "Vendeuse")
	s.addTask("x-1", "t-1", "Tenir la caisse")
	s.addExperience("x-2", domain.KindTraining, "CAP")
	s.declare("c-1", rncp("C1.1"), "Accueillir le client")
	s.declare("c-2", rncp("BC02"), "")
	s.attach("ev-1", item(domain.ItemTask, "x-1/t-1"), textEvidence("Fond de caisse", "Juste"))
	s.attach("ev-2", item(domain.ItemCompetence, "c-1"), fileEvidence("Photo du stand"))
	s.attach("ev-3", item(domain.ItemExperience, "x-2"), textEvidence("Relevé de notes", "15/20"))
	s.inviteTutor("g-1", time.Time{})
	s.attest("at-1", item(domain.ItemEvidence, "ev-1"), "Vu")
	s.attest("at-2", item(domain.ItemTask, "x-1/t-1"), "Vu aussi")
	s.comment(s.cons, "cm-1", item(domain.ItemEvidence, "ev-1"), "Précis")
	s.must(s.h.AssessCompetence(s.ctx, s.cons, commands.AssessCompetence{PortfolioID: zoe, CompetenceID: "c-1", Result: domain.ResultAcquired,
		Comment: domain.CommentText{Text: "Accueil réussi"}}))
	s.must(s.h.OpenDossier(s.ctx, s.zoe, commands.OpenDossier{PortfolioID: zoe, DossierID: "d-1", Certification: certification()}))
	if mapped {
		s.mapItem("BC01", item(domain.ItemExperience, "x-1"))
		s.mapItem("BC01", item(domain.ItemEvidence, "ev-2"))
		s.mapItem("BC02", item(domain.ItemExperience, "x-2"))
	}
	return s
}

// TestDossierOpened: a dossier without mapping lacks everything.
func TestDossierOpened(t *testing.T) {
	s := dossierStory(t, false)
	d := s.dossier()
	if d.State != domain.DossierOpened || d.Complete || len(d.Blocks) != 2 || d.Title != "Employé polyvalent du commerce" || d.Owner.Name != "Zoé Martin" {
		t.Fatalf("opened dossier: %+v", d)
	}
	if lacks := d.Blocks[0].Completeness.Lacks; len(lacks) != 3 {
		t.Errorf("an empty block lacks %v", lacks)
	}
	s.sameProgress(d)
	if _, found, err := s.q.Dossier(s.ctx, zoe, "d-unknown"); found || err != nil {
		t.Errorf("unknown dossier: found %v, %v", found, err)
	}
}

// TestDossierBlocks: blocks with their competences, mapped items,
// evidence with hashes, attestations with their status, comments,
// assessments; completeness as the domain counts it.
func TestDossierBlocks(t *testing.T) {
	s := dossierStory(t, true)
	d := s.dossier()
	s.sameProgress(d)
	b1, b2 := d.Blocks[0], d.Blocks[1]
	if c := b1.Completeness; c.Items != 2 || c.Evidence != 2 || c.Attested != 2 || len(c.Lacks) != 0 {
		t.Errorf("BC01 completeness %+v", c)
	}
	if c := b2.Completeness; len(c.Lacks) != 1 || c.Lacks[0] != "attestation" || d.Complete {
		t.Errorf("BC02 completeness %+v, dossier complete %v", c, d.Complete)
	}
	if dc := b1.Competences[0].Declared; len(dc) != 1 || dc[0].ID != "c-1" || dc[0].State != domain.CompetenceAssessed ||
		dc[0].Assessments[0].Comment != "Accueil réussi" || dc[0].Assessments[0].By.Name != "Karim Benali" || len(dc[0].Evidence) != 1 {
		t.Errorf("BC01's competence C1.1 declared as %+v", dc)
	}
	if len(b2.Declared) != 1 || b2.Declared[0].ID != "c-2" {
		t.Errorf("BC02 declared as %+v", b2.Declared)
	}
	task := b1.Experiences[0].Tasks[0]
	ev1 := task.Evidence[0]
	if len(task.Attestations) != 1 || ev1.ID != "ev-1" || ev1.ContentHash == "" || ev1.Attestations[0].Status != domain.AttestationCurrent ||
		ev1.Comments[0].Text != "Précis" || ev1.Comments[0].Author.Name != "Karim Benali" {
		t.Errorf("task of x-1 in BC01: %+v", task)
	}
	if ev2 := b1.Evidence[0]; ev2.ID != "ev-2" || ev2.File == nil || ev2.ContentHash != ev2.File.SHA256 {
		t.Errorf("mapped evidence: %+v", ev2)
	}
}

// TestDossierToDecision: a revision of attested evidence no longer counts
// as attested; admissibility, submission (with the revision it fixed) and
// the jury's decisions show.
func TestDossierToDecision(t *testing.T) {
	s := dossierStory(t, true)
	s.must(s.h.ReviseEvidence(s.ctx, s.zoe, commands.ReviseEvidence{PortfolioID: zoe, EvidenceID: "ev-1", EvidenceInput: textEvidence("Fond de caisse", "Faux")}))
	d := s.dossier()
	s.sameProgress(d)
	if at := d.Blocks[0].Experiences[0].Tasks[0].Evidence[0].Attestations[0]; at.Status != domain.AttestationChanged || d.Blocks[0].Completeness.Attested != 1 {
		t.Errorf("after revision: attestation %s, attested %d", at.Status, d.Blocks[0].Completeness.Attested)
	}
	s.attest("at-3", item(domain.ItemEvidence, "ev-3"), "Diplôme vérifié")
	s.admit(true)
	s.comment(s.cons, "cm-2", item(domain.ItemDossier, "d-1"), "Prêt")
	submitted := s.must(s.h.SubmitDossier(s.ctx, s.zoe, commands.SubmitDossier{PortfolioID: zoe, DossierID: "d-1"}))
	s.later(24 * time.Hour)
	s.decide("BC01", domain.BlockValidated)
	s.decide("BC02", domain.BlockNotValidated)
	d = s.dossier()
	s.sameProgress(d)
	if !d.Complete || d.State != domain.DossierDecided || d.SubmittedRevision != submitted.Revision-1 || d.SubmittedAt.IsZero() || d.DecidedAt.IsZero() {
		t.Errorf("decided dossier: complete %v, state %s, revision %d (submitted at %d)", d.Complete, d.State, d.SubmittedRevision, submitted.Revision)
	}
	if a := d.Admissibility; a.Admissible == nil || !*a.Admissible || a.RecordedBy == nil || a.RecordedBy.Name != "Karim Benali" || a.RequestedAt.IsZero() {
		t.Errorf("admissibility: %+v", a)
	}
	if j := d.Blocks[1].Decision; j == nil || j.Decision != domain.BlockNotValidated || j.RecordedBy.ID != "p-cons" || j.DecidedOn != s.today() {
		t.Errorf("BC02 decision: %+v", j)
	}
	if len(d.Comments) != 1 || d.Comments[0].Text != "Prêt" {
		t.Errorf("comments on the dossier: %+v", d.Comments)
	}
}
