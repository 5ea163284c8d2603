package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/parcours/parcours/httpapi"
	"github.com/parcours/parcours/projections"
)

// TestNotificationsOverHTTP: Zoé's messages reach Karim's notification
// centre; its ETag answers 304 until something changes; marking read
// with an Idempotency-Key applies once; preferences are guarded by
// If-Match; bad input gets problem+json and changes nothing.
func TestNotificationsOverHTTP(t *testing.T) {
	a := newAPI(t)
	a.seedMatrix(t)
	for i := 1; i <= 3; i++ {
		a.ok(a.do("POST", "/v1/portfolios/p-zoe/conversation/messages", "zoe", map[string]any{"text": fmt.Sprintf("message %d", i)}, "Prefer", "wait=5"))
	}
	var c projections.NotificationCentre
	r := a.ok(a.do("GET", "/v1/me/notifications?limit=2", "cons", nil))
	r.json(t, &c)
	if len(c.Notifications) != 2 || c.Unread < 3 || c.Notifications[0].Kind != "message" || c.Notifications[0].Actor == nil ||
		c.Notifications[0].Actor.ID != "p-zoe" || c.Notifications[0].Actor.Name == "" || c.Before == 0 {
		t.Fatalf("Karim's centre: %+v", c)
	}
	etag := r.header.Get("ETag")
	if again := a.do("GET", "/v1/me/notifications?limit=2", "cons", nil, "If-None-Match", etag); again.status != http.StatusNotModified {
		t.Errorf("If-None-Match with the current ETag: %d", again.status)
	}
	var older projections.NotificationCentre
	a.ok(a.do("GET", fmt.Sprintf("/v1/me/notifications?limit=2&before=%d", c.Before), "cons", nil)).json(t, &older)
	if len(older.Notifications) == 0 || older.Notifications[0].Seq >= c.Before {
		t.Errorf("older page: %+v", older)
	}

	var first, replay httpapi.CommandResult
	read := map[string]any{"up_to": c.Last}
	a.ok(a.do("POST", "/v1/me/notifications/read", "cons", read, "Idempotency-Key", "read-1", "Prefer", "wait=5")).json(t, &first)
	a.ok(a.do("POST", "/v1/me/notifications/read", "cons", read, "Idempotency-Key", "read-1")).json(t, &replay)
	if !replay.Replayed || replay.Revision != first.Revision {
		t.Errorf("replay: %+v then %+v", first, replay)
	}
	a.ok(a.do("GET", "/v1/me/notifications", "cons", nil)).json(t, &c)
	if c.Unread != 0 {
		t.Errorf("after reading: %d unread", c.Unread)
	}
	if r := a.do("GET", "/v1/me/notifications?limit=2", "cons", nil, "If-None-Match", etag); r.status != http.StatusOK {
		t.Errorf("the ETag did not change with the read marker: %d", r.status)
	}

	prefs := map[string]any{"kinds": map[string]any{"comment": map[string]bool{"in_app": true, "email": false}}}
	if r := a.do("PUT", "/v1/me/notification-preferences", "cons", prefs, "If-Match", fmt.Sprintf(`"%d"`, first.Revision+7)); r.status != http.StatusPreconditionFailed {
		t.Errorf("stale If-Match: %d %s", r.status, r.body)
	}
	a.ok(a.do("PUT", "/v1/me/notification-preferences", "cons", prefs, "If-Match", fmt.Sprintf(`"%d"`, first.Revision), "Prefer", "wait=5"))
	var p projections.NotificationPreferences
	a.ok(a.do("GET", "/v1/me/notification-preferences", "cons", nil)).json(t, &p)
	if ch := p.Kinds["comment"]; !ch.InApp || ch.Email || !p.Kinds["message"].Email {
		t.Errorf("preferences: %+v", p)
	}

	for _, c := range []struct {
		method, path, body string
		status             int
		field              string
	}{
		{"PUT", "/v1/me/notification-preferences", `{"kinds":{"gossip":{"in_app":true}}}`, 422, "kinds"},
		{"PUT", "/v1/me/notification-preferences", `{"kinds":{}}`, 422, "kinds"},
		{"PUT", "/v1/me/notification-preferences", `{"kinds":{"comment":{"in_app":"yes"}}}`, 422, "kinds.in_app"},
		{"POST", "/v1/me/notifications/read", `{"up_to":0}`, 422, "up_to"},
		{"POST", "/v1/me/notifications/read", `{"up_to":-1}`, 422, "up_to"},
		{"GET", "/v1/me/notifications?limit=0", "", 422, "limit"},
		{"GET", "/v1/me/notifications?before=x", "", 422, "before"},
		{"PUT", "/v1/structures/s-ml/inactivity", `{"days":366}`, 422, "days"},
		{"POST", "/v1/unsubscribe/not-a-token", "", 404, "token"},
	} {
		before, _ := a.store.Head(t.Context())
		var body any
		if c.body != "" {
			body = []byte(c.body)
		}
		who := "cons"
		if c.field == "days" {
			who = "admin"
		}
		r := a.do(c.method, c.path, who, body)
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
