package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/httpapi"
	"github.com/parcours/parcours/projections"
)

// TestConversationOverHTTP: Zoé and her counsellor talk through the API;
// pages go back with their cursor; unread counts follow read markers;
// retries with an Idempotency-Key post once; If-Match guards an edit;
// bad input gets problem+json and changes nothing.
func TestConversationOverHTTP(t *testing.T) {
	a := newAPI(t)
	a.seedMatrix(t)
	const talk = "/v1/portfolios/p-zoe/conversation"
	for i := 1; i <= 12; i++ {
		who := "zoe"
		if i%4 == 1 {
			who = "cons"
		}
		a.ok(a.do("POST", talk+"/messages", who, map[string]any{"text": fmt.Sprintf("message %d", i)}, "Prefer", "wait=5"))
	}
	var page projections.ConversationView
	a.ok(a.do("GET", talk+"?limit=5", "cons", nil)).json(t, &page)
	// msg-1 from the seed is message 1; the loop's are 2 to 13.
	if len(page.Messages) != 5 || page.Messages[4].Text != "message 12" || page.Before != page.Messages[0].Seq || page.LastSeq != 13 {
		t.Fatalf("latest page: %+v", page)
	}
	var older projections.ConversationView
	a.ok(a.do("GET", fmt.Sprintf("%s?limit=5&before=%d", talk, page.Before), "cons", nil)).json(t, &older)
	if len(older.Messages) != 5 || older.Messages[4].Seq != page.Messages[0].Seq-1 {
		t.Fatalf("older page: %+v", older)
	}

	var in projections.Inbox
	a.ok(a.do("GET", "/v1/me/conversations", "cons", nil)).json(t, &in)
	if in.Unread != 3 || len(in.Conversations) != 2 {
		t.Fatalf("Karim's inbox: %+v", in)
	}
	a.ok(a.do("POST", talk+"/read", "cons", nil, "Prefer", "wait=5"))
	a.ok(a.do("GET", "/v1/me/conversations", "cons", nil)).json(t, &in)
	for _, c := range in.Conversations {
		if c.Kind == "portfolio" && c.Unread != 0 {
			t.Errorf("after reading: %+v", c)
		}
	}

	// An Idempotency-Key posts once.
	var first, again httpapi.CommandResult
	a.ok(a.do("POST", talk+"/messages", "zoe", map[string]any{"text": "une seule fois"}, "Idempotency-Key", "k-1")).json(t, &first)
	a.ok(a.do("POST", talk+"/messages", "zoe", map[string]any{"text": "une seule fois"}, "Idempotency-Key", "k-1")).json(t, &again)
	if !again.Replayed || again.ID != first.ID || again.Revision != first.Revision {
		t.Errorf("replay: %+v then %+v", first, again)
	}
	// If-Match: a stale revision is refused.
	r := a.do("PUT", talk+"/messages/"+first.ID, "zoe", map[string]any{"text": "corrigé"}, "If-Match", fmt.Sprintf(`"%d"`, first.Revision-1))
	if r.status != http.StatusPreconditionFailed {
		t.Errorf("stale If-Match: %d %s", r.status, r.body)
	}
	a.ok(a.do("PUT", talk+"/messages/"+first.ID, "zoe", map[string]any{"text": "corrigé"}, "If-Match", fmt.Sprintf(`"%d"`, first.Revision)))

	for _, c := range []struct {
		method, path, body string
		status             int
		field              string
	}{
		{"POST", talk + "/messages", `{"text":""}`, 422, "text"},
		{"POST", talk + "/messages", `{"text":"` + strings.Repeat("a", 5001) + `"}`, 422, "text"},
		{"POST", talk + "/messages", `{"text":"x","attachments":"ev-1"}`, 422, "attachments"},
		{"POST", talk + "/messages", `{"text":"x","colour":"red"}`, 422, "colour"},
		{"POST", talk + "/messages", `{"text":"x","attachments":["ev-none"]}`, 404, "attachments"},
		{"POST", talk + "/read", `{"up_to":99999}`, 422, "up_to"},
		{"PUT", talk + "/messages/no-such", `{"text":"x"}`, 404, "message"},
		{"GET", talk + "?limit=0", "", 422, "limit"},
		{"GET", talk + "?before=x", "", 422, "before"},
		{"POST", "/v1/conversations", `{"with":"p-zoe"}`, 404, "with"},
		{"POST", "/v1/conversations/not-a-conversation/messages", `{"text":"x"}`, 404, "conversation"},
	} {
		before, _ := a.store.Head(t.Context())
		var body any
		if c.body != "" {
			body = []byte(c.body)
		}
		r := a.do(c.method, c.path, "cons", body)
		if c.field == "colour" || c.field == "attachments" && c.status == 422 || c.field == "text" || c.field == "up_to" {
			r = a.do(c.method, c.path, "zoe", body)
		}
		var p httpapi.Problem
		if r.status == c.status && r.header.Get("Content-Type") == "application/problem+json" {
			r.json(t, &p)
		}
		if r.status != c.status || len(p.Errors) == 0 || p.Errors[0].Field != c.field {
			t.Errorf("%s %s %s: %d %s, want %d about %s", c.method, c.path, c.body, r.status, r.body, c.status, c.field)
		}
		if after, _ := a.store.Head(t.Context()); after != before {
			t.Errorf("%s %s %s: refused but wrote", c.method, c.path, c.body)
		}
	}
}

// TestConversationFeed: a conversation's events go to those who take part
// in it, and to nobody else: not the structure admin, not the operator,
// not a counsellor who does not follow the beneficiary.
func TestConversationFeed(t *testing.T) {
	a := newAPI(t)
	a.seedMatrix(t) // msg-1 in Zoé's conversation, then msg-1 between p-cons and p-cons2
	a.ok(a.do("PUT", "/v1/structures/s-ml/seats", "admin", map[string]any{"seats": 11}))
	direct := domain.ConversationStream("s-ml", domain.DirectConversationID("s-ml", "p-cons", "p-cons2"))
	zoeTalk := domain.ConversationStream("s-ml", domain.PortfolioConversationID("p-zoe"))
	seats := isType("SeatsChanged", "structure-s-ml")
	for _, c := range []struct {
		token string
		stop  func(httpapi.FeedEvent) bool
		sees  []string
	}{
		{"cons", isType("MessagePosted", direct), []string{zoeTalk, direct}},
		{"cons2", isType("MessagePosted", direct), []string{direct}},
		{"zoe", isType("MessagePosted", zoeTalk), []string{zoeTalk}},
		{"tutor", isType("MessagePosted", zoeTalk), []string{zoeTalk}},
		{"admin", seats, nil},
		{"operator", seats, nil},
	} {
		t.Run(c.token, func(t *testing.T) {
			a.t = t
			f := a.follow(c.token, "")
			seen := map[string]bool{}
			for _, m := range f.until(c.stop) {
				if strings.Contains(m.event.Stream, ".conversation-") {
					seen[m.event.Stream] = true
				}
				if strings.Contains(m.data, "Bonjour") || strings.Contains(m.data, "Salut") {
					t.Errorf("a message's text in the feed: %s", m.data)
				}
			}
			for _, s := range c.sees {
				if !seen[s] {
					t.Errorf("%s does not see %s", c.token, s)
				}
				delete(seen, s)
			}
			if len(seen) > 0 {
				t.Errorf("%s sees %v", c.token, seen)
			}
			f.cancel()
		})
	}
	a.t = t
}
