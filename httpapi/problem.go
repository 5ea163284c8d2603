package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/personaldata"
)

// Problem is an RFC 9457 problem details object.
type Problem struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	Detail    string         `json:"detail,omitempty"`
	Instance  string         `json:"instance,omitempty"`
	RequestID string         `json:"request_id,omitempty"`
	Errors    []FieldProblem `json:"errors,omitempty"`
	// Revision is the resource's current revision, on a conflict.
	Revision *uint64 `json:"current_revision,omitempty"`
}

// FieldProblem says which field is wrong and why.
type FieldProblem struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

// ProblemBase prefixes the stable type URIs of our problems.
const ProblemBase = "https://parcours.example/problems/"

// httpError is an error that already knows its HTTP answer.
type httpError struct {
	status int
	kind   string
	title  string
	detail string
	fields []FieldProblem
}

func (e *httpError) Error() string { return e.title + ": " + e.detail }

func errStatus(status int, kind, title, detail string) error {
	return &httpError{status: status, kind: kind, title: title, detail: detail}
}

// Errors the HTTP layer raises itself.
var (
	errUnauthenticated = errStatus(http.StatusUnauthorized, "unauthenticated", "Authentication required", "log in, or send an API token as Authorization: Bearer …")
	errUnsupportedType = errStatus(http.StatusUnsupportedMediaType, "unsupported-media-type", "Unsupported media type", "send application/json")
)

// problemFor maps any error to its HTTP answer: the one place where error
// kinds become statuses.
func problemFor(err error) Problem {
	var he *httpError
	var de *domain.Error
	var ce *eventstore.ConflictError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &he):
		return Problem{Type: ProblemBase + he.kind, Title: he.title, Status: he.status, Detail: he.detail, Errors: he.fields}
	case errors.As(err, &de):
		p := Problem{Detail: de.Reason}
		if de.Field != "" {
			p.Errors = []FieldProblem{{Field: de.Field, Detail: de.Reason}}
		}
		switch de.Kind {
		case domain.KindInvalid:
			p.Type, p.Title, p.Status = ProblemBase+"invalid", "Invalid request", http.StatusUnprocessableEntity
		case domain.KindForbidden:
			p.Type, p.Title, p.Status = ProblemBase+"forbidden", "Forbidden", http.StatusForbidden
		case domain.KindNotFound:
			p.Type, p.Title, p.Status = ProblemBase+"not-found", "Not found", http.StatusNotFound
		case domain.KindConflict:
			p.Type, p.Title, p.Status = ProblemBase+"conflict", "Conflict with the current state", http.StatusConflict
		default:
			p.Type, p.Title, p.Status = ProblemBase+"error", "Error", http.StatusInternalServerError
		}
		return p
	case errors.As(err, &ce):
		p := Problem{Type: ProblemBase + "revision-conflict", Title: "The resource changed", Status: http.StatusConflict,
			Detail: "it was modified since the revision you sent: read it again, then retry"}
		if ce.Exists {
			rev := ce.Actual
			p.Revision = &rev
		}
		return p
	case errors.Is(err, commands.ErrIdempotencyKeyReused):
		return Problem{Type: ProblemBase + "idempotency-key-reused", Title: "Idempotency key reused", Status: http.StatusUnprocessableEntity,
			Detail: "this Idempotency-Key was used for a different request"}
	case errors.Is(err, personaldata.ErrErased):
		return Problem{Type: ProblemBase + "erased", Title: "Erased", Status: http.StatusGone, Detail: "this person's data was erased"}
	case errors.Is(err, personaldata.ErrFileTooLarge), errors.As(err, &mbe):
		return Problem{Type: ProblemBase + "too-large", Title: "Request too large", Status: http.StatusRequestEntityTooLarge, Detail: err.Error()}
	case errors.Is(err, eventstore.ErrEventTooLarge):
		return Problem{Type: ProblemBase + "too-large", Title: "Request too large", Status: http.StatusRequestEntityTooLarge, Detail: "the change is larger than the store accepts"}
	case errors.Is(err, context.DeadlineExceeded):
		return Problem{Type: ProblemBase + "timeout", Title: "Timed out", Status: http.StatusServiceUnavailable, Detail: "the service is busy: retry with the same Idempotency-Key"}
	}
	return Problem{Type: ProblemBase + "internal", Title: "Internal error", Status: http.StatusInternalServerError, Detail: "something went wrong on our side; it was logged"}
}

// writeProblem answers err as application/problem+json. Server errors are
// logged once, here, where they are answered.
func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, err error) {
	p := problemFor(err)
	p.Instance, p.RequestID = r.URL.Path, middleware.GetReqID(r.Context())
	if p.Status >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", slog.String("path", r.URL.Path), slog.String("request_id", p.RequestID), slog.Any("err", err))
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}
