package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/projections"
)

// The conversation pages: the beneficiary's conversation with those who
// follow them (/me/conversation), and a counsellor's conversations
// (counsellor_talk.go). A message is a plain form; the page shows the
// latest messages, older ones a link away. Opening the latest page marks
// the conversation read (a read marker only moves forward, so opening it
// again records nothing).

// talkPage is the data of conversation.html.
type talkPage struct {
	meBase
	Staff    bool   // a counsellor's page (the staff menu)
	Heading  string // who the conversation is with
	Back     string // the page the conversation belongs to
	Action   string // where the message form posts
	Older    string // the page of older messages, if any
	Latest   string // back to the latest messages, when reading older ones
	Unread   string // how many messages were new when the page opened, in words
	Messages []talkMessage
	Evidence []talkChoice // what a message may attach
	Idem     string
	Text     string // what was typed, when a message was refused
	Error    string
}

type talkMessage struct {
	ID, Author, When, Text string
	Attachments            []string
	Mine, Deleted, Erased  bool
	Edited, Unread         bool
}

type talkChoice struct {
	ID, Label string
	Checked   bool
}

// talkView builds the page of conversation ref as a reads it: the page
// before message number before (0: the latest, which it marks read).
func (s *Server) talkView(r *http.Request, a domain.Actor, ref commands.ConversationRef, v *talkPage) error {
	l := language(r)
	before, _ := strconv.ParseUint(r.URL.Query().Get("before"), 10, 64)
	acc, err := s.deps.Commands.OpenConversation(r.Context(), a, ref)
	if err != nil {
		return err
	}
	view, err := s.deps.Queries.Conversation(r.Context(), acc.ID, a.PersonID, before, 30, acc.SeesEvidence)
	if err != nil {
		return err
	}
	if view.Unread > 0 {
		v.Unread = unreadWords(l, view.Unread)
	}
	for _, m := range view.Messages {
		tm := talkMessage{ID: m.ID, Author: m.Author.Name, When: day(l, m.At) + " " + m.At.UTC().Format("15:04"), Text: m.Text,
			Mine: m.Author.ID == a.PersonID, Deleted: m.Deleted, Erased: m.Erased || m.Author.Erased, Edited: !m.EditedAt.IsZero() && !m.Deleted,
			Unread: m.Unread}
		if tm.Erased {
			tm.Author = words.T(l, "talk.erased.person")
		}
		for _, at := range m.Attachments {
			tm.Attachments = append(tm.Attachments, cmpOr(at.Title, at.EvidenceID))
		}
		v.Messages = append(v.Messages, tm)
	}
	if view.Before > 0 {
		v.Older = v.self() + "?before=" + strconv.FormatUint(view.Before, 10)
	}
	if before > 0 {
		v.Latest = v.self()
	} else if view.ReadUpTo < view.LastSeq {
		res, err := s.deps.Commands.MarkConversationRead(r.Context(), commands.Call{Actor: a}, commands.MarkConversationRead{ConversationRef: ref, UpTo: view.LastSeq})
		if err != nil {
			return err
		}
		s.caughtUp(r.Context(), res, projections.Conversations{}.Name())
	}
	if v.Idem == "" {
		v.Idem = newKey()
	}
	return nil
}

// self is the page's own address (a refused message is answered at the
// form's, which has no page of its own).
func (v *talkPage) self() string { return strings.TrimSuffix(v.Action, "/messages") }

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// showTalk renders the conversation page with status.
func (s *Server) showTalk(w http.ResponseWriter, r *http.Request, status int, v talkPage) {
	p := s.page(r, "talk.title")
	p.Data, p.Noindex, p.Path = v, true, v.self()
	render(w, r, s.log, s.tpl, status, "conversation.html", p)
}

// postTalk posts the form's message to ref, and shows the conversation
// again: with the refusal next to the text, or after a redirect (303) to
// its latest messages.
func (s *Server) postTalk(w http.ResponseWriter, r *http.Request, call commands.Call, ref commands.ConversationRef, v talkPage) {
	text := r.PostForm.Get("text")
	cmd := commands.PostMessage{ConversationRef: ref, Text: strings.TrimSpace(text)}
	for _, ev := range r.PostForm["attach"] {
		if domain.ValidID(ev) && !slices.Contains(cmd.Attachments, ev) {
			cmd.Attachments = append(cmd.Attachments, ev)
		}
	}
	res, err := s.deps.Commands.PostMessage(r.Context(), call, cmd)
	if err == nil {
		s.saved(w, r, res, v.self()+"#talk-form", projections.Conversations{}.Name())
		return
	}
	f := &form{}
	if !f.refuse(language(r), err) {
		s.fail(w, r, err)
		return
	}
	v.Text, v.Error, v.Idem = text, f.General, newKey()
	for i := range v.Evidence {
		v.Evidence[i].Checked = slices.Contains(cmd.Attachments, v.Evidence[i].ID)
	}
	if err := s.talkView(r, call.Actor, ref, &v); err != nil {
		s.fail(w, r, err)
		return
	}
	s.showTalk(w, r, http.StatusUnprocessableEntity, v)
}

// meTalkRef is the beneficiary's own conversation.
func meTalkRef(a domain.Actor) commands.ConversationRef {
	return commands.ConversationRef{PortfolioID: a.PersonID}
}

// meTalkBase is the beneficiary's conversation page before its messages:
// the evidence of their portfolio to attach.
func (s *Server) meTalkBase(r *http.Request, a domain.Actor) (talkPage, error) {
	l := language(r)
	v := talkPage{meBase: s.base(r, "/me/conversation"), Heading: words.T(l, "talk.me.heading"), Action: "/me/conversation/messages"}
	err := s.readMine(r.Context(), a, func(p *domain.Portfolio) error {
		v.Evidence = evidenceChoices(p)
		return nil
	})
	return v, err
}

// evidenceChoices lists the live evidence of a portfolio by title.
func evidenceChoices(p *domain.Portfolio) []talkChoice {
	var out []talkChoice
	for id, e := range p.Evidence() {
		if !e.Withdrawn && e.SupersededBy == "" {
			out = append(out, talkChoice{ID: id, Label: cmpOr(e.Personal.Title, id)})
		}
	}
	slices.SortFunc(out, func(a, b talkChoice) int { return strings.Compare(a.Label+a.ID, b.Label+b.ID) })
	return out
}

func (s *Server) meTalk(w http.ResponseWriter, r *http.Request) {
	a, ok := s.beneficiary(w, r)
	if !ok {
		return
	}
	v, err := s.meTalkBase(r, a)
	if err == nil {
		err = s.talkView(r, a, meTalkRef(a), &v)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.showTalk(w, r, http.StatusOK, v)
}

func (s *Server) mePostTalk(w http.ResponseWriter, r *http.Request) {
	a, call, ok := s.mePost(w, r)
	if !ok {
		return
	}
	v, err := s.meTalkBase(r, a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.postTalk(w, r, call, meTalkRef(a), v)
}

// unread counts the messages the logged-in person has not read (0 if
// the read model cannot say: a menu never fails a page).
func (s *Server) unread(r *http.Request) int {
	a, ok := s.who(r)
	if !ok || s.deps.Queries == nil {
		return 0
	}
	n, _, err := s.deps.Queries.Unread(r.Context(), a.PersonID)
	if err != nil {
		return 0
	}
	return n
}

// unreadLabel is a menu label with its unread count, read out in words.
func unreadLabel(l Lang, label string, n int) string {
	return label + " (" + unreadWords(l, n) + ")"
}

// unreadWords says how many messages are unread: "2 non lus".
func unreadWords(l Lang, n int) string {
	return strconv.Itoa(n) + " " + words.T(l, plural(n, "talk.unread.one", "talk.unread.many"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
