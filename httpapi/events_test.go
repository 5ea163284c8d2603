package httpapi_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parcours/parcours/httpapi"
)

// feed is an open event feed read by a goroutine.
type feed struct {
	t        *testing.T
	messages chan feedMessage
	cancel   context.CancelFunc
}

type feedMessage struct {
	id    string
	data  string // as received, for leak checks
	event httpapi.FeedEvent
	beat  bool
}

// follow opens the feed as token, resuming after lastID if set; the
// response is checked against the OpenAPI document.
func (a *api) follow(token, lastID string) *feed {
	a.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", a.url+"/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	a.check(req, nil, reply{status: resp.StatusCode, header: resp.Header})
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		a.t.Fatalf("feed: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	f := &feed{t: a.t, messages: make(chan feedMessage, 1000), cancel: cancel}
	a.t.Cleanup(cancel)
	go func() {
		defer resp.Body.Close()
		defer close(f.messages)
		sc := bufio.NewScanner(resp.Body)
		var m feedMessage
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == ": heartbeat":
				f.messages <- feedMessage{beat: true}
			case strings.HasPrefix(line, "id: "):
				m.id = strings.TrimPrefix(line, "id: ")
			case strings.HasPrefix(line, "data: "):
				m.data = line
				if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &m.event); err != nil {
					panic(err)
				}
			case line == "" && m.id != "":
				f.messages <- m
				m = feedMessage{}
			}
		}
	}()
	return f
}

// until collects events until one satisfies stop (which is included).
func (f *feed) until(stop func(httpapi.FeedEvent) bool) []feedMessage {
	f.t.Helper()
	var got []feedMessage
	deadline := time.After(10 * time.Second)
	for {
		select {
		case m, ok := <-f.messages:
			if !ok {
				f.t.Fatalf("feed ended after %d events", len(got))
			}
			if m.beat {
				continue
			}
			got = append(got, m)
			if stop(m.event) {
				return got
			}
		case <-deadline:
			f.t.Fatalf("no stop event after %d events: %+v", len(got), got)
		}
	}
}

func isType(typ, stream string) func(httpapi.FeedEvent) bool {
	return func(e httpapi.FeedEvent) bool { return e.Type == typ && e.Stream == stream }
}

func TestEventFeed(t *testing.T) {
	a := newAPI(t)
	a.world()
	a.ok(a.do("POST", "/v1/portfolios/p-luc/experiences", "luc", map[string]any{"experience_id": "x-luc", "kind": "volunteer",
		"context": "informal", "text": map[string]any{"title": "Animateur"}}))
	a.ok(a.do("POST", "/v1/portfolios/p-zoe/comments", "tutor", map[string]any{"comment_id": "c-1",
		"target": map[string]any{"kind": "experience", "id": "x-shop"}, "text": map[string]any{"text": "Très bien"}}))
	a.ok(a.do("POST", "/v1/portfolios/p-zoe/journal", "zoe", map[string]any{"day": "2026-03-01", "text": "Fin de l'étape"}))
	a.ok(a.do("PUT", "/v1/structures/s-ml/seats", "admin", map[string]any{"seats": 9}))

	// Each role sees its part of the log, up to the last event it may see.
	cases := []struct {
		token string
		stop  func(httpapi.FeedEvent) bool
		may   func(httpapi.FeedEvent) bool
	}{
		{"zoe", isType("JournalEntryWritten", "portfolio-p-zoe"), func(e httpapi.FeedEvent) bool { return e.Stream == "portfolio-p-zoe" }},
		{"cons", isType("JournalEntryWritten", "portfolio-p-zoe"), func(e httpapi.FeedEvent) bool { return e.Stream == "portfolio-p-zoe" }},
		{"tutor", isType("CommentAdded", "portfolio-p-zoe"), func(e httpapi.FeedEvent) bool { return e.Actor == "p-tutor" }},
		{"admin", isType("SeatsChanged", "structure-s-ml"), func(e httpapi.FeedEvent) bool {
			return e.Stream == "structure-s-ml" || strings.HasPrefix(e.Stream, "portfolio-") &&
				(e.Type == "PortfolioOpened" || e.Type == "CounsellorAssigned" || e.Type == "TutorInvited")
		}},
		{"operator", isType("SeatsChanged", "structure-s-ml"), func(e httpapi.FeedEvent) bool { return e.Stream == "structure-s-ml" || e.Actor == "operator" }},
	}
	for _, c := range cases {
		t.Run(c.token, func(t *testing.T) {
			a.t = t
			f := a.follow(c.token, "")
			got := f.until(c.stop)
			for i, m := range got {
				if !c.may(m.event) {
					t.Errorf("%s sees %s in %s by %s", c.token, m.event.Type, m.event.Stream, m.event.Actor)
				}
				if m.id != m.event.Position || len(m.event.Hash) != 64 || m.event.RecordedAt.IsZero() {
					t.Errorf("message %d: %+v", i, m)
				}
			}
			for _, m := range got {
				for _, secret := range []string{"Vendeuse", "Très bien", "Zoé", "Fin de l"} {
					if strings.Contains(m.data, secret) {
						t.Errorf("the feed shows personal data %q", secret)
					}
				}
			}
			f.cancel()
		})
	}
	a.t = t

	// Another structure sees nothing of this one (its own events only).
	a.ok(a.do("POST", "/v1/structures", "operator", map[string]any{"structure_id": "s-other", "name": "Autre", "seats": 1}))
	a.ok(a.do("POST", "/v1/structures/s-other/members", "operator", map[string]any{"person_id": "p-admin", "role": "structure_admin", "name": "Autre"}))
	a.ok(a.do("PUT", "/v1/structures/s-other/seats", "other", map[string]any{"seats": 2}))
	got := a.follow("other", "").until(isType("SeatsChanged", "structure-s-other"))
	for _, m := range got {
		if m.event.Stream != "structure-s-other" {
			t.Errorf("another structure's admin sees %s in %s", m.event.Type, m.event.Stream)
		}
	}

	// Resume after the second event; then follow live, with heartbeats.
	first := a.follow("zoe", "").until(isType("JournalEntryWritten", "portfolio-p-zoe"))
	f := a.follow("zoe", first[1].id)
	again := f.until(isType("JournalEntryWritten", "portfolio-p-zoe"))
	if len(again) != len(first)-2 || again[0].id != first[2].id {
		t.Fatalf("resumed with %d events from %s, want %d from %s", len(again), again[0].id, len(first)-2, first[2].id)
	}
	a.ok(a.do("POST", "/v1/portfolios/p-zoe/journal", "zoe", map[string]any{"day": "2026-03-02", "text": "Suite"}))
	live := f.until(isType("JournalEntryWritten", "portfolio-p-zoe"))
	if len(live) != 1 {
		t.Fatalf("live: %+v", live)
	}
	beat := time.After(5 * time.Second)
	for m := range f.messages {
		if m.beat {
			break
		}
		select {
		case <-beat:
			t.Fatal("no heartbeat")
		default:
		}
	}

	// A bad Last-Event-ID is refused; shutting down ends the feeds.
	for _, bad := range []string{"x", "1", "1.2.3", "-1.0", "99999999999999999999.0"} {
		wantStatus(t, a.do("GET", "/v1/events", "zoe", nil, "Last-Event-ID", bad), 400)
	}
	wantStatus(t, a.do("GET", "/v1/events", "", nil), 401)
	a.server.EndStreams()
	for range f.messages { // drained: the server ended the stream
	}
}
