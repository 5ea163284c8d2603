package domain_test

import (
	"testing"
	"time"

	"github.com/parcours/parcours/domain"
)

func TestShareTokenHash(t *testing.T) {
	if got := domain.ShareTokenHash("abc"); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Fatalf("SHA-256 of abc: %s", got)
	}
}

func TestSharedPageAt(t *testing.T) {
	p := openedPortfolio(t)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	applyDecided(t, p)(p.CreatePage("pg", domain.PageInput{Text: domain.PageText{Title: "Ma page"}}))
	week, forever := domain.ShareTokenHash("week"), domain.ShareTokenHash("forever")
	until := now.Add(7 * 24 * time.Hour)
	applyDecided(t, p)(p.PublishPage("pg", "l-week", week, domain.LinkInput{Until: until}, now))
	applyDecided(t, p)(p.PublishPage("pg", "l-forever", forever, domain.LinkInput{Public: true}, now))
	if _, err := p.PublishPage("pg", "l-again", week, domain.LinkInput{}, now); domain.KindOf(err) != domain.KindConflict {
		t.Fatalf("a token hash used twice: %v", err)
	}
	if _, err := p.PublishPage("pg", "l-bad", "ABC", domain.LinkInput{}, now); domain.KindOf(err) != domain.KindInvalid {
		t.Fatalf("a malformed token hash: %v", err)
	}
	opens := func(hash string, at time.Time) bool {
		pg, ok := p.SharedPageAt(hash, at)
		return ok && pg.ID == "pg"
	}
	if !opens(week, now) || !opens(week, until.Add(-time.Nanosecond)) || opens(week, until) || !opens(forever, until) {
		t.Fatal("expiry")
	}
	if opens(domain.ShareTokenHash("other"), now) {
		t.Fatal("an unknown token opens the page")
	}
	applyDecided(t, p)(p.RevokeShareLink("pg", "l-week"))
	if opens(week, now) || !opens(forever, now) {
		t.Fatal("revocation closes exactly one link")
	}
	if _, l, ok := p.PageByToken(week); !ok || !l.Revoked {
		t.Fatal("a revoked link is still found, as revoked")
	}
	applyDecided(t, p)(p.RemovePage("pg"))
	if opens(forever, now) {
		t.Fatal("a removed page opens")
	}
}
