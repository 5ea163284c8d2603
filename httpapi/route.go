package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/eventstore"
)

// route is one entry of the route table. The table drives both the chi
// router and the OpenAPI document, so the two cannot drift apart.
type route struct {
	Method  string
	Pattern string // chi pattern: /v1/portfolios/{portfolioID}/experiences
	ID      string // OpenAPI operationId
	Summary string
	Tag     string
	// Request and Response are zero values of the JSON bodies (nil for
	// none); Status is the success status.
	Request  any
	Response any
	Status   int
	// BodyRequired marks the JSON body as required in the document
	// (commands whose fields all come from the path take none).
	BodyRequired bool
	// Public routes need no credential; RawBody routes read the body
	// themselves (uploads).
	Public  bool
	RawBody bool
	// Long routes (streams, uploads, downloads) get no handler timeout:
	// they set their own deadlines.
	Long bool
	// Produces lists the media types of a success body that is not JSON
	// (files, event streams); with Response nil they are the only ones,
	// otherwise they are offered beside it (an export as JSON or PDF).
	Produces []string
	// Description says more than Summary in the document.
	Description string
	// Query and Headers list the parameters the route reads.
	Query   []string
	Headers []string
	Handle  func(w http.ResponseWriter, r *http.Request) error
}

// maxJSONBody bounds JSON request bodies.
const maxJSONBody = 1 << 20

// decodeJSON reads a JSON body into v: only application/json, at most
// maxJSONBody bytes, one value, and no unknown field.
func decodeJSON(r *http.Request, v any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return errUnsupportedType
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxJSONBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errStatus(http.StatusRequestEntityTooLarge, "too-large", "Request too large", fmt.Sprintf("JSON bodies are limited to %d bytes", maxJSONBody))
		}
		return errStatus(http.StatusBadRequest, "bad-body", "Unreadable body", err.Error())
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badJSON(err)
	}
	if dec.More() {
		return errStatus(http.StatusBadRequest, "bad-json", "Malformed JSON", "the body holds more than one JSON value")
	}
	return nil
}

// badJSON turns a decoding error into a problem naming the field.
func badJSON(err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	he := &httpError{status: http.StatusBadRequest, kind: "bad-json", title: "Malformed JSON"}
	switch {
	case errors.As(err, &te):
		field, want := jsonField(te.Field), "a JSON "+jsonKind(te.Type)
		he.status, he.kind, he.title = http.StatusUnprocessableEntity, "invalid", "Invalid request"
		he.detail = fmt.Sprintf("%s must be %s", field, want)
		he.fields = []FieldProblem{{Field: field, Detail: "must be " + want}}
	case errors.As(err, &se):
		he.detail = fmt.Sprintf("syntax error at byte %d", se.Offset)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		he.status, he.kind, he.title = http.StatusUnprocessableEntity, "unknown-field", "Unknown field"
		he.detail, he.fields = "unknown field "+field, []FieldProblem{{Field: field, Detail: "is not a field of this request"}}
	case errors.Is(err, io.EOF):
		he.detail = "empty body: send a JSON object"
	default:
		he.detail = err.Error()
	}
	return he
}

// jsonField turns the decoder's field path into the JSON one: embedded Go
// structs appear in it under their Go names, which clients never see.
func jsonField(path string) string {
	parts := strings.Split(path, ".")
	out := parts[:0]
	for _, p := range parts {
		if p != "" && !(p[0] >= 'A' && p[0] <= 'Z') {
			out = append(out, p)
		}
	}
	return strings.Join(out, ".")
}

// jsonKind names the JSON type a Go type decodes from.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	}
	return "object"
}

// writeJSON answers v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// CommandResult is the answer to every command.
type CommandResult struct {
	Stream   string `json:"stream"`
	Revision uint64 `json:"revision"`
	Position string `json:"position"`
	Events   int    `json:"events"`
	ID       string `json:"id,omitempty"`
	// Secret is shown once (a share link's token); never again.
	Secret   string `json:"secret,omitempty"`
	Replayed bool   `json:"replayed,omitempty"`
}

// call builds the command call of a request: the actor from its
// credential, and the optional Idempotency-Key and If-Match headers.
func (s *Server) call(r *http.Request) (commands.Call, error) {
	a, ok := actorFrom(r.Context())
	if !ok {
		return commands.Call{}, errUnauthenticated
	}
	c := commands.Call{Actor: a, IdempotencyKey: r.Header.Get("Idempotency-Key"), CorrelationID: middleware.GetReqID(r.Context())}
	if len(c.IdempotencyKey) > 200 {
		return c, errStatus(http.StatusBadRequest, "bad-header", "Bad Idempotency-Key", "at most 200 characters")
	}
	if m := r.Header.Get("If-Match"); m != "" {
		rev, err := strconv.ParseUint(strings.Trim(strings.TrimPrefix(m, "W/"), `"`), 10, 64)
		if err != nil {
			return c, errStatus(http.StatusBadRequest, "bad-header", "Bad If-Match", `send the ETag you received, e.g. "12"`)
		}
		c.IfRevision = &rev
	}
	return c, nil
}

// command makes the route of a command C: decode the body strictly, let
// bind set the fields that come from the path, run exec, answer the
// result with the stream revision as ETag (201 when it created something).
func command[C any](s *Server, method, pattern, id, summary, tag string, bind func(*http.Request, *C),
	exec func(context.Context, commands.Call, C) (commands.Result, error)) route {
	var zero C
	return route{Method: method, Pattern: pattern, ID: id, Summary: summary, Tag: tag, Request: zero, Response: CommandResult{}, Status: http.StatusOK,
		Handle: func(w http.ResponseWriter, r *http.Request) error {
			call, err := s.call(r)
			if err != nil {
				return err
			}
			var cmd C
			if r.ContentLength != 0 || r.Header.Get("Content-Type") != "" {
				if err := decodeJSON(r, &cmd); err != nil {
					return err
				}
			}
			bind(r, &cmd)
			start := time.Now()
			res, err := exec(r.Context(), call, cmd)
			s.metrics.observeCommand(id, time.Since(start), err)
			var ce *eventstore.ConflictError
			if call.IfRevision != nil && errors.As(err, &ce) {
				return preconditionFailed(ce)
			}
			if err != nil {
				return err
			}
			if err := s.waitIfAsked(r, res); err != nil {
				return err
			}
			w.Header().Set("ETag", fmt.Sprintf(`"%d"`, res.Revision))
			status := http.StatusOK
			if res.ID != "" && !res.Replayed {
				status = http.StatusCreated
			}
			writeJSON(w, status, CommandResult{Stream: res.Stream, Revision: res.Revision, Position: res.Position.String(),
				Events: res.Events, ID: res.ID, Secret: res.Secret, Replayed: res.Replayed})
			return nil
		}}
}

// preconditionFailed answers an If-Match that no longer holds.
func preconditionFailed(ce *eventstore.ConflictError) error {
	return &httpError{status: http.StatusPreconditionFailed, kind: "precondition-failed", title: "Precondition failed",
		detail: fmt.Sprintf("If-Match names a revision other than the current one (%d): read again, then retry", ce.Actual)}
}

// waitIfAsked waits, when the request says "Prefer: wait=N" (seconds, at
// most 30), until the read models have applied the command, so the caller
// can read its own write.
func (s *Server) waitIfAsked(r *http.Request, res commands.Result) error {
	secs, ok := preferWait(r.Header.Values("Prefer"))
	if !ok || s.deps.Waiter == nil || res.Position.IsZero() {
		return nil
	}
	ctx, cancel := context.WithTimeout(r.Context(), time.Duration(secs)*time.Second)
	defer cancel()
	if err := s.deps.Waiter.WaitFor(ctx, res.Position); err != nil {
		return errStatus(http.StatusAccepted, "read-models-behind", "Accepted, read models behind",
			"the change is stored but the read models did not catch up in time: read again shortly")
	}
	return nil
}

// preferWait reads "Prefer: wait=N".
func preferWait(values []string) (int, bool) {
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			if n, ok := strings.CutPrefix(strings.TrimSpace(part), "wait="); ok {
				secs, err := strconv.Atoi(n)
				if err == nil && secs > 0 {
					return min(secs, 30), true
				}
			}
		}
	}
	return 0, false
}
