package commands_test

import (
	"crypto/ed25519"
	"errors"
	"testing"

	"github.com/parcours/parcours/badges"
	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

// submittedWorld is vaeWorld with d-1 admissible, both blocks mapped and
// the dossier submitted.
func submittedWorld(t *testing.T) *world {
	w := vaeWorld(t)
	p := "p-zoe"
	w.mustDo(w.h.RequestAdmissibility(w.ctx, w.call(w.bene), commands.RequestAdmissibility{PortfolioID: p, DossierID: "d-1"}))
	w.mustDo(w.h.RecordAdmissibility(w.ctx, w.call(w.counsellor), commands.RecordAdmissibility{PortfolioID: p, DossierID: "d-1", Admissible: true, DecidedOn: "2026-02-20"}))
	for _, b := range []string{"BC01", "BC02"} {
		w.mustDo(w.h.MapToBlock(w.ctx, w.call(w.bene), commands.MapToBlock{PortfolioID: p, DossierID: "d-1", Block: b, Item: vaeItem("x-1")}))
	}
	w.mustDo(w.h.SubmitDossier(w.ctx, w.call(w.bene), commands.SubmitDossier{PortfolioID: p, DossierID: "d-1"}))
	return w
}

// TestBadgeOnJuryValidation: the jury's validation of a block issues its
// badge (and a partial one none); the credential verifies against the
// structure's issuer key and its status list, until it is revoked.
func TestBadgeOnJuryValidation(t *testing.T) {
	w := submittedWorld(t)
	w.mustDo(w.h.RecordJuryDecision(w.ctx, w.call(w.counsellor), commands.RecordJuryDecision{PortfolioID: "p-zoe", DossierID: "d-1", Block: "BC01", Decision: domain.BlockValidated, DecidedOn: "2026-03-02"}))
	w.mustDo(w.h.RecordJuryDecision(w.ctx, w.call(w.counsellor), commands.RecordJuryDecision{PortfolioID: "p-zoe", DossierID: "d-1", Block: "BC02", Decision: domain.BlockPartly, DecidedOn: "2026-03-02"}))
	got, err := w.h.PortfolioBadges(w.ctx, w.bene, "p-zoe")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Achievement.BlockCode != "BC01" || got[0].Achievement.RNCPCode != "RNCP37849" || got[0].IssuerName != "Mission Locale du Vieux-Port" {
		t.Fatalf("badges %+v", got)
	}
	// Issuing it again by hand answers the same badge and records nothing.
	again := w.mustDo(w.h.IssueBlockBadge(w.ctx, w.call(w.counsellor), commands.IssueBlockBadge{PortfolioID: "p-zoe", DossierID: "d-1", Block: "BC01"}))
	if again.ID != got[0].ID || again.Events != 0 {
		t.Fatalf("issued again: %+v", again)
	}
	_, raw, err := w.h.BadgeCredential(w.ctx, w.bene, got[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := w.h.IssuerKey(w.ctx, tenant)
	pub := key.Public().(ed25519.PublicKey)
	list, _, _ := w.h.StatusList(w.ctx, tenant)
	v, err := badges.VerifyCredential(raw, badges.VerifyOptions{IssuerKey: pub, StatusList: list, Now: w.now})
	if err != nil || !v.StatusChecked || v.HumanCode != "RNCP37849 BC01" {
		t.Fatalf("verify: %+v, %v", v, err)
	}
	w.mustDo(w.h.RevokeBadge(w.ctx, w.call(w.admin), commands.RevokeBadge{BadgeID: got[0].ID, Reason: "décision annulée"}))
	list, _, _ = w.h.StatusList(w.ctx, tenant)
	if _, err := badges.VerifyCredential(raw, badges.VerifyOptions{IssuerKey: pub, StatusList: list, Now: w.now}); !errors.Is(err, badges.ErrRevoked) {
		t.Fatalf("revoked badge: %v", err)
	}
	if pub2, _ := w.h.IssuerKey(w.ctx, tenant); !pub2.Public().(ed25519.PublicKey).Equal(pub) {
		t.Fatal("the issuer key changed")
	}
}

func TestBadgeAuthorization(t *testing.T) {
	w := submittedWorld(t)
	issue := func(name string) func(commands.Call) (commands.Result, error) {
		return func(c commands.Call) (commands.Result, error) {
			return w.h.IssueAchievementBadge(w.ctx, c, commands.IssueAchievementBadge{PortfolioID: "p-zoe", Name: name, Description: "Six mois d'aide aux devoirs", Criteria: "Reconnu par son conseiller"})
		}
	}
	w.refusedOn(t, "beneficiary issues herself one", w.bene, issue("Bénévolat"), domain.KindForbidden, "")
	w.refusedOn(t, "admin issues", w.admin, issue("Bénévolat"), domain.KindForbidden, "")
	w.refusedOn(t, "tutor issues", w.tutor, issue("Bénévolat"), domain.KindForbidden, "")
	w.refusedOn(t, "unassigned counsellor", w.counsellor2, issue("Bénévolat"), domain.KindNotFound, "")
	w.refusedOn(t, "empty name", w.counsellor, issue(""), domain.KindInvalid, "name")
	w.refusedOn(t, "block not decided", w.counsellor, func(c commands.Call) (commands.Result, error) {
		return w.h.IssueBlockBadge(w.ctx, c, commands.IssueBlockBadge{PortfolioID: "p-zoe", DossierID: "d-1", Block: "BC01"})
	}, domain.KindConflict, "")
	res := w.mustDo(issue("Bénévolat")(w.call(w.counsellor)))
	if res.ID == "" || res.Events != 1 {
		t.Fatalf("issue: %+v", res)
	}
	other := domain.Actor{PersonID: "p-x", Tenant: "s-other", Role: domain.RoleStructureAdmin}
	for _, a := range []domain.Actor{w.bene2, w.tutor, w.auditor, other} {
		if _, _, err := w.h.BadgeCredential(w.ctx, a, res.ID); !isKind(err, domain.KindNotFound) && !isKind(err, domain.KindForbidden) {
			t.Errorf("%s reads the credential: %v", a.PersonID, err)
		}
	}
	for _, a := range []domain.Actor{w.bene, w.counsellor, w.admin} {
		if _, _, err := w.h.BadgeCredential(w.ctx, a, res.ID); err != nil {
			t.Errorf("%s cannot read the credential: %v", a.PersonID, err)
		}
	}
	revoke := func(c commands.Call) (commands.Result, error) {
		return w.h.RevokeBadge(w.ctx, c, commands.RevokeBadge{BadgeID: res.ID, Reason: "erreur"})
	}
	w.refusedOn(t, "beneficiary revokes", w.bene, revoke, domain.KindForbidden, "")
	w.refusedOn(t, "other beneficiary revokes", w.bene2, revoke, domain.KindNotFound, "badge")
	w.refusedOn(t, "no reason", w.counsellor, func(c commands.Call) (commands.Result, error) {
		return w.h.RevokeBadge(w.ctx, c, commands.RevokeBadge{BadgeID: res.ID})
	}, domain.KindInvalid, "reason")
	w.mustDo(revoke(w.call(w.counsellor)))
	if pub, _ := w.h.PublishedBadges(w.ctx, tenant, "p-zoe"); len(pub) != 0 {
		t.Errorf("a revoked badge is published: %+v", pub)
	}
}

func isKind(err error, k domain.Kind) bool {
	var de *domain.Error
	return errors.As(err, &de) && de.Kind == k
}
