package commands_test

import (
	"strings"
	"testing"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

func TestJournal(t *testing.T) {
	w := newWorld(t) // today is 2026-03-02
	// The owner writes today's entry; the counsellor answers for an
	// earlier day. Author and role come from the call.
	mine := w.mustDo(w.h.WriteJournalEntry(w.ctx, w.call(w.bene), commands.WriteJournalEntry{PortfolioID: "p-zoe", Text: "Appelé trois employeurs-Journal-Zoé"}))
	if !strings.HasPrefix(mine.ID, "j-") || mine.Events != 1 {
		t.Fatalf("write: %+v", mine)
	}
	w.mustDo(w.h.WriteJournalEntry(w.ctx, w.call(w.counsellor), commands.WriteJournalEntry{PortfolioID: "p-zoe", EntryID: "j-cons",
		Day: "2026-02-27", Text: "Entretien : CV à reprendre-Journal-Karim"}))
	w.read(w.counsellor, "p-zoe", func(p *domain.Portfolio) {
		a, b := p.Journal()[mine.ID], p.Journal()["j-cons"]
		if a == nil || a.Author != "p-zoe" || a.Role != domain.RoleBeneficiary || a.Day != "2026-03-02" || a.Personal.Text != "Appelé trois employeurs-Journal-Zoé" {
			t.Fatalf("owner's entry %+v", a)
		}
		if b == nil || b.Author != "p-cons" || b.Role != domain.RoleCounsellor || b.Day != "2026-02-27" {
			t.Fatalf("counsellor's entry %+v", b)
		}
	})
	w.neverInClear("Journal-Zoé", "Journal-Karim")

	w.refusedToAll(t, w.outsiders(true), func(c commands.Call) (commands.Result, error) {
		return w.h.WriteJournalEntry(w.ctx, c, commands.WriteJournalEntry{PortfolioID: "p-zoe", Text: "Intrusion"})
	})
	write := func(mut func(*commands.WriteJournalEntry)) func(commands.Call) (commands.Result, error) {
		cmd := commands.WriteJournalEntry{PortfolioID: "p-zoe", Text: "Une entrée"}
		mut(&cmd)
		return func(c commands.Call) (commands.Result, error) { return w.h.WriteJournalEntry(w.ctx, c, cmd) }
	}
	inv := domain.KindInvalid
	w.refusedAll(t, []refusal{
		{"no text", w.bene, write(func(c *commands.WriteJournalEntry) { c.Text = "\n " }), inv, "text"},
		{"text too long", w.counsellor, write(func(c *commands.WriteJournalEntry) { c.Text = strings.Repeat("a", 10001) }), inv, "text"},
		{"control character", w.bene, write(func(c *commands.WriteJournalEntry) { c.Text = "a\x1bb" }), inv, "text"},
		{"day in the future", w.counsellor, write(func(c *commands.WriteJournalEntry) { c.Day = "2026-03-03" }), inv, "day"},
		{"day not a date", w.bene, write(func(c *commands.WriteJournalEntry) { c.Day = "lundi" }), inv, "day"},
		{"bad id", w.bene, write(func(c *commands.WriteJournalEntry) { c.EntryID = "j 1" }), inv, "entry_id"},
		{"duplicate id", w.bene, write(func(c *commands.WriteJournalEntry) { c.EntryID = "j-cons" }), domain.KindConflict, ""},
		{"missing portfolio", w.bene, write(func(c *commands.WriteJournalEntry) { c.PortfolioID = "p-nobody" }), domain.KindNotFound, "portfolio"},
	})

	// Once unassigned, the counsellor no longer knows the portfolio.
	w.mustDo(w.h.UnassignCounsellor(w.ctx, w.call(w.admin), commands.UnassignCounsellor{PortfolioID: "p-zoe", CounsellorID: "p-cons"}))
	w.refusedAll(t, []refusal{{"unassigned counsellor", w.counsellor, write(func(*commands.WriteJournalEntry) {}), domain.KindNotFound, "portfolio"}})
}
