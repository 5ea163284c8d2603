package commands_test

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore"
)

// pageWorld is a world where p-zoe has an experience x-1 with a task t-1,
// a removed experience x-gone, a competence c-1 with a text evidence ev-1,
// a goal, a journal entry and a page pg-1.
func pageWorld(t *testing.T) *world {
	w := newWorld(t)
	b := w.call(w.bene)
	w.mustDo(w.h.AddExperience(w.ctx, b, commands.AddExperience{PortfolioID: "p-zoe", ExperienceID: "x-1", ExperienceInput: w.experience("1")}))
	w.mustDo(w.h.AddTask(w.ctx, b, commands.AddTask{PortfolioID: "p-zoe", ExperienceID: "x-1", TaskID: "t-1", Text: domain.TaskText{Title: "Encaissement"}}))
	w.mustDo(w.h.AddExperience(w.ctx, b, commands.AddExperience{PortfolioID: "p-zoe", ExperienceID: "x-gone", ExperienceInput: w.experience("gone")}))
	w.mustDo(w.h.RemoveExperience(w.ctx, b, commands.RemoveExperience{PortfolioID: "p-zoe", ExperienceID: "x-gone"}))
	w.mustDo(w.h.DeclareCompetence(w.ctx, b, commands.DeclareCompetence{PortfolioID: "p-zoe", CompetenceID: "c-1",
		CompetenceInput: domain.CompetenceInput{Text: domain.CompetenceText{Name: "Tenir une caisse"}}}))
	w.mustDo(w.h.AttachEvidence(w.ctx, b, commands.AttachEvidence{PortfolioID: "p-zoe", EvidenceID: "ev-1", Target: domain.ItemRef{Kind: domain.ItemCompetence, ID: "c-1"},
		EvidenceInput: domain.EvidenceInput{Kind: domain.EvidenceOfText, Text: domain.EvidenceText{Title: "Fond de caisse", Text: "Juste au centime"}}}))
	w.mustDo(w.h.SetGoal(w.ctx, b, w.goal("goal-1", "2026-09-01")))
	w.mustDo(w.h.WriteJournalEntry(w.ctx, b, commands.WriteJournalEntry{PortfolioID: "p-zoe", EntryID: "j-1", Text: "Privé"}))
	w.mustDo(w.h.CreatePage(w.ctx, b, commands.CreatePage{PortfolioID: "p-zoe", PageID: "pg-1", PageInput: pageInput()}))
	return w
}

func pageInput() domain.PageInput {
	return domain.PageInput{Items: []domain.ItemRef{{Kind: domain.ItemExperience, ID: "x-1"}, {Kind: domain.ItemTask, ID: "x-1/t-1"}, {Kind: domain.ItemGoal, ID: "goal-1"},
		{Kind: domain.ItemCompetence, ID: "c-1"}, {Kind: domain.ItemEvidence, ID: "ev-1"}},
		Text: domain.PageText{Title: "Zoé Martin, vendeuse-Page", Intro: "Mon parcours-Page-Intro"}}
}

// opens reports whether token opens a page of p-zoe now, and which.
func (w *world) opens(token string) (string, bool) {
	w.t.Helper()
	var id string
	var ok bool
	w.read(w.bene, "p-zoe", func(p *domain.Portfolio) {
		if pg, open := p.SharedPageAt(domain.ShareTokenHash(token), w.now); open {
			id, ok = pg.ID, true
		}
	})
	return id, ok
}

func (w *world) publish(call commands.Call, cmd commands.PublishPage) commands.Result {
	w.t.Helper()
	res := w.mustDo(w.h.PublishPage(w.ctx, call, cmd))
	raw, err := base64.RawURLEncoding.DecodeString(res.Secret)
	if err != nil || len(raw)*8 < 128 {
		w.t.Fatalf("token %q: %d bits (%v), want at least 128", res.Secret, len(raw)*8, err)
	}
	return res
}

func TestPages(t *testing.T) {
	w := pageWorld(t)
	gen := w.mustDo(w.h.CreatePage(w.ctx, w.call(w.bene), commands.CreatePage{PortfolioID: "p-zoe", PageInput: domain.PageInput{Text: domain.PageText{Title: "Brouillon"}}}))
	if !strings.HasPrefix(gen.ID, "pg-") {
		t.Fatalf("generated id %q", gen.ID)
	}
	edited := domain.PageInput{Items: []domain.ItemRef{{Kind: domain.ItemGoal, ID: "goal-1"}}, Text: domain.PageText{Title: "Mon projet"}}
	w.mustDo(w.h.EditPage(w.ctx, w.call(w.bene), commands.EditPage{PortfolioID: "p-zoe", PageID: gen.ID, PageInput: edited}))
	w.read(w.bene, "p-zoe", func(p *domain.Portfolio) {
		pg, first := p.Pages()[gen.ID], p.Pages()["pg-1"]
		if len(pg.Items) != 1 || pg.Items[0] != edited.Items[0] || pg.Personal.Title != "Mon projet" || pg.Personal.Intro != "" {
			t.Fatalf("edit must replace the selection and the text: %+v", pg)
		}
		if len(first.Items) != 5 || first.Personal.Intro != "Mon parcours-Page-Intro" {
			t.Fatalf("page %+v", first)
		}
	})
	w.mustDo(w.h.RemovePage(w.ctx, w.call(w.bene), commands.RemovePage{PortfolioID: "p-zoe", PageID: gen.ID}))
	w.read(w.bene, "p-zoe", func(p *domain.Portfolio) {
		if !p.Pages()[gen.ID].Removed {
			t.Fatal("page not removed")
		}
	})
	w.neverInClear("vendeuse-Page", "Page-Intro", "Mon projet", "Brouillon")
}

func TestShareLinks(t *testing.T) {
	w := pageWorld(t) // now is 2026-03-02 09:00 UTC
	// One link for anyone (listed publicly), one for a recruiter until a week from now.
	open := w.publish(w.call(w.bene), commands.PublishPage{PortfolioID: "p-zoe", PageID: "pg-1", LinkID: "l-public", LinkInput: domain.LinkInput{Public: true}})
	until := w.now.Add(7 * 24 * time.Hour)
	recruiter := w.publish(w.call(w.bene), commands.PublishPage{PortfolioID: "p-zoe", PageID: "pg-1",
		LinkInput: domain.LinkInput{Until: until, Recipient: "Boulangerie Paul-Recipient"}})
	if open.ID != "l-public" || !strings.HasPrefix(recruiter.ID, "l-") || open.Secret == recruiter.Secret {
		t.Fatalf("links %+v %+v", open, recruiter)
	}
	w.read(w.bene, "p-zoe", func(p *domain.Portfolio) {
		l := p.Pages()["pg-1"].Links[recruiter.ID]
		if l.TokenHash != domain.ShareTokenHash(recruiter.Secret) || !l.Until.Equal(until) || l.Public || l.Personal.Recipient != "Boulangerie Paul-Recipient" {
			t.Fatalf("link %+v", l)
		}
		if _, pl, ok := p.PageByToken(domain.ShareTokenHash(open.Secret)); !ok || !pl.Public || pl.ID != "l-public" {
			t.Fatalf("public link %+v", pl)
		}
	})
	// The store holds each token's hash, in clear for lookup, never the token.
	all, err := w.store.ReadAll(w.ctx, eventstore.Start, 100000)
	if err != nil {
		t.Fatal(err)
	}
	hashes := 0
	for _, e := range all {
		for _, tok := range []string{open.Secret, recruiter.Secret} {
			if bytes.Contains(e.Data, []byte(tok)) || bytes.Contains(e.Metadata, []byte(tok)) {
				t.Fatalf("a token is stored in %s@%d", e.Stream, e.Revision)
			}
			if bytes.Contains(e.Data, []byte(domain.ShareTokenHash(tok))) {
				hashes++
			}
		}
	}
	if hashes != 2 {
		t.Fatalf("%d token hashes in clear, want 2", hashes)
	}
	w.neverInClear("Boulangerie Paul-Recipient")

	// Both open the page; an unknown token opens nothing.
	if id, ok := w.opens(open.Secret); !ok || id != "pg-1" {
		t.Fatal("public link does not open the page")
	}
	if _, ok := w.opens(recruiter.Secret); !ok {
		t.Fatal("recruiter link does not open the page")
	}
	if _, ok := w.opens(open.Secret + "x"); ok {
		t.Fatal("a wrong token opens the page")
	}
	// The recruiter's link expires at its end; the public one stays.
	w.now = until.Add(-time.Second)
	if _, ok := w.opens(recruiter.Secret); !ok {
		t.Fatal("link closed before its end")
	}
	w.now = until
	if _, ok := w.opens(recruiter.Secret); ok {
		t.Fatal("link open at its end")
	}
	if _, ok := w.opens(open.Secret); !ok {
		t.Fatal("public link closed")
	}
	// Revoking closes one link; removing the page closes all.
	w.mustDo(w.h.RevokeShareLink(w.ctx, w.call(w.bene), commands.RevokeShareLink{PortfolioID: "p-zoe", PageID: "pg-1", LinkID: "l-public"}))
	if _, ok := w.opens(open.Secret); ok {
		t.Fatal("revoked link opens the page")
	}
	third := w.publish(w.call(w.bene), commands.PublishPage{PortfolioID: "p-zoe", PageID: "pg-1"})
	if _, ok := w.opens(third.Secret); !ok {
		t.Fatal("new link closed")
	}
	w.mustDo(w.h.RemovePage(w.ctx, w.call(w.bene), commands.RemovePage{PortfolioID: "p-zoe", PageID: "pg-1"}))
	if _, ok := w.opens(third.Secret); ok {
		t.Fatal("a removed page opens")
	}
}

// TestShareLinkReplay: a replayed publication mints no second token and
// shows none: the token is shown once.
func TestShareLinkReplay(t *testing.T) {
	w := pageWorld(t)
	call := w.call(w.bene)
	call.IdempotencyKey = "publish-for-paul"
	cmd := commands.PublishPage{PortfolioID: "p-zoe", PageID: "pg-1", LinkInput: domain.LinkInput{Recipient: "Paul"}}
	first := w.publish(call, cmd)
	again := w.mustDo(w.h.PublishPage(w.ctx, call, cmd))
	if !again.Replayed || again.Secret != "" || again.ID != first.ID || again.Revision != first.Revision {
		t.Fatalf("replay %+v, first %+v", again, first)
	}
	w.read(w.bene, "p-zoe", func(p *domain.Portfolio) {
		if n := len(p.Pages()["pg-1"].Links); n != 1 {
			t.Fatalf("%d links after a replay, want 1", n)
		}
	})
	if _, ok := w.opens(first.Secret); !ok {
		t.Fatal("the first token no longer opens the page")
	}
	// A refused publication shows no token either.
	res, err := w.h.PublishPage(w.ctx, w.call(w.bene), commands.PublishPage{PortfolioID: "p-zoe", PageID: "pg-404"})
	if err == nil || res.Secret != "" {
		t.Fatalf("refused publication: %+v, %v", res, err)
	}
}

func TestPageRefusals(t *testing.T) {
	w := pageWorld(t)
	b := w.call(w.bene)
	w.publish(b, commands.PublishPage{PortfolioID: "p-zoe", PageID: "pg-1", LinkID: "l-1"})
	w.publish(b, commands.PublishPage{PortfolioID: "p-zoe", PageID: "pg-1", LinkID: "l-revoked"})
	w.mustDo(w.h.RevokeShareLink(w.ctx, b, commands.RevokeShareLink{PortfolioID: "p-zoe", PageID: "pg-1", LinkID: "l-revoked"}))
	w.mustDo(w.h.CreatePage(w.ctx, b, commands.CreatePage{PortfolioID: "p-zoe", PageID: "pg-gone", PageInput: pageInput()}))
	w.mustDo(w.h.RemovePage(w.ctx, b, commands.RemovePage{PortfolioID: "p-zoe", PageID: "pg-gone"}))

	create := func(mut func(*commands.CreatePage)) func(commands.Call) (commands.Result, error) {
		cmd := commands.CreatePage{PortfolioID: "p-zoe", PageInput: pageInput()}
		mut(&cmd)
		return func(c commands.Call) (commands.Result, error) { return w.h.CreatePage(w.ctx, c, cmd) }
	}
	edit := func(id string, mut func(*domain.PageInput)) func(commands.Call) (commands.Result, error) {
		cmd := commands.EditPage{PortfolioID: "p-zoe", PageID: id, PageInput: pageInput()}
		mut(&cmd.PageInput)
		return func(c commands.Call) (commands.Result, error) { return w.h.EditPage(w.ctx, c, cmd) }
	}
	remove := func(id string) func(commands.Call) (commands.Result, error) {
		return func(c commands.Call) (commands.Result, error) {
			return w.h.RemovePage(w.ctx, c, commands.RemovePage{PortfolioID: "p-zoe", PageID: id})
		}
	}
	publish := func(page string, mut func(*commands.PublishPage)) func(commands.Call) (commands.Result, error) {
		cmd := commands.PublishPage{PortfolioID: "p-zoe", PageID: page}
		mut(&cmd)
		return func(c commands.Call) (commands.Result, error) { return w.h.PublishPage(w.ctx, c, cmd) }
	}
	revoke := func(page, link string) func(commands.Call) (commands.Result, error) {
		return func(c commands.Call) (commands.Result, error) {
			return w.h.RevokeShareLink(w.ctx, c, commands.RevokeShareLink{PortfolioID: "p-zoe", PageID: page, LinkID: link})
		}
	}
	everyone := w.outsiders(false)
	for name, cmd := range map[string]func(commands.Call) (commands.Result, error){
		"CreatePage": create(func(*commands.CreatePage) {}), "EditPage": edit("pg-1", func(*domain.PageInput) {}), "RemovePage": remove("pg-1"),
		"PublishPage": publish("pg-1", func(*commands.PublishPage) {}), "RevokeShareLink": revoke("pg-1", "l-1"),
	} {
		t.Run(name, func(t *testing.T) { w.refusedToAll(t, everyone, cmd) })
	}
	item := func(kind domain.ItemKind, id string) func(*commands.CreatePage) {
		return func(c *commands.CreatePage) { c.Items = append(c.Items, domain.ItemRef{Kind: kind, ID: id}) }
	}
	o, inv, nf, cf := w.bene, domain.KindInvalid, domain.KindNotFound, domain.KindConflict
	w.refusedAll(t, []refusal{
		{"unknown experience", o, create(item(domain.ItemExperience, "x-404")), nf, "items"},
		{"removed experience", o, create(item(domain.ItemExperience, "x-gone")), nf, "items"},
		{"unknown task", o, create(item(domain.ItemTask, "x-1/t-404")), nf, "items"},
		{"unknown competence", o, create(item(domain.ItemCompetence, "c-404")), nf, "items"},
		{"unknown evidence", o, create(item(domain.ItemEvidence, "e-404")), nf, "items"},
		{"item twice", o, create(item(domain.ItemExperience, "x-1")), inv, "items"},
		{"a logbook entry", o, create(item(domain.ItemJournal, "j-1")), inv, "items"},
		{"an unknown kind", o, create(item("cv", "cv-1")), inv, "items"},
		{"no title", o, create(func(c *commands.CreatePage) { c.Text.Title = "" }), inv, "title"},
		{"intro too long", o, create(func(c *commands.CreatePage) { c.Text.Intro = strings.Repeat("i", 5001) }), inv, "intro"},
		{"bad id", o, create(func(c *commands.CreatePage) { c.PageID = "pg 1" }), inv, "page_id"},
		{"duplicate id", o, create(func(c *commands.CreatePage) { c.PageID = "pg-gone" }), cf, ""},
		{"missing portfolio", o, create(func(c *commands.CreatePage) { c.PortfolioID = "p-nobody" }), nf, "portfolio"},
		{"edit: removed page", o, edit("pg-gone", func(*domain.PageInput) {}), nf, "page_id"},
		{"edit: unknown item", o, edit("pg-1", func(in *domain.PageInput) { in.Items = []domain.ItemRef{{Kind: domain.ItemGoal, ID: "goal-404"}} }), nf, "items"},
		{"remove twice", o, remove("pg-gone"), nf, "page_id"},
		{"publish: unknown page", o, publish("pg-404", func(*commands.PublishPage) {}), nf, "page_id"},
		{"publish: removed page", o, publish("pg-gone", func(*commands.PublishPage) {}), nf, "page_id"},
		{"publish: end in the past", o, publish("pg-1", func(c *commands.PublishPage) { c.Until = w.now.Add(-time.Hour) }), inv, "until"},
		{"publish: end now", o, publish("pg-1", func(c *commands.PublishPage) { c.Until = w.now }), inv, "until"},
		{"publish: recipient too long", o, publish("pg-1", func(c *commands.PublishPage) { c.Recipient = strings.Repeat("r", 201) }), inv, "recipient"},
		{"publish: bad link id", o, publish("pg-1", func(c *commands.PublishPage) { c.LinkID = "l/1" }), inv, "link_id"},
		{"publish: duplicate link id", o, publish("pg-1", func(c *commands.PublishPage) { c.LinkID = "l-1" }), cf, ""},
		{"revoke: revoked link", o, revoke("pg-1", "l-revoked"), cf, ""},
		{"revoke: unknown link", o, revoke("pg-1", "l-404"), nf, "link_id"},
		{"revoke: removed page", o, revoke("pg-gone", "l-1"), nf, "page_id"},
	})
}
