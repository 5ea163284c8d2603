package projections_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/personaldata"
	"github.com/parcours/parcours/projections"
)

var zoeTalk = commands.ConversationRef{PortfolioID: zoe}

func (s *story) post(c commands.Call, ref commands.ConversationRef, text string, attachments ...string) string {
	s.t.Helper()
	return s.must(s.h.PostMessage(s.ctx, c, commands.PostMessage{ConversationRef: ref, Text: text, Attachments: attachments})).ID
}

func (s *story) unread(person string) (int, map[string]int) {
	s.t.Helper()
	n, each, err := s.q.Unread(s.ctx, person)
	if err != nil {
		s.t.Fatal(err)
	}
	return n, each
}

func (s *story) talkPage(reader string, before uint64, limit int) projections.ConversationView {
	s.t.Helper()
	v, err := s.q.Conversation(s.ctx, domain.PortfolioConversationID(zoe), reader, before, limit, nil)
	if err != nil {
		s.t.Fatal(err)
	}
	return v
}

func TestConversationReadModel(t *testing.T) {
	s := newStory(t)
	s.addExperience("x-1", domain.KindProfessional, "Vendeuse")
	s.must(s.h.AttachEvidence(s.ctx, s.zoe, commands.AttachEvidence{PortfolioID: zoe, EvidenceID: "ev-1", Target: item(domain.ItemExperience, "x-1"),
		EvidenceInput: domain.EvidenceInput{Kind: domain.EvidenceOfText, Text: domain.EvidenceText{Title: "Récit du rush", Text: "Un samedi"}}}))
	conv := domain.PortfolioConversationID(zoe)
	first := s.post(s.zoe, zoeTalk, "Bonjour Karim")
	s.post(s.cons, zoeTalk, "Bonjour Zoé, envoie ton récit")
	s.post(s.zoe, zoeTalk, "Le voici", "ev-1")
	s.post(s.zoe, zoeTalk, "Tu l'as reçu ?")
	s.rebuild()
	if n, _ := s.unread("p-cons"); n != 2 {
		t.Errorf("Karim has %d unread, want 2", n)
	}
	if n, _ := s.unread(zoe); n != 0 {
		t.Errorf("Zoé has %d unread, want 0 (she answered Karim)", n)
	}
	v := s.talkPage("p-cons", 0, 10)
	if len(v.Messages) != 4 || v.Messages[0].Text != "Bonjour Karim" || v.Messages[0].Author.Name != "Zoé Martin" || v.Unread != 2 || v.Before != 0 {
		t.Fatalf("page: %+v", v)
	}
	if a := v.Messages[2].Attachments; len(a) != 1 || a[0].Title != "Récit du rush" || !v.Messages[3].Unread || v.Messages[1].Unread {
		t.Errorf("attachments %+v, unread flags %v %v", a, v.Messages[3].Unread, v.Messages[1].Unread)
	}
	if hidden, _ := s.q.Conversation(s.ctx, conv, "p-tutor", 0, 10, func(string) bool { return false }); len(hidden.Messages[2].Attachments) != 0 {
		t.Errorf("an attachment shown to one who may not see it")
	}

	// A counsellor assigned later joins with everything unread; one
	// unassigned leaves the inbox.
	s.must(s.h.AssignCounsellor(s.ctx, s.admin, commands.AssignCounsellor{PortfolioID: zoe, CounsellorID: "p-cons2"}))
	s.rebuild()
	if n, each := s.unread("p-cons2"); n != 4 || each[conv] != 4 {
		t.Errorf("Julie has %d unread (%v), want 4", n, each)
	}
	// Karim reads up to message 3, then Zoé deletes her first message.
	s.must(s.h.MarkConversationRead(s.ctx, s.cons, commands.MarkConversationRead{ConversationRef: zoeTalk, UpTo: 3}))
	s.must(s.h.DeleteMessage(s.ctx, s.zoe, commands.DeleteMessage{ConversationRef: zoeTalk, MessageID: first}))
	s.must(s.h.EditMessage(s.ctx, s.cons, commands.EditMessage{ConversationRef: zoeTalk, MessageID: v.Messages[1].ID, Text: "Bonjour Zoé, envoie ton récit, merci"}))
	s.must(s.h.UnassignCounsellor(s.ctx, s.admin, commands.UnassignCounsellor{PortfolioID: zoe, CounsellorID: "p-cons2"}))
	s.rebuild()
	if n, _ := s.unread("p-cons"); n != 1 {
		t.Errorf("Karim has %d unread after reading up to 3, want 1", n)
	}
	if n, each := s.unread("p-cons2"); n != 0 || len(each) != 0 {
		t.Errorf("Julie, unassigned, still has %d unread in %v", n, each)
	}
	v = s.talkPage("p-cons", 0, 10)
	if m := v.Messages[0]; !m.Deleted || m.Text != "" || m.Unread {
		t.Errorf("deleted message: %+v", m)
	}
	if m := v.Messages[1]; m.Text != "Bonjour Zoé, envoie ton récit, merci" || m.EditedAt.IsZero() {
		t.Errorf("edited message: %+v", m)
	}
	s.must(s.h.AssignCounsellor(s.ctx, s.admin, commands.AssignCounsellor{PortfolioID: zoe, CounsellorID: "p-cons2"}))
	s.rebuild()
	if n, _ := s.unread("p-cons2"); n != 3 {
		t.Errorf("Julie, assigned again, has %d unread, want 3 (one was deleted)", n)
	}
	in, err := s.q.Inbox(s.ctx, "p-cons")
	if err != nil || in.Unread != 1 || len(in.Conversations) != 1 || in.Conversations[0].Portfolio.Name != "Zoé Martin" {
		t.Errorf("inbox: %+v, %v", in, err)
	}

	// An erased author's messages read as erased; the others' stay.
	if _, err := personaldata.ErasePerson(s.ctx, s.ring, s.files, "p-cons"); err != nil {
		t.Fatal(err)
	}
	v = s.talkPage(zoe, 0, 10)
	if m := v.Messages[1]; !m.Erased || m.Text != "" || !m.Author.Erased {
		t.Errorf("an erased author's message: %+v", m)
	}
	if m := v.Messages[2]; m.Erased || m.Text != "Le voici" {
		t.Errorf("Zoé's message after Karim's erasure: %+v", m)
	}
}

// TestConversationPages: pages go back from the latest with a cursor, and
// a direct conversation is in both participants' inboxes.
func TestConversationPages(t *testing.T) {
	s := newStory(t)
	for i := 1; i <= 25; i++ {
		c := s.zoe
		if i%5 == 0 {
			c = s.cons
		}
		s.post(c, zoeTalk, fmt.Sprintf("message %d", i))
	}
	s.rebuild()
	var seqs []uint64
	for before := uint64(0); ; {
		v := s.talkPage(zoe, before, 10)
		for i := len(v.Messages) - 1; i >= 0; i-- {
			seqs = append(seqs, v.Messages[i].Seq)
		}
		if v.Before == 0 {
			break
		}
		before = v.Before
	}
	if len(seqs) != 25 || seqs[0] != 25 || seqs[24] != 1 {
		t.Fatalf("pages back from the latest: %v", seqs)
	}
	if v := s.talkPage(zoe, 0, 10); v.Messages[0].Text != "message 16" || v.Messages[9].Text != "message 25" || v.Before != 16 {
		t.Errorf("latest page: first %q, last %q, before %d", v.Messages[0].Text, v.Messages[9].Text, v.Before)
	}
	if n, _ := s.unread(zoe); n != 1 {
		t.Errorf("Zoé has %d unread, want 1 (message 25 is Karim's)", n)
	}

	direct := s.must(s.h.StartConversation(s.ctx, s.cons, commands.StartConversation{With: "p-cons2"})).ID
	s.post(s.cons2, commands.ConversationRef{ConversationID: direct}, "Réunion demain ?")
	s.rebuild()
	in, err := s.q.Inbox(s.ctx, "p-cons")
	if err != nil || len(in.Conversations) != 2 || in.Conversations[0].ID != direct || in.Conversations[0].With[0].Name != "Julie Roux" || in.Unread != 1 || in.Conversations[1].Unread != 0 {
		t.Errorf("Karim's inbox: %+v, %v", in, err)
	}
	if n, _ := s.unread("p-admin"); n != 0 {
		t.Errorf("the admin is in a conversation: %d unread", n)
	}
}

// conversationCommands posts, edits, deletes and reads messages at random
// in Zoé's conversation, and invites and revokes a tutor, for the
// live-equals-rebuild test.
func (e *env) conversationCommands(r *rand.Rand, n int) {
	people := []commands.Call{{Actor: actor("p-zoe", domain.RoleBeneficiary)}, {Actor: actor("p-cons", domain.RoleCounsellor)}}
	zoe := people[0]
	var posted []string
	for i := 0; i < n; i++ {
		c := people[r.IntN(2)]
		switch k := r.IntN(8); {
		case k < 4:
			res, err := e.h.PostMessage(e.ctx, c, commands.PostMessage{ConversationRef: zoeTalk, Text: fmt.Sprint("message ", i)})
			if err == nil {
				posted = append(posted, res.ID)
			}
		case k == 4 && len(posted) > 0:
			e.h.DeleteMessage(e.ctx, c, commands.DeleteMessage{ConversationRef: zoeTalk, MessageID: posted[r.IntN(len(posted))]})
		case k == 5 && len(posted) > 0:
			e.h.EditMessage(e.ctx, c, commands.EditMessage{ConversationRef: zoeTalk, MessageID: posted[r.IntN(len(posted))], Text: "édité"})
		case k == 6:
			e.h.MarkConversationRead(e.ctx, c, commands.MarkConversationRead{ConversationRef: zoeTalk, UpTo: uint64(r.IntN(len(posted) + 1))})
		default: // the tutor joins and leaves
			grant := fmt.Sprintf("g-conv-%d", r.IntN(3))
			if _, err := e.h.InviteTutor(e.ctx, zoe, commands.InviteTutor{PortfolioID: "p-zoe", GrantID: grant, TutorID: "p-tutor", AllItems: true}); err != nil {
				e.h.RevokeGrant(e.ctx, zoe, commands.RevokeGrant{PortfolioID: "p-zoe", GrantID: grant})
			}
		}
	}
}

// TestConversationReadModelOnPostgres: pages and unread counts with the
// read models in PostgreSQL (keys compare byte by byte there too).
func TestConversationReadModelOnPostgres(t *testing.T) {
	e, _ := newPostgresEnv(t)
	s := storyOn(e)
	for i := 1; i <= 12; i++ {
		c := s.zoe
		if i > 10 {
			c = s.cons
		}
		s.post(c, zoeTalk, fmt.Sprintf("message %d", i))
	}
	s.rebuild()
	v := s.talkPage(zoe, 0, 5)
	if len(v.Messages) != 5 || v.Messages[0].Seq != 8 || v.Messages[4].Text != "message 12" || v.Before != 8 || v.Unread != 2 {
		t.Fatalf("latest page: %+v", v)
	}
	if older := s.talkPage(zoe, v.Before, 5); len(older.Messages) != 5 || older.Messages[4].Seq != 7 {
		t.Fatalf("older page: %+v", older)
	}
	if n, _ := s.unread(zoe); n != 2 {
		t.Errorf("Zoé has %d unread, want 2", n)
	}
}
