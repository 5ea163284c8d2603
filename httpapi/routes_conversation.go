package httpapi

import (
	"net/http"
	"strconv"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/projections"
)

const (
	pc = pp + "/conversation"                 // a portfolio's conversation
	dc = "/v1/conversations/{conversationID}" // a one-to-one conversation
)

func portfolioTalk(r *http.Request) commands.ConversationRef {
	return commands.ConversationRef{PortfolioID: pid(r)}
}

func directTalk(r *http.Request) commands.ConversationRef {
	return commands.ConversationRef{ConversationID: param(r, "conversationID")}
}

func (s *Server) conversationRoutes() []route {
	h := s.deps.Commands
	mid := func(r *http.Request) string { return param(r, "messageID") }
	const tag = "conversations"
	return []route{
		{Method: "GET", Pattern: "/v1/me/conversations", ID: "listConversations", Summary: "The caller's conversations, the latest first, with their unread counts", Tag: tag,
			Response: projections.Inbox{}, Status: http.StatusOK, Handle: s.listConversations},
		{Method: "GET", Pattern: pc, ID: "getPortfolioConversation", Summary: "A page of the portfolio's conversation (beneficiary, assigned counsellors, tutors with an active grant)", Tag: tag,
			Description: "The latest messages, or those before the message number `before`; `before` in the answer is the cursor of the older page. A tutor sees the attachments in the scope of their grant only.",
			Query:       []string{"before", "limit"}, Response: projections.ConversationView{}, Status: http.StatusOK, Handle: s.conversationPage(portfolioTalk)},
		command(s, "POST", pc+"/messages", "postPortfolioMessage", "Post a message to the portfolio's conversation (the first one starts it); attachments name evidence items", tag,
			func(r *http.Request, c *commands.PostMessage) { c.ConversationRef = portfolioTalk(r) }, h.PostMessage),
		command(s, "PUT", pc+"/messages/{messageID}", "editPortfolioMessage", "Edit one's own message", tag,
			func(r *http.Request, c *commands.EditMessage) {
				c.ConversationRef, c.MessageID = portfolioTalk(r), mid(r)
			}, h.EditMessage),
		command(s, "DELETE", pc+"/messages/{messageID}", "deletePortfolioMessage", "Delete one's own message", tag,
			func(r *http.Request, c *commands.DeleteMessage) {
				c.ConversationRef, c.MessageID = portfolioTalk(r), mid(r)
			}, h.DeleteMessage),
		command(s, "POST", pc+"/read", "markPortfolioConversationRead", "Mark the portfolio's conversation read, up to a message number (default: the last)", tag,
			func(r *http.Request, c *commands.MarkConversationRead) { c.ConversationRef = portfolioTalk(r) }, h.MarkConversationRead),
		command(s, "POST", "/v1/conversations", "startConversation", "Start (or find) the one-to-one conversation with another staff member of one's structure", tag,
			func(*http.Request, *commands.StartConversation) {}, h.StartConversation),
		{Method: "GET", Pattern: dc, ID: "getConversation", Summary: "A page of a one-to-one conversation (its two participants only)", Tag: tag,
			Query: []string{"before", "limit"}, Response: projections.ConversationView{}, Status: http.StatusOK, Handle: s.conversationPage(directTalk)},
		command(s, "POST", dc+"/messages", "postMessage", "Post a message to a one-to-one conversation", tag,
			func(r *http.Request, c *commands.PostMessage) { c.ConversationRef = directTalk(r) }, h.PostMessage),
		command(s, "PUT", dc+"/messages/{messageID}", "editMessage", "Edit one's own message", tag,
			func(r *http.Request, c *commands.EditMessage) { c.ConversationRef, c.MessageID = directTalk(r), mid(r) }, h.EditMessage),
		command(s, "DELETE", dc+"/messages/{messageID}", "deleteMessage", "Delete one's own message", tag,
			func(r *http.Request, c *commands.DeleteMessage) {
				c.ConversationRef, c.MessageID = directTalk(r), mid(r)
			}, h.DeleteMessage),
		command(s, "POST", dc+"/read", "markConversationRead", "Mark a one-to-one conversation read, up to a message number (default: the last)", tag,
			func(r *http.Request, c *commands.MarkConversationRead) { c.ConversationRef = directTalk(r) }, h.MarkConversationRead),
	}
}

func (s *Server) listConversations(w http.ResponseWriter, r *http.Request) error {
	a, _ := actorFrom(r.Context())
	in, err := s.deps.Queries.Inbox(r.Context(), a.PersonID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}

// conversationPage answers a page of the conversation ref names, once
// the command layer has authorized the caller on it.
func (s *Server) conversationPage(ref func(*http.Request) commands.ConversationRef) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		a, _ := actorFrom(r.Context())
		before, limit, err := conversationParams(r)
		if err != nil {
			return err
		}
		acc, err := s.deps.Commands.OpenConversation(r.Context(), a, ref(r))
		if err != nil {
			return err
		}
		v, err := s.deps.Queries.Conversation(r.Context(), acc.ID, a.PersonID, before, limit, acc.SeesEvidence)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, v)
		return nil
	}
}

// conversationParams reads "before" (a message number) and "limit" (1 to
// projections.MaxConversationPage, default 50).
func conversationParams(r *http.Request) (before uint64, limit int, err error) {
	limit = 50
	if v := r.URL.Query().Get("before"); v != "" {
		if before, err = strconv.ParseUint(v, 10, 64); err != nil || before == 0 {
			return 0, 0, invalidParam("before", "must be the before value of a previous page")
		}
	}
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > projections.MaxConversationPage {
			return 0, 0, invalidParam("limit", "must be from 1 to "+strconv.Itoa(projections.MaxConversationPage))
		}
		limit = n
	}
	return before, limit, nil
}
