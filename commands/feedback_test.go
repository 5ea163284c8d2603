package commands_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore"
)

func comment(w *world, target domain.ItemRef, text string) func(commands.Call) (commands.Result, error) {
	return func(c commands.Call) (commands.Result, error) {
		return w.h.AddComment(w.ctx, c, commands.AddComment{PortfolioID: zoe, Target: target, Text: domain.CommentText{Text: text}})
	}
}

func attest(w *world, id string, target domain.ItemRef, statement string) func(commands.Call) (commands.Result, error) {
	return func(c commands.Call) (commands.Result, error) {
		return w.h.Attest(w.ctx, c, commands.Attest{PortfolioID: zoe, AttestationID: id, Target: target, Statement: domain.CommentText{Text: statement}})
	}
}

func TestAddComment(t *testing.T) {
	w := newWorld(t)
	until := givenItems(w)
	w.mustDo(attach(w, "ev-1", onComp1, textEvidence("Récit."))(w.call(w.bene)))
	evidence := domain.ItemRef{Kind: domain.ItemEvidence, ID: "ev-1"}
	byOwner := w.mustDo(comment(w, onExp1, "Mon premier emploi.")(w.call(w.bene)))
	byCounsellor := w.mustDo(comment(w, evidence, "Précise les horaires.")(w.call(w.counsellor)))
	w.now = w.now.Add(time.Minute)
	byTutor := w.mustDo(comment(w, onTask1, "Bonne tenue de caisse.")(w.call(w.tutor)))
	// The evidence is on c-1, linked to x-1: in the tutor's scope.
	w.mustDo(comment(w, evidence, "Je confirme.")(w.call(w.tutor)))
	if !strings.HasPrefix(byOwner.ID, "cm-") {
		t.Fatalf("generated id %q", byOwner.ID)
	}
	zoePortfolio(w, func(p *domain.Portfolio) {
		for _, want := range []domain.Comment{
			{ID: byOwner.ID, Target: onExp1, Author: "p-zoe", Role: domain.RoleBeneficiary, At: w.now.Add(-time.Minute), Personal: domain.CommentText{Text: "Mon premier emploi."}},
			{ID: byCounsellor.ID, Target: evidence, Author: "p-cons", Role: domain.RoleCounsellor, At: w.now.Add(-time.Minute), Personal: domain.CommentText{Text: "Précise les horaires."}},
			{ID: byTutor.ID, Target: onTask1, Author: "p-tutor", Role: domain.RoleTutor, At: w.now, Personal: domain.CommentText{Text: "Bonne tenue de caisse."}},
		} {
			if got := p.Comments()[want.ID]; got == nil || !got.At.Equal(want.At) || got.Target != want.Target || got.Author != want.Author || got.Role != want.Role || got.Personal != want.Personal {
				t.Fatalf("comment %+v, want %+v", got, want)
			}
		}
	})
	expired := until.Sub(w.now) + time.Second
	onExp2 := domain.ItemRef{Kind: domain.ItemExperience, ID: "x-2"}
	runItemRefusals(t, w, []itemRefusal{
		{name: "tutor out of scope", actor: w.tutor, cmd: comment(w, onExp2, "x"), kind: domain.KindNotFound, field: "experience"},
		{name: "tutor on a competence out of scope", actor: w.tutor, cmd: comment(w, domain.ItemRef{Kind: domain.ItemCompetence, ID: "c-2"}, "x"), kind: domain.KindNotFound, field: "competence"},
		{name: "tutor after the grant's end", actor: w.tutor, cmd: comment(w, onExp1, "x"), kind: domain.KindNotFound, field: "portfolio", later: expired},
		{name: "unassigned counsellor", actor: w.counsellor2, cmd: comment(w, onExp1, "x"), kind: domain.KindNotFound, field: "portfolio"},
		{name: "admin", actor: w.admin, cmd: comment(w, onExp1, "x"), kind: domain.KindForbidden},
		{name: "auditor", actor: w.auditor, cmd: comment(w, onExp1, "x"), kind: domain.KindNotFound, field: "portfolio"},
		{name: "another beneficiary", actor: w.bene2, cmd: comment(w, onExp1, "x"), kind: domain.KindNotFound, field: "portfolio"},
		{name: "missing item", actor: w.bene, cmd: comment(w, domain.ItemRef{Kind: domain.ItemGoal, ID: "g-404"}, "x"), kind: domain.KindNotFound, field: "target"},
		{name: "unknown kind of item", actor: w.counsellor, cmd: comment(w, domain.ItemRef{Kind: "bogus", ID: "x-1"}, "x"), kind: domain.KindInvalid, field: "target.kind"},
		{name: "empty text", actor: w.counsellor, cmd: comment(w, onExp1, "\t"), kind: domain.KindInvalid, field: "text"},
		{name: "text too long", actor: w.counsellor, cmd: comment(w, onExp1, strings.Repeat("é", 5001)), kind: domain.KindInvalid, field: "text"},
	})
}

func TestAttest(t *testing.T) {
	w := newWorld(t)
	until := givenItems(w)
	w.mustDo(attach(w, "ev-1", onExp1, textEvidence("Tenue de caisse, mars."))(w.call(w.bene)))
	w.mustDo(attach(w, "ev-2", onExp1, textEvidence("Vitrine."))(w.call(w.bene)))
	w.mustDo(attach(w, "ev-3", onExp1, textEvidence("Inventaire."))(w.call(w.bene)))
	w.mustDo(attach(w, "ev-x2", domain.ItemRef{Kind: domain.ItemExperience, ID: "x-2"}, textEvidence("Hors champ."))(w.call(w.bene)))
	for _, id := range []string{"ev-1", "ev-2", "ev-3"} {
		w.mustDo(attest(w, "at-"+id, domain.ItemRef{Kind: domain.ItemEvidence, ID: id}, "J'ai vu Zoé le faire.")(w.call(w.tutor)))
	}
	gen := w.mustDo(attest(w, "", onTask1, "Tâche réalisée sous ma responsabilité.")(w.call(w.tutor)))
	status := func() map[string]domain.AttestationStatus {
		out := map[string]domain.AttestationStatus{}
		zoePortfolio(w, func(p *domain.Portfolio) {
			for id, a := range p.Attestations() {
				out[id] = a.Status(p)
			}
		})
		return out
	}
	zoePortfolio(w, func(p *domain.Portfolio) {
		a := p.Attestations()["at-ev-1"]
		if a.Tutor != "p-tutor" || !a.At.Equal(w.now) || a.ContentHash != sha("Tenue de caisse, mars.") || !a.Current(p) {
			t.Fatalf("attestation %+v", a)
		}
		if a := p.Attestations()[gen.ID]; a.ContentHash != "" || a.Target != onTask1 || !a.Current(p) {
			t.Fatalf("task attestation %+v", a)
		}
	})
	// When the evidence changes after the fact, the attestation shows it.
	w.mustDo(w.h.ReviseEvidence(w.ctx, w.call(w.bene), commands.ReviseEvidence{PortfolioID: zoe, EvidenceID: "ev-1", EvidenceInput: textEvidence("Tenue de caisse, avril.")}))
	w.mustDo(w.h.SupersedeEvidence(w.ctx, w.call(w.bene), commands.SupersedeEvidence{PortfolioID: zoe, EvidenceID: "ev-2", NewEvidenceID: "ev-2b", EvidenceInput: textEvidence("Vitrine v2.")}))
	w.mustDo(w.h.WithdrawEvidence(w.ctx, w.call(w.bene), commands.WithdrawEvidence{PortfolioID: zoe, EvidenceID: "ev-3"}))
	w.mustDo(w.h.RemoveTask(w.ctx, w.call(w.bene), commands.RemoveTask{PortfolioID: zoe, ExperienceID: "x-1", TaskID: "t-1"}))
	got := status()
	want := map[string]domain.AttestationStatus{"at-ev-1": domain.AttestationChanged, "at-ev-2": domain.AttestationSuperseded,
		"at-ev-3": domain.AttestationWithdrawn, gen.ID: domain.AttestationWithdrawn}
	for id, s := range want {
		if got[id] != s {
			t.Fatalf("attestation %s is %q, want %q (all: %v)", id, got[id], s, got)
		}
	}
	// Revising back to the attested content makes the attestation current again.
	w.mustDo(w.h.ReviseEvidence(w.ctx, w.call(w.bene), commands.ReviseEvidence{PortfolioID: zoe, EvidenceID: "ev-1", EvidenceInput: textEvidence("Tenue de caisse, mars.")}))
	if s := status()["at-ev-1"]; s != domain.AttestationCurrent {
		t.Fatalf("attestation of restored content is %q", s)
	}

	expired := until.Sub(w.now) + time.Second
	ev := func(id string) domain.ItemRef { return domain.ItemRef{Kind: domain.ItemEvidence, ID: id} }
	runItemRefusals(t, w, []itemRefusal{
		{name: "owner attests", actor: w.bene, cmd: attest(w, "", ev("ev-1"), "x"), kind: domain.KindForbidden},
		{name: "counsellor attests", actor: w.counsellor, cmd: attest(w, "", ev("ev-1"), "x"), kind: domain.KindForbidden},
		{name: "tutor out of scope", actor: w.tutor, cmd: attest(w, "", ev("ev-x2"), "x"), kind: domain.KindNotFound, field: "evidence"},
		{name: "tutor on missing evidence", actor: w.tutor, cmd: attest(w, "", ev("ev-404"), "x"), kind: domain.KindNotFound, field: "evidence"},
		{name: "tutor after the grant's end", actor: w.tutor, cmd: attest(w, "", ev("ev-1"), "x"), kind: domain.KindNotFound, field: "portfolio", later: expired},
		{name: "auditor", actor: w.auditor, cmd: attest(w, "", ev("ev-1"), "x"), kind: domain.KindNotFound, field: "portfolio"},
		{name: "withdrawn evidence", actor: w.tutor, cmd: attest(w, "", ev("ev-3"), "x"), kind: domain.KindNotFound, field: "target"},
		{name: "superseded evidence", actor: w.tutor, cmd: attest(w, "", ev("ev-2"), "x"), kind: domain.KindConflict},
		{name: "a competence", actor: w.tutor, cmd: attest(w, "", onComp1, "x"), kind: domain.KindInvalid, field: "target.kind"},
		{name: "duplicate id", actor: w.tutor, cmd: attest(w, "at-ev-1", ev("ev-1"), "x"), kind: domain.KindConflict},
		{name: "empty statement", actor: w.tutor, cmd: attest(w, "", ev("ev-1"), ""), kind: domain.KindInvalid, field: "statement"},
	})
}

// Personal text of this slice (competence names, evidence texts, links
// and file names, assessment comments, comments, attestations) is sealed:
// it never appears in the stored bytes, yet reads back.
func TestFeedbackPersonalTextIsSealed(t *testing.T) {
	w := newWorld(t)
	givenItems(w)
	secrets := []string{"Zoé-secret-competence", "Zoé-secret-evidence", "https://zoe-secret.example/", "zoe-secret-file.jpg",
		"Zoé-secret-assessment", "Zoé-secret-comment", "Zoé-secret-attestation"}
	bene := w.call(w.bene)
	w.mustDo(w.h.DeclareCompetence(w.ctx, bene, commands.DeclareCompetence{PortfolioID: zoe, CompetenceID: "c-s",
		CompetenceInput: domain.CompetenceInput{Text: domain.CompetenceText{Name: secrets[0]}}}))
	w.mustDo(attach(w, "ev-s", onExp1, textEvidence(secrets[1]))(bene))
	w.mustDo(attach(w, "ev-l", onExp1, linkEvidence(secrets[2]))(bene))
	file := fileEvidence(w, "bytes")
	file.Text.FileName = secrets[3]
	w.mustDo(attach(w, "ev-f", onExp1, file)(bene))
	w.mustDo(assess(w, "c-s", domain.ResultPartly, secrets[4])(w.call(w.counsellor)))
	w.mustDo(comment(w, onExp1, secrets[5])(w.call(w.counsellor)))
	w.mustDo(attest(w, "at-s", domain.ItemRef{Kind: domain.ItemEvidence, ID: "ev-s"}, secrets[6])(w.call(w.tutor)))

	events, err := w.store.ReadAll(w.ctx, eventstore.Start, 10000)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range events {
		seen[e.Type] = true
		for _, s := range append(secrets, "Accueillir la clientèle", "Encaissement") {
			if bytes.Contains(e.Data, []byte(s)) || bytes.Contains(e.Metadata, []byte(s)) {
				t.Fatalf("%s@%d (%s) holds %q in clear", e.Stream, e.Revision, e.Type, s)
			}
		}
	}
	for _, typ := range []string{"CompetenceAdded", "EvidenceAttached", "CompetenceAssessmentRecorded", "CommentAdded", "AttestationRecorded"} {
		if !seen[typ] {
			t.Fatalf("no %s event was stored", typ)
		}
	}
	zoePortfolio(w, func(p *domain.Portfolio) {
		c, _ := p.Competence("c-s")
		if c.Personal.Name != secrets[0] || c.Assessments[0].Personal.Text != secrets[4] || p.Evidence()["ev-f"].Personal.FileName != secrets[3] ||
			p.Attestations()["at-s"].Personal.Text != secrets[6] {
			t.Fatal("sealed text does not read back")
		}
	})
}
