package web

import (
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/projections"
)

// A counsellor's conversations: their inbox (the conversations of the
// beneficiaries they follow, and one-to-one ones with colleagues, with
// what is unread), each conversation, and the form that starts a
// one-to-one conversation.

// inboxPage is the data of conversations.html.
type inboxPage struct {
	Unread     string
	Rows       []inboxRow
	Colleagues []talkChoice
	Idem       string
	Error      string
}

type inboxRow struct {
	Href, Who, When, Unread string
	Direct                  bool
}

func (s *Server) counsellorInbox(w http.ResponseWriter, r *http.Request) {
	a, ok := s.staffActor(w, r, domain.RoleCounsellor)
	if !ok {
		return
	}
	v, err := s.inbox(r, a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.showInbox(w, r, http.StatusOK, v)
}

func (s *Server) inbox(r *http.Request, a domain.Actor) (inboxPage, error) {
	l := language(r)
	in, err := s.deps.Queries.Inbox(r.Context(), a.PersonID)
	if err != nil {
		return inboxPage{}, err
	}
	v := inboxPage{Idem: newKey()}
	if in.Unread > 0 {
		v.Unread = unreadWords(l, in.Unread)
	}
	for _, c := range in.Conversations {
		row := inboxRow{When: day(l, c.LastAt), Direct: c.Kind == domain.ConversationDirect}
		if c.Unread > 0 {
			row.Unread = unreadWords(l, c.Unread)
		}
		switch {
		case c.Portfolio != nil:
			row.Href, row.Who = "/counsellor/beneficiaries/"+url.PathEscape(c.Portfolio.ID)+"/conversation", personName(l, *c.Portfolio)
		case len(c.With) > 0:
			row.Href, row.Who = "/counsellor/conversations/"+url.PathEscape(c.ID), personName(l, c.With[0])
		default:
			continue
		}
		v.Rows = append(v.Rows, row)
	}
	members, _, err := s.deps.Queries.StructureMembers(r.Context(), a.Tenant)
	if err != nil {
		return v, err
	}
	for _, m := range members {
		if m.Active && m.ID != a.PersonID && (m.Role == domain.RoleCounsellor || m.Role == domain.RoleStructureAdmin) {
			v.Colleagues = append(v.Colleagues, talkChoice{ID: m.ID, Label: personName(l, m.PersonView)})
		}
	}
	return v, nil
}

func personName(l Lang, p projections.PersonView) string {
	if p.Erased {
		return words.T(l, "talk.erased.person")
	}
	return cmpOr(p.Name, p.ID)
}

func (s *Server) showInbox(w http.ResponseWriter, r *http.Request, status int, v inboxPage) {
	p := s.page(r, "talk.inbox.title")
	p.Data, p.Noindex = v, true
	render(w, r, s.log, s.tpl, status, "conversations.html", p)
}

// counsellorStartTalk starts (or finds) the one-to-one conversation with
// the colleague chosen, and opens it.
func (s *Server) counsellorStartTalk(w http.ResponseWriter, r *http.Request) {
	a, ok := s.staffActor(w, r, domain.RoleCounsellor)
	if !ok {
		return
	}
	res, err := s.deps.Commands.StartConversation(r.Context(), staffCall(a, r), commands.StartConversation{With: r.PostFormValue("with")})
	if err != nil {
		f := &form{}
		if !f.refuse(language(r), err) {
			s.fail(w, r, err)
			return
		}
		v, ierr := s.inbox(r, a)
		if ierr != nil {
			s.fail(w, r, ierr)
			return
		}
		v.Error = f.General
		if v.Error == "" {
			v.Error = words.T(language(r), "talk.start.refused")
		}
		s.showInbox(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	s.saved(w, r, res, "/counsellor/conversations/"+url.PathEscape(res.ID), projections.Conversations{}.Name())
}

// talkBase builds a counsellor's conversation page before its messages.
type talkBase func(r *http.Request, a domain.Actor) (commands.ConversationRef, talkPage, error)

// beneficiaryTalk is the conversation of the beneficiary the path names,
// with the evidence of their portfolio to attach.
func (s *Server) beneficiaryTalk(r *http.Request, a domain.Actor) (commands.ConversationRef, talkPage, error) {
	l := language(r)
	pid := chi.URLParam(r, "portfolioID")
	base := "/counsellor/beneficiaries/" + url.PathEscape(pid)
	v := talkPage{Staff: true, Back: base, Action: base + "/conversation/messages"}
	ref := commands.ConversationRef{PortfolioID: pid}
	err := s.deps.Commands.ReadPortfolio(r.Context(), a, pid, "", func(p *domain.Portfolio, _ uint64) error {
		v.Evidence = evidenceChoices(p)
		return nil
	})
	if err != nil {
		return ref, v, err
	}
	people, err := s.deps.Queries.People(r.Context(), []string{pid})
	if err != nil {
		return ref, v, err
	}
	v.Heading = words.T(l, "talk.with") + " " + personName(l, people[pid])
	return ref, v, nil
}

// colleagueTalk is the one-to-one conversation the path names.
func (s *Server) colleagueTalk(r *http.Request, a domain.Actor) (commands.ConversationRef, talkPage, error) {
	l := language(r)
	id := chi.URLParam(r, "conversationID")
	ref := commands.ConversationRef{ConversationID: id}
	v := talkPage{Staff: true, Back: "/counsellor/conversations", Action: "/counsellor/conversations/" + url.PathEscape(id) + "/messages"}
	acc, err := s.deps.Commands.OpenConversation(r.Context(), a, ref)
	if err != nil {
		return ref, v, err
	}
	people, err := s.deps.Queries.People(r.Context(), acc.Participants)
	if err != nil {
		return ref, v, err
	}
	for _, p := range acc.Participants {
		if p != a.PersonID {
			v.Heading = words.T(l, "talk.with") + " " + personName(l, people[p])
		}
	}
	return ref, v, nil
}

// counsellorTalk shows the conversation base builds.
func (s *Server) counsellorTalk(base talkBase) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, ok := s.staffActor(w, r, domain.RoleCounsellor)
		if !ok {
			return
		}
		ref, v, err := base(r, a)
		if err == nil {
			err = s.talkView(r, a, ref, &v)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.showTalk(w, r, http.StatusOK, v)
	}
}

// counsellorPostTalk posts a message to the conversation base builds.
func (s *Server) counsellorPostTalk(base talkBase) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, ok := s.staffActor(w, r, domain.RoleCounsellor)
		if !ok {
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxForm)
		if err := r.ParseForm(); err != nil {
			s.errorPage(w, r, http.StatusBadRequest, words.T(language(r), "form.unreadable"), "")
			return
		}
		ref, v, err := base(r, a)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.postTalk(w, r, staffCall(a, r), ref, v)
	}
}
