package commands_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore"
)

var zoeConversation = commands.ConversationRef{PortfolioID: zoe}

func post(w *world, ref commands.ConversationRef, text string, attachments ...string) func(commands.Call) (commands.Result, error) {
	return func(c commands.Call) (commands.Result, error) {
		return w.h.PostMessage(w.ctx, c, commands.PostMessage{ConversationRef: ref, Text: text, Attachments: attachments})
	}
}

// refusedOn asserts that cmd, sent as actor, is refused with kind (about
// field, if set) and moves no stream.
func (w *world) refusedOn(t *testing.T, name string, actor domain.Actor, cmd func(commands.Call) (commands.Result, error), kind domain.Kind, field string) {
	t.Helper()
	before, _ := w.store.Head(w.ctx)
	_, err := cmd(w.call(actor))
	var de *domain.Error
	if !errors.As(err, &de) || de.Kind != kind || field != "" && de.Field != field {
		t.Errorf("%s: got %v, want a %s refusal about %q", name, err, kind, field)
	}
	if after, _ := w.store.Head(w.ctx); after != before {
		t.Errorf("%s: refused but wrote", name)
	}
}

func TestPortfolioConversation(t *testing.T) {
	w := newWorld(t)
	givenItems(w)                                                                                                                 // p-tutor invited on x-1
	w.mustDo(attach(w, "ev-in", onComp1, textEvidence("Récit."))(w.call(w.bene)))                                                 // c-1 is linked to x-1: in scope
	w.mustDo(attach(w, "ev-out", domain.ItemRef{Kind: domain.ItemExperience, ID: "x-2"}, textEvidence("Autre."))(w.call(w.bene))) // out of scope

	first := w.mustDo(post(w, zoeConversation, "Bonjour, j'ai une question-Msg-Zoé")(w.call(w.bene)))
	if first.Events != 2 || !strings.HasPrefix(first.ID, "m-") || first.Stream != domain.ConversationStream(tenant, "p-p-zoe") {
		t.Fatalf("first message: %+v", first)
	}
	w.mustDo(post(w, zoeConversation, "Bonjour Zoé-Msg-Karim", "ev-in", "ev-out")(w.call(w.counsellor)))
	w.mustDo(post(w, zoeConversation, "Vu en stage-Msg-Marc", "ev-in")(w.call(w.tutor)))
	w.neverInClear("Msg-Zoé", "Msg-Karim", "Msg-Marc")

	// Each text is sealed with its author's key.
	stored, err := w.store.ReadStream(w.ctx, first.Stream, eventstore.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var subjects []string
	for _, s := range stored {
		d, err := w.h.Codec().Decode(w.ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		if d.Personal != nil {
			subjects = append(subjects, d.Subject)
		}
	}
	if strings.Join(subjects, " ") != "p-zoe p-cons p-tutor" {
		t.Errorf("sealed for %v", subjects)
	}

	tutor2 := w.invitedTutor() // on the whole portfolio
	w.refusedOn(t, "structure admin", w.admin, post(w, zoeConversation, "Intrusion"), domain.KindForbidden, "")
	w.refusedOn(t, "unassigned counsellor", w.counsellor2, post(w, zoeConversation, "Intrusion"), domain.KindNotFound, "portfolio")
	w.refusedOn(t, "another beneficiary", w.bene2, post(w, zoeConversation, "Intrusion"), domain.KindNotFound, "portfolio")
	w.refusedOn(t, "auditor", w.auditor, post(w, zoeConversation, "Intrusion"), domain.KindNotFound, "portfolio")
	w.refusedOn(t, "other tenant", domainActor("p-zoe", "s-other", domain.RoleBeneficiary), post(w, zoeConversation, "Intrusion"), domain.KindNotFound, "portfolio")
	w.refusedOn(t, "tutor, evidence out of scope", w.tutor, post(w, zoeConversation, "Regarde", "ev-out"), domain.KindNotFound, "evidence")
	w.refusedOn(t, "unknown evidence", w.bene, post(w, zoeConversation, "Regarde", "ev-none"), domain.KindNotFound, "attachments")
	w.refusedOn(t, "empty text", w.bene, post(w, zoeConversation, " \n"), domain.KindInvalid, "text")
	w.mustDo(post(w, zoeConversation, "Moi aussi", "ev-out")(w.call(tutor2)))

	// Edits and deletions, by the author only.
	edit := func(id, text string) func(commands.Call) (commands.Result, error) {
		return func(c commands.Call) (commands.Result, error) {
			return w.h.EditMessage(w.ctx, c, commands.EditMessage{ConversationRef: zoeConversation, MessageID: id, Text: text})
		}
	}
	w.refusedOn(t, "edit of another's", w.counsellor, edit(first.ID, "Changé"), domain.KindForbidden, "")
	w.mustDo(edit(first.ID, "Bonjour, deux questions")(w.call(w.bene)))
	w.refusedOn(t, "delete of another's", w.bene, func(c commands.Call) (commands.Result, error) {
		return w.h.DeleteMessage(w.ctx, c, commands.DeleteMessage{ConversationRef: zoeConversation, MessageID: first.ID + "x"})
	}, domain.KindNotFound, "message")
	w.mustDo(w.h.DeleteMessage(w.ctx, w.call(w.bene), commands.DeleteMessage{ConversationRef: zoeConversation, MessageID: first.ID}))

	// Read markers: moving on records an event, marking again nothing.
	read := w.mustDo(w.h.MarkConversationRead(w.ctx, w.call(w.bene), commands.MarkConversationRead{ConversationRef: zoeConversation}))
	again := w.mustDo(w.h.MarkConversationRead(w.ctx, w.call(w.bene), commands.MarkConversationRead{ConversationRef: zoeConversation, UpTo: 2}))
	if read.Events != 1 || again.Events != 0 {
		t.Errorf("read markers: %+v then %+v", read, again)
	}
	w.refusedOn(t, "read past the end", w.counsellor, func(c commands.Call) (commands.Result, error) {
		return w.h.MarkConversationRead(w.ctx, c, commands.MarkConversationRead{ConversationRef: zoeConversation, UpTo: 99})
	}, domain.KindInvalid, "up_to")

	// A replayed idempotency key answers the first result.
	key := w.call(w.bene)
	key.IdempotencyKey = "msg-1"
	a := w.mustDo(post(w, zoeConversation, "Une fois")(key))
	b := w.mustDo(post(w, zoeConversation, "Une fois")(key))
	if !b.Replayed || a.ID != b.ID || a.Revision != b.Revision {
		t.Errorf("replay: %+v, %+v", a, b)
	}

	// What the tutor sees of the attachments.
	acc, err := w.h.OpenConversation(w.ctx, w.tutor, zoeConversation)
	if err != nil || !acc.SeesEvidence("ev-in") || acc.SeesEvidence("ev-out") || acc.Portfolio != zoe {
		t.Errorf("tutor's access: %+v, %v", acc, err)
	}
	if _, err := w.h.OpenConversation(w.ctx, w.admin, zoeConversation); !errors.Is(err, domain.ErrForbidden) {
		t.Errorf("the admin opens the conversation: %v", err)
	}
	// Past the grant's end, the tutor no longer takes part.
	w.now = w.now.Add(31 * 24 * time.Hour)
	w.refusedOn(t, "expired tutor", w.tutor, post(w, zoeConversation, "Encore moi"), domain.KindNotFound, "portfolio")
}

func TestDirectConversation(t *testing.T) {
	w := newWorld(t)
	start := func(with string) func(commands.Call) (commands.Result, error) {
		return func(c commands.Call) (commands.Result, error) {
			return w.h.StartConversation(w.ctx, c, commands.StartConversation{With: with})
		}
	}
	res := w.mustDo(start("p-cons2")(w.call(w.counsellor)))
	if res.Events != 1 || res.ID != domain.DirectConversationID(tenant, "p-cons", "p-cons2") {
		t.Fatalf("start: %+v", res)
	}
	if again := w.mustDo(start("p-cons")(w.call(w.counsellor2))); again.ID != res.ID || again.Events != 0 {
		t.Errorf("started again: %+v", again)
	}
	w.refusedOn(t, "a beneficiary starts", w.bene, start("p-cons"), domain.KindForbidden, "")
	w.refusedOn(t, "with a beneficiary", w.counsellor, start("p-zoe"), domain.KindNotFound, "with")
	w.refusedOn(t, "with oneself", w.counsellor, start("p-cons"), domain.KindInvalid, "with")
	w.refusedOn(t, "with a tutor", w.admin, start("p-tutor"), domain.KindNotFound, "with")

	ref := commands.ConversationRef{ConversationID: res.ID}
	w.mustDo(post(w, ref, "Tu as vu Zoé ?-Msg-Direct")(w.call(w.counsellor)))
	w.mustDo(post(w, ref, "Oui, ce matin")(w.call(w.counsellor2)))
	w.neverInClear("Msg-Direct")
	for name, actor := range map[string]domain.Actor{"structure admin": w.admin, "beneficiary": w.bene, "tutor": w.tutor,
		"other tenant": domainActor("p-cons", "s-other", domain.RoleCounsellor)} {
		w.refusedOn(t, name, actor, post(w, ref, "Intrusion"), domain.KindNotFound, "conversation")
		if _, err := w.h.OpenConversation(w.ctx, actor, ref); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("%s opens: %v", name, err)
		}
	}
	w.refusedOn(t, "evidence in a direct conversation", w.counsellor, post(w, ref, "Regarde", "ev-1"), domain.KindInvalid, "attachments")
	w.refusedOn(t, "a portfolio's conversation by ID", w.bene, post(w, commands.ConversationRef{ConversationID: "p-p-zoe"}, "x"), domain.KindNotFound, "conversation")
	w.refusedOn(t, "an unknown conversation", w.counsellor, post(w, commands.ConversationRef{ConversationID: "d-000000000000000000000000"}, "x"), domain.KindNotFound, "conversation")

	// One who leaves the structure leaves the conversation.
	w.mustDo(w.h.LeaveStructure(w.ctx, w.call(w.admin), commands.LeaveStructure{StructureID: tenant, PersonID: "p-cons2"}))
	w.refusedOn(t, "after leaving", w.counsellor2, post(w, ref, "Encore"), domain.KindNotFound, "conversation")
}
