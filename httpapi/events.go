package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/parcours/parcours/eventstore"
)

// FeedEvent is one message of the event feed: what happened, where, when,
// by whom, and the hashes that prove it; never the event's content (its
// personal part stays sealed in the store).
type FeedEvent struct {
	Position   string    `json:"position"`
	Stream     string    `json:"stream"`
	Revision   uint64    `json:"revision"`
	Type       string    `json:"type"`
	EventID    string    `json:"event_id"`
	RecordedAt time.Time `json:"recorded_at"`
	OccurredAt time.Time `json:"occurred_at,omitzero"`
	Actor      string    `json:"actor,omitempty"`
	Role       string    `json:"role,omitempty"`
	Hash       string    `json:"hash"`
	PrevHash   string    `json:"prev_hash"`
}

const defaultHeartbeat = 15 * time.Second

const feedDescription = "Server-Sent Events, one per event the caller may see, in log order; each message's id is the event's position " +
	"and its data a FeedEvent (type, stream, revision, time, actor, role, hashes: never the content). Reconnect with Last-Event-ID " +
	"(or ?last_event_id=) to resume after that position; without it the feed starts at the beginning of the log, then follows new " +
	"events live. A comment line every 15 s keeps the connection open.\n\n" +
	"Who sees what (rights as they are when the event is sent): everyone sees the events they did themselves and their own person " +
	"stream; a beneficiary, their portfolio's events; a counsellor, those of the portfolios they are assigned to; a structure admin, " +
	"their structure's stream, the access events of its portfolios (opening, counsellor assignments, grants) and its erasures; the " +
	"people who take part in a conversation, its events (a portfolio's: the beneficiary, their counsellors, their tutors while a grant " +
	"holds; a one-to-one conversation: its two participants; never the structure admin or the operator as such); the " +
	"platform operator, the structures' own streams. Tutors and auditors, whose view of a portfolio is limited to some items, see only " +
	"their own events. Nothing of another structure is ever sent."

func (s *Server) eventRoutes() []route {
	return []route{{Method: "GET", Pattern: "/v1/events", ID: "eventFeed", Tag: "events", Long: true,
		Summary:     "Follow the events the caller may see (Server-Sent Events, resumable)",
		Description: feedDescription, Query: []string{"last_event_id"}, Headers: []string{"Last-Event-ID"},
		Produces: []string{"text/event-stream"}, Status: http.StatusOK, Handle: s.eventFeed}}
}

// parseLastEventID reads where a feed resumes: after the position the
// client last received ("" for the start of the log).
func parseLastEventID(s string) (eventstore.Position, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return eventstore.Start, nil
	}
	if len(s) > 41 {
		return eventstore.Position{}, fmt.Errorf("position too long")
	}
	return eventstore.ParsePosition(s)
}

func (s *Server) eventFeed(w http.ResponseWriter, r *http.Request) error {
	a, _ := actorFrom(r.Context())
	if s.deps.Store == nil {
		return errUnavailable("the event feed")
	}
	last := r.Header.Get("Last-Event-ID")
	if last == "" {
		last = r.URL.Query().Get("last_event_id")
	}
	from, err := parseLastEventID(last)
	if err != nil {
		return &httpError{status: http.StatusBadRequest, kind: "bad-header", title: "Bad Last-Event-ID",
			detail: "send the id of the last message received, e.g. 0.42", fields: []FieldProblem{{Field: "Last-Event-ID", Detail: "must be a position HI.LO"}}}
	}
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // a feed lasts; heartbeats find dead clients
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if _, err := io.WriteString(w, ": parcours event feed\nretry: 3000\n\n"); err != nil {
		return nil
	}
	_ = rc.Flush()

	ctx, cancel := context.WithCancel(r.Context())
	events := make(chan eventstore.Event, 256)
	var wg sync.WaitGroup
	var subErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(events)
		subErr = s.deps.Store.Subscribe(ctx, from, func(e eventstore.Event) error {
			select {
			case events <- e:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	defer wg.Wait()
	defer cancel()
	err = s.follow(ctx, w, rc, newFeedFilter(a, s.deps.Commands), events)
	cancel()
	wg.Wait()
	if err == nil && subErr != nil && ctx.Err() == nil {
		err = subErr
	}
	if err != nil && r.Context().Err() == nil {
		s.log.WarnContext(r.Context(), "event feed ended", "err", err)
	}
	return nil // the answer has started: a failure only ends the stream, and the client resumes
}

// follow writes the visible events as they come, and a heartbeat every
// period, until the client goes away, the server shuts down or the
// subscription ends.
func (s *Server) follow(ctx context.Context, w io.Writer, rc *http.ResponseController, f *feedFilter, events <-chan eventstore.Event) error {
	every := s.deps.FeedHeartbeat
	if every <= 0 {
		every = defaultHeartbeat
	}
	beat := time.NewTicker(every)
	defer beat.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.streams.closing():
			return nil
		case <-beat.C:
			if _, err := io.WriteString(w, ": heartbeat\n\n"); err != nil {
				return nil
			}
		case e, ok := <-events:
			if !ok {
				return nil
			}
			show, err := f.visible(ctx, e)
			if err != nil {
				return err
			}
			if !show {
				continue
			}
			if err := writeFeedEvent(w, e); err != nil {
				return nil
			}
			if len(events) > 0 {
				continue // flush once the backlog is written
			}
		}
		if err := rc.Flush(); err != nil {
			return nil
		}
	}
}

func writeFeedEvent(w io.Writer, e eventstore.Event) error {
	var m eventstore.Metadata
	_ = json.Unmarshal(e.Metadata, &m) // the store holds a JSON object; a field that is not ours stays empty
	data, err := json.Marshal(FeedEvent{Position: e.Position.String(), Stream: e.Stream, Revision: e.Revision, Type: e.Type,
		EventID: e.ID.String(), RecordedAt: e.RecordedAt.UTC(), OccurredAt: m.OccurredAt, Actor: m.Actor, Role: m.Role,
		Hash: e.Hash.String(), PrevHash: e.PrevHash.String()})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "id: %s\ndata: %s\n\n", e.Position, data)
	return err
}

// streams lets a shutting-down server end its long-lived responses, which
// http.Server.Shutdown would otherwise wait for.
type streams struct {
	once sync.Once
	done chan struct{}
}

func newStreams() *streams { return &streams{done: make(chan struct{})} }

func (st *streams) closing() <-chan struct{} { return st.done }

// EndStreams ends the event feeds in progress (their clients resume with
// Last-Event-ID). Register it with http.Server.RegisterOnShutdown.
func (s *Server) EndStreams() { s.streams.once.Do(func() { close(s.streams.done) }) }
