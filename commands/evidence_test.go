package commands_test

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

func textEvidence(text string) domain.EvidenceInput {
	return domain.EvidenceInput{Kind: domain.EvidenceOfText, Text: domain.EvidenceText{Title: "Récit", Text: text}}
}

func linkEvidence(url string) domain.EvidenceInput {
	return domain.EvidenceInput{Kind: domain.EvidenceOfLink, Text: domain.EvidenceText{Title: "Article", URL: url}}
}

// fileEvidence stores content as an encrypted file of Zoé's and returns
// the evidence that shows it.
func fileEvidence(w *world, content string) domain.EvidenceInput {
	w.t.Helper()
	ref, err := w.files.Put(w.ctx, zoe, strings.NewReader(content), 1<<20)
	if err != nil {
		w.t.Fatal(err)
	}
	return domain.EvidenceInput{Kind: domain.EvidenceOfFile,
		File: &domain.FileRef{FileID: ref.ID, SHA256: hex.EncodeToString(ref.SHA256[:]), Size: ref.Size, MediaType: "image/jpeg"},
		Text: domain.EvidenceText{Title: "Photo de la vitrine", FileName: "vitrine.jpg"}}
}

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func attach(w *world, id string, target domain.ItemRef, in domain.EvidenceInput) func(commands.Call) (commands.Result, error) {
	return func(c commands.Call) (commands.Result, error) {
		return w.h.AttachEvidence(w.ctx, c, commands.AttachEvidence{PortfolioID: zoe, EvidenceID: id, Target: target, EvidenceInput: in})
	}
}

var (
	onComp1 = domain.ItemRef{Kind: domain.ItemCompetence, ID: "c-1"}
	onExp1  = domain.ItemRef{Kind: domain.ItemExperience, ID: "x-1"}
	onTask1 = domain.ItemRef{Kind: domain.ItemTask, ID: "x-1/t-1"}
)

func TestAttachEvidence(t *testing.T) {
	w := newWorld(t)
	givenItems(w)
	file := fileEvidence(w, "JPEG bytes of a shop window")
	w.mustDo(attach(w, "ev-text", onComp1, textEvidence("J'accueille les clients chaque matin."))(w.call(w.bene)))
	w.mustDo(attach(w, "ev-link", onExp1, linkEvidence("https://example.org/article"))(w.call(w.bene)))
	res := w.mustDo(attach(w, "", onTask1, file)(w.call(w.bene)))
	if !strings.HasPrefix(res.ID, "ev-") {
		t.Fatalf("generated id %q", res.ID)
	}
	zoePortfolio(w, func(p *domain.Portfolio) {
		ev := p.Evidence()
		if e := ev["ev-text"]; e.Target != onComp1 || e.Kind != domain.EvidenceOfText || e.ContentHash != sha("J'accueille les clients chaque matin.") {
			t.Fatalf("text evidence %+v", e)
		}
		if e := ev["ev-link"]; e.ContentHash != sha("https://example.org/article") || e.Personal.URL != "https://example.org/article" {
			t.Fatalf("link evidence %+v", e)
		}
		if e := ev[res.ID]; e.Target != onTask1 || *e.File != *file.File || e.ContentHash != sha("JPEG bytes of a shop window") || e.Personal.FileName != "vitrine.jpg" {
			t.Fatalf("file evidence %+v", e)
		}
	})
	// An idempotency key makes a resent command apply once, with the same ID.
	key := w.call(w.bene)
	key.IdempotencyKey = "upload-42"
	first := w.mustDo(w.h.AttachEvidence(w.ctx, key, commands.AttachEvidence{PortfolioID: zoe, Target: onExp1, EvidenceInput: textEvidence("Bis")}))
	again := w.mustDo(w.h.AttachEvidence(w.ctx, key, commands.AttachEvidence{PortfolioID: zoe, Target: onExp1, EvidenceInput: textEvidence("Bis")}))
	if !again.Replayed || again.ID != first.ID || again.Revision != first.Revision {
		t.Fatalf("replay %+v after %+v", again, first)
	}

	w.mustDo(w.h.RemoveExperience(w.ctx, w.call(w.bene), commands.RemoveExperience{PortfolioID: zoe, ExperienceID: "x-2"}))
	bad := func(mut func(*domain.EvidenceInput)) domain.EvidenceInput {
		in := fileEvidence(w, "x")
		mut(&in)
		return in
	}
	txt := textEvidence("Un récit.")
	runItemRefusals(t, w, []itemRefusal{
		{name: "counsellor attaches", actor: w.counsellor, cmd: attach(w, "", onExp1, txt), kind: domain.KindForbidden},
		{name: "tutor attaches", actor: w.tutor, cmd: attach(w, "", onExp1, txt), kind: domain.KindForbidden},
		{name: "admin attaches", actor: w.admin, cmd: attach(w, "", onExp1, txt), kind: domain.KindForbidden},
		{name: "another beneficiary", actor: w.bene2, cmd: attach(w, "", onExp1, txt), kind: domain.KindNotFound, field: "portfolio"},
		{name: "duplicate id", actor: w.bene, cmd: attach(w, "ev-text", onExp1, txt), kind: domain.KindConflict},
		{name: "bad id", actor: w.bene, cmd: attach(w, "ev 1", onExp1, txt), kind: domain.KindInvalid, field: "evidence_id"},
		{name: "missing competence", actor: w.bene, cmd: attach(w, "", domain.ItemRef{Kind: domain.ItemCompetence, ID: "c-404"}, txt), kind: domain.KindNotFound, field: "target"},
		{name: "removed experience", actor: w.bene, cmd: attach(w, "", domain.ItemRef{Kind: domain.ItemExperience, ID: "x-2"}, txt), kind: domain.KindNotFound, field: "target"},
		{name: "missing task", actor: w.bene, cmd: attach(w, "", domain.ItemRef{Kind: domain.ItemTask, ID: "x-1/t-404"}, txt), kind: domain.KindNotFound, field: "target"},
		{name: "evidence of a goal", actor: w.bene, cmd: attach(w, "", domain.ItemRef{Kind: domain.ItemGoal, ID: "g-1"}, txt), kind: domain.KindInvalid, field: "target.kind"},
		{name: "unknown kind", actor: w.bene, cmd: attach(w, "", onExp1, bad(func(in *domain.EvidenceInput) { in.Kind = "video" })), kind: domain.KindInvalid, field: "kind"},
		{name: "no title", actor: w.bene, cmd: attach(w, "", onExp1, bad(func(in *domain.EvidenceInput) { in.Text.Title = "" })), kind: domain.KindInvalid, field: "title"},
		{name: "empty text", actor: w.bene, cmd: attach(w, "", onExp1, textEvidence(" ")), kind: domain.KindInvalid, field: "text"},
		{name: "text with a link", actor: w.bene, cmd: attach(w, "", onExp1, domain.EvidenceInput{Kind: domain.EvidenceOfText, Text: domain.EvidenceText{Title: "t", Text: "a", URL: "https://x.org"}}), kind: domain.KindInvalid, field: "url"},
		{name: "not a web link", actor: w.bene, cmd: attach(w, "", onExp1, linkEvidence("javascript:alert(1)")), kind: domain.KindInvalid, field: "url"},
		{name: "link with a file", actor: w.bene, cmd: attach(w, "", onExp1, bad(func(in *domain.EvidenceInput) {
			in.Kind, in.Text.FileName, in.Text.URL = domain.EvidenceOfLink, "", "https://x.org"
		})), kind: domain.KindInvalid, field: "file"},
		{name: "file missing", actor: w.bene, cmd: attach(w, "", onExp1, bad(func(in *domain.EvidenceInput) { in.File = nil })), kind: domain.KindInvalid, field: "file"},
		{name: "bad file id", actor: w.bene, cmd: attach(w, "", onExp1, bad(func(in *domain.EvidenceInput) { in.File.FileID = "../etc" })), kind: domain.KindInvalid, field: "file.file_id"},
		{name: "bad sha256", actor: w.bene, cmd: attach(w, "", onExp1, bad(func(in *domain.EvidenceInput) { in.File.SHA256 = strings.ToUpper(in.File.SHA256) })), kind: domain.KindInvalid, field: "file.sha256"},
		{name: "empty file", actor: w.bene, cmd: attach(w, "", onExp1, bad(func(in *domain.EvidenceInput) { in.File.Size = 0 })), kind: domain.KindInvalid, field: "file.size"},
		{name: "bad media type", actor: w.bene, cmd: attach(w, "", onExp1, bad(func(in *domain.EvidenceInput) { in.File.MediaType = "jpeg" })), kind: domain.KindInvalid, field: "file.media_type"},
		{name: "no file name", actor: w.bene, cmd: attach(w, "", onExp1, bad(func(in *domain.EvidenceInput) { in.Text.FileName = "" })), kind: domain.KindInvalid, field: "file_name"},
		{name: "file name with a path", actor: w.bene, cmd: attach(w, "", onExp1, bad(func(in *domain.EvidenceInput) { in.Text.FileName = "../x.jpg" })), kind: domain.KindInvalid, field: "file_name"},
	})
}

func TestReviseEvidence(t *testing.T) {
	w := newWorld(t)
	givenItems(w)
	w.mustDo(attach(w, "ev-1", onExp1, textEvidence("Première version."))(w.call(w.bene)))
	w.mustDo(attach(w, "ev-2", onExp1, textEvidence("Autre."))(w.call(w.bene)))
	w.mustDo(attach(w, "ev-3", onExp1, textEvidence("Retirée."))(w.call(w.bene)))
	w.mustDo(w.h.WithdrawEvidence(w.ctx, w.call(w.bene), commands.WithdrawEvidence{PortfolioID: zoe, EvidenceID: "ev-3"}))
	w.mustDo(w.h.SupersedeEvidence(w.ctx, w.call(w.bene), commands.SupersedeEvidence{PortfolioID: zoe, EvidenceID: "ev-2", NewEvidenceID: "ev-2b", EvidenceInput: textEvidence("Autre, mieux.")}))
	revise := func(id string, in domain.EvidenceInput) func(commands.Call) (commands.Result, error) {
		return func(c commands.Call) (commands.Result, error) {
			return w.h.ReviseEvidence(w.ctx, c, commands.ReviseEvidence{PortfolioID: zoe, EvidenceID: id, EvidenceInput: in})
		}
	}
	w.mustDo(revise("ev-1", linkEvidence("https://example.org/v2"))(w.call(w.bene)))
	zoePortfolio(w, func(p *domain.Portfolio) {
		e := p.Evidence()["ev-1"]
		if e.Kind != domain.EvidenceOfLink || e.ContentHash != sha("https://example.org/v2") || e.Personal.Text != "" || e.Target != onExp1 {
			t.Fatalf("revised evidence %+v", e)
		}
	})
	runItemRefusals(t, w, []itemRefusal{
		{name: "counsellor revises", actor: w.counsellor, cmd: revise("ev-1", textEvidence("x")), kind: domain.KindForbidden},
		{name: "tutor revises", actor: w.tutor, cmd: revise("ev-1", textEvidence("x")), kind: domain.KindForbidden},
		{name: "missing evidence", actor: w.bene, cmd: revise("ev-404", textEvidence("x")), kind: domain.KindNotFound, field: "evidence_id"},
		{name: "withdrawn evidence", actor: w.bene, cmd: revise("ev-3", textEvidence("x")), kind: domain.KindNotFound, field: "evidence_id"},
		{name: "superseded evidence", actor: w.bene, cmd: revise("ev-2", textEvidence("x")), kind: domain.KindConflict},
		{name: "bad input", actor: w.bene, cmd: revise("ev-1", linkEvidence("ftp://x")), kind: domain.KindInvalid, field: "url"},
	})
}

func TestWithdrawEvidence(t *testing.T) {
	w := newWorld(t)
	givenItems(w)
	w.mustDo(attach(w, "ev-1", onComp1, textEvidence("Récit."))(w.call(w.bene)))
	withdraw := func(id string) func(commands.Call) (commands.Result, error) {
		return func(c commands.Call) (commands.Result, error) {
			return w.h.WithdrawEvidence(w.ctx, c, commands.WithdrawEvidence{PortfolioID: zoe, EvidenceID: id})
		}
	}
	runItemRefusals(t, w, []itemRefusal{
		{name: "counsellor withdraws", actor: w.counsellor, cmd: withdraw("ev-1"), kind: domain.KindForbidden},
		{name: "tutor withdraws", actor: w.tutor, cmd: withdraw("ev-1"), kind: domain.KindForbidden},
		{name: "another beneficiary", actor: w.bene2, cmd: withdraw("ev-1"), kind: domain.KindNotFound, field: "portfolio"},
		{name: "missing evidence", actor: w.bene, cmd: withdraw("ev-404"), kind: domain.KindNotFound, field: "evidence_id"},
	})
	w.mustDo(withdraw("ev-1")(w.call(w.bene)))
	zoePortfolio(w, func(p *domain.Portfolio) {
		if e := p.Evidence()["ev-1"]; e == nil || !e.Withdrawn || p.Has(domain.ItemRef{Kind: domain.ItemEvidence, ID: "ev-1"}) {
			t.Fatalf("withdrawn evidence %+v", e)
		}
	})
	runItemRefusals(t, w, []itemRefusal{
		{name: "withdrawn twice", actor: w.bene, cmd: withdraw("ev-1"), kind: domain.KindNotFound, field: "evidence_id"},
	})
}

// Given evidence mapped to a block of a submitted VAE dossier, it can
// neither be withdrawn nor revised, only superseded; the old one stays,
// and a tutor's attestation of it shows as superseded.
func TestEvidenceInSubmittedDossier(t *testing.T) {
	w := newWorld(t)
	givenItems(w)
	w.mustDo(attach(w, "ev-1", onExp1, textEvidence("Tenue de caisse."))(w.call(w.bene)))
	w.mustDo(attest(w, "at-1", domain.ItemRef{Kind: domain.ItemEvidence, ID: "ev-1"}, "Je l'ai vue faire.")(w.call(w.tutor)))
	cert := domain.Certification{RNCPCode: "RNCP37849", Title: "Employé polyvalent du commerce", Blocks: []domain.Block{
		{Code: "BC01", Title: "Tenir la caisse", Competences: []domain.BlockCompetence{{Code: "C1.1", Title: "Encaisser"}}}}}
	w.mustDo(w.h.OpenDossier(w.ctx, w.call(w.bene), commands.OpenDossier{PortfolioID: zoe, DossierID: "d-1", Certification: cert}))
	w.mustDo(w.h.MapToBlock(w.ctx, w.call(w.bene), commands.MapToBlock{PortfolioID: zoe, DossierID: "d-1", Block: "BC01", Item: domain.ItemRef{Kind: domain.ItemEvidence, ID: "ev-1"}}))
	w.mustDo(w.h.RequestAdmissibility(w.ctx, w.call(w.bene), commands.RequestAdmissibility{PortfolioID: zoe, DossierID: "d-1"}))
	w.mustDo(w.h.RecordAdmissibility(w.ctx, w.call(w.counsellor), commands.RecordAdmissibility{PortfolioID: zoe, DossierID: "d-1", Admissible: true, DecidedOn: domain.DateOf(w.now)}))
	w.mustDo(w.h.SubmitDossier(w.ctx, w.call(w.bene), commands.SubmitDossier{PortfolioID: zoe, DossierID: "d-1"}))
	runItemRefusals(t, w, []itemRefusal{
		{name: "withdraw", actor: w.bene, cmd: func(c commands.Call) (commands.Result, error) {
			return w.h.WithdrawEvidence(w.ctx, c, commands.WithdrawEvidence{PortfolioID: zoe, EvidenceID: "ev-1"})
		}, kind: domain.KindConflict},
		{name: "revise", actor: w.bene, cmd: func(c commands.Call) (commands.Result, error) {
			return w.h.ReviseEvidence(w.ctx, c, commands.ReviseEvidence{PortfolioID: zoe, EvidenceID: "ev-1", EvidenceInput: textEvidence("Autre chose.")})
		}, kind: domain.KindConflict},
	})
	// Evidence outside the dossier is still withdrawn as usual.
	w.mustDo(attach(w, "ev-2", onExp1, textEvidence("Hors dossier."))(w.call(w.bene)))
	w.mustDo(w.h.WithdrawEvidence(w.ctx, w.call(w.bene), commands.WithdrawEvidence{PortfolioID: zoe, EvidenceID: "ev-2"}))
	w.mustDo(w.h.SupersedeEvidence(w.ctx, w.call(w.bene), commands.SupersedeEvidence{PortfolioID: zoe, EvidenceID: "ev-1", NewEvidenceID: "ev-1b", EvidenceInput: textEvidence("Tenue de caisse, complétée.")}))
	zoePortfolio(w, func(p *domain.Portfolio) {
		old := p.Evidence()["ev-1"]
		if old.SupersededBy != "ev-1b" || old.Withdrawn || old.Personal.Text != "Tenue de caisse." || old.ContentHash != sha("Tenue de caisse.") {
			t.Fatalf("old evidence %+v", old)
		}
		if s := p.Attestations()["at-1"].Status(p); s != domain.AttestationSuperseded {
			t.Fatalf("attestation is %s", s)
		}
	})
	runItemRefusals(t, w, []itemRefusal{
		{name: "withdraw once superseded", actor: w.bene, cmd: func(c commands.Call) (commands.Result, error) {
			return w.h.WithdrawEvidence(w.ctx, c, commands.WithdrawEvidence{PortfolioID: zoe, EvidenceID: "ev-1"})
		}, kind: domain.KindConflict},
	})
}

func TestSupersedeEvidence(t *testing.T) {
	w := newWorld(t)
	givenItems(w)
	w.mustDo(attach(w, "ev-1", onTask1, textEvidence("Version 1."))(w.call(w.bene)))
	supersede := func(id, newID string, in domain.EvidenceInput) func(commands.Call) (commands.Result, error) {
		return func(c commands.Call) (commands.Result, error) {
			return w.h.SupersedeEvidence(w.ctx, c, commands.SupersedeEvidence{PortfolioID: zoe, EvidenceID: id, NewEvidenceID: newID, EvidenceInput: in})
		}
	}
	res := w.mustDo(supersede("ev-1", "", textEvidence("Version 2."))(w.call(w.bene)))
	if !strings.HasPrefix(res.ID, "ev-") || res.Events != 2 {
		t.Fatalf("result %+v", res)
	}
	zoePortfolio(w, func(p *domain.Portfolio) {
		old, nu := p.Evidence()["ev-1"], p.Evidence()[res.ID]
		if old == nil || old.SupersededBy != res.ID || old.Withdrawn || old.Live() || old.Personal.Text != "Version 1." {
			t.Fatalf("old evidence %+v", old)
		}
		if nu == nil || nu.Target != onTask1 || nu.ContentHash != sha("Version 2.") || !nu.Live() {
			t.Fatalf("new evidence %+v", nu)
		}
	})
	runItemRefusals(t, w, []itemRefusal{
		{name: "counsellor supersedes", actor: w.counsellor, cmd: supersede(res.ID, "", textEvidence("x")), kind: domain.KindForbidden},
		{name: "superseded twice", actor: w.bene, cmd: supersede("ev-1", "", textEvidence("x")), kind: domain.KindConflict},
		{name: "missing evidence", actor: w.bene, cmd: supersede("ev-404", "", textEvidence("x")), kind: domain.KindNotFound, field: "evidence_id"},
		{name: "new id taken", actor: w.bene, cmd: supersede(res.ID, "ev-1", textEvidence("x")), kind: domain.KindConflict},
		{name: "bad new id", actor: w.bene, cmd: supersede(res.ID, "ev/2", textEvidence("x")), kind: domain.KindInvalid, field: "new_evidence_id"},
		{name: "bad input", actor: w.bene, cmd: supersede(res.ID, "", textEvidence("")), kind: domain.KindInvalid, field: "text"},
	})
}
