package domain

import (
	"testing"
	"time"
)

// decidedPortfolio is vaePortfolio with d-1 submitted, BC01 validated and
// BC02 not validated.
func decidedPortfolio(t *testing.T) *Portfolio {
	p := vaePortfolio(t)
	do := vaeDo(t, p)
	vaeAdmissible(t, p)
	x := ItemRef{Kind: ItemExperience, ID: "x-1"}
	do(p.MapToBlock("d-1", "BC01", x))
	do(p.MapToBlock("d-1", "BC02", x))
	do(p.SubmitDossier("d-1", 9, vaeNow))
	do(p.RecordJuryDecision("d-1", "BC01", BlockValidated, "2026-03-02", "p-cons", vaeNow))
	do(p.RecordJuryDecision("d-1", "BC02", BlockNotValidated, "2026-03-02", "p-cons", vaeNow))
	return p
}

func TestBadgeRegistry(t *testing.T) {
	p := decidedPortfolio(t)
	r := NewBadgeRegistry("s-1")
	apply := func(evs []Event, err error) []Event {
		t.Helper()
		if err != nil {
			t.Fatalf("refused: %v", err)
		}
		for _, e := range evs {
			r.Apply(e)
		}
		return evs
	}
	b := BadgeFacts{ID: "0b8f6a52-1c1e-4f5e-9d7a-3c2b1a0f9e8d", IssuerURL: "https://x/badges/issuers/s-1", IssuerName: "S", StatusURL: "https://x/badges/status/s-1", IssuedBy: "p-cons"}
	evs := apply(r.IssueBlockBadge(p, "d-1", "BC01", b, vaeNow))
	if len(evs) != 1 {
		t.Fatalf("issue: %v", evs)
	}
	got, ok := r.ForBlock("p-zoe", "d-1", "BC01")
	if !ok || got.StatusIndex != 0 || got.Recipient != "p-zoe" || got.Achievement.Name != "Accueillir et conseiller" || got.Achievement.RNCPCode != "RNCP37849" {
		t.Fatalf("badge %+v", got)
	}
	if evs := apply(r.IssueBlockBadge(p, "d-1", "BC01", b, vaeNow)); len(evs) != 0 {
		t.Fatal("a block's badge issued twice")
	}
	_, err := r.IssueBlockBadge(p, "d-1", "BC02", b, vaeNow)
	vaeRefused(t, err, KindConflict, "")
	_, err = r.IssueBlockBadge(p, "d-1", "BC09", b, vaeNow)
	vaeRefused(t, err, KindNotFound, "block")
	_, err = r.IssueBlockBadge(p, "d-9", "BC01", b, vaeNow)
	vaeRefused(t, err, KindNotFound, "")

	other := b
	other.ID = "1b8f6a52-1c1e-4f5e-9d7a-3c2b1a0f9e8d"
	_, err = r.IssueAchievementBadge(p, BadgeAchievement{Name: "", Description: "d", Criteria: "c"}, other, vaeNow)
	vaeRefused(t, err, KindInvalid, "name")
	_, err = r.IssueAchievementBadge(p, BadgeAchievement{Name: "n", Description: "d", Criteria: "c"}, b, vaeNow)
	vaeRefused(t, err, KindConflict, "") // same ID
	other.ID = "not-a-uuid"
	_, err = r.IssueAchievementBadge(p, BadgeAchievement{Name: "n", Description: "d", Criteria: "c"}, other, vaeNow)
	vaeRefused(t, err, KindInvalid, "badge_id")
	other.ID = "1b8f6a52-1c1e-4f5e-9d7a-3c2b1a0f9e8d"
	apply(r.IssueAchievementBadge(p, BadgeAchievement{Name: "Bénévolat", Description: "d", Criteria: "c"}, other, vaeNow))
	if all := r.OfPortfolio("p-zoe"); len(all) != 2 || all[1].StatusIndex != 1 || all[1].Source != BadgeOther {
		t.Fatalf("badges %+v", all)
	}

	later := vaeNow.Add(time.Hour)
	_, err = r.RevokeBadge(other.ID, "", "p-admin", later)
	vaeRefused(t, err, KindInvalid, "reason")
	_, err = r.RevokeBadge("2b8f6a52-1c1e-4f5e-9d7a-3c2b1a0f9e8d", "erreur", "p-admin", later)
	vaeRefused(t, err, KindNotFound, "badge")
	apply(r.RevokeBadge(other.ID, "erreur de saisie", "p-admin", later))
	if evs := apply(r.RevokeBadge(other.ID, "encore", "p-admin", later)); len(evs) != 0 {
		t.Fatal("revoked twice")
	}
	idx, updated := r.Revoked()
	if len(idx) != 1 || idx[0] != 1 || !updated.Equal(later) {
		t.Fatalf("revoked %v at %v", idx, updated)
	}
}
