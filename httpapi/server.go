package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/credentials"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/personaldata"
	"github.com/parcours/parcours/projections"
)

// Authenticator finds who sent a request: from a session cookie or a bearer
// API token. It answers (actor, true, nil) for a valid credential, (_,
// false, nil) when the request carries none, and an error for a bad one.
type Authenticator interface {
	Authenticate(r *http.Request) (domain.Actor, bool, error)
}

// Waiter lets writes wait for the read models (read-your-writes).
type Waiter interface {
	WaitFor(ctx context.Context, pos eventstore.Position, names ...string) error
}

// Deps are what the HTTP layer serves from.
type Deps struct {
	Log      *slog.Logger
	Commands *commands.Handler
	Queries  *projections.Queries
	Waiter   Waiter
	Auth     Authenticator
	Creds    *credentials.Service // accounts, sessions, API tokens (auth_routes.go)
	Files    *personaldata.Files
	Keyring  *personaldata.Keyring
	Store    eventstore.Store // the event feed and person exports read it
	// MaxUploadBytes bounds an evidence file (default 50 MiB).
	MaxUploadBytes int64
	// Status and Poisoned feed /metrics: the read models' lag and the
	// projections stopped by a poison event (projections.Runner).
	Status   func(ctx context.Context) ([]projections.Status, error)
	Poisoned func() int64
	// MetricsPublic serves /metrics without a credential (a loopback
	// deployment scraped locally); otherwise only the operator reads it.
	MetricsPublic bool
	// FeedHeartbeat is the event feed's keep-alive period (default 15 s).
	FeedHeartbeat time.Duration
	// Ready reports whether the service can serve (store reachable, read
	// models within their lag bound).
	Ready func(ctx context.Context) error
	// Extra mounts other handlers (the audit log) under their prefixes.
	Extra map[string]http.Handler
	// Bundles builds VAE evidence bundles (auditlog); nil disables them.
	Bundles BundleFunc
	// Pages serves every path the API does not (the pages for people).
	Pages http.Handler
}

// Server holds the dependencies of the HTTP handlers.
type Server struct {
	log     *slog.Logger
	deps    Deps
	metrics *metrics
	streams *streams
	pages   *pageCache
}

// New returns the HTTP server.
func New(deps Deps) *Server {
	if deps.Log == nil {
		deps.Log = slog.New(slog.DiscardHandler)
	}
	return &Server{log: deps.Log, deps: deps, metrics: newMetrics(deps), streams: newStreams(), pages: &pageCache{}}
}

// Handler returns the route table.
func (s *Server) Handler() http.Handler {
	r := chi.NewRouter()
	r.Use(s.requestID, s.observe, s.recoverer, s.accessLog)
	timeout := middleware.Timeout(60 * time.Second)
	for _, rt := range s.routes() {
		h := s.handle(rt)
		if !rt.Long {
			h = timeout(h)
		}
		r.Method(rt.Method, rt.Pattern, h)
	}
	for prefix, h := range s.deps.Extra {
		r.Mount(prefix, timeout(h))
	}
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		if s.deps.Pages != nil && !strings.HasPrefix(r.URL.Path, "/v1/") {
			timeout(s.deps.Pages).ServeHTTP(w, r)
			return
		}
		s.writeProblem(w, r, errStatus(http.StatusNotFound, "not-found", "Not found", "no such resource"))
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		s.writeProblem(w, r, errStatus(http.StatusMethodNotAllowed, "method-not-allowed", "Method not allowed", r.Method+" is not allowed here"))
	})
	return r
}

// handle wraps a route: authentication (unless public), then the handler;
// an error becomes a problem.
func (s *Server) handle(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !rt.Public {
			a, ok, err := s.authenticate(r)
			if err != nil {
				var he *httpError
				if !errors.As(err, &he) {
					err = errStatus(http.StatusUnauthorized, "unauthenticated", "Bad credential", "the session or token is unknown, expired or revoked")
				}
				s.writeProblem(w, r, err)
				return
			}
			if !ok {
				s.writeProblem(w, r, errUnauthenticated)
				return
			}
			r = r.WithContext(withActor(r.Context(), a))
		}
		if err := rt.Handle(w, r); err != nil {
			s.writeProblem(w, r, err)
		}
	})
}

func (s *Server) authenticate(r *http.Request) (domain.Actor, bool, error) {
	if s.deps.Auth == nil {
		return domain.Actor{}, false, nil
	}
	return s.deps.Auth.Authenticate(r)
}

type actorKey struct{}

func withActor(ctx context.Context, a domain.Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

func actorFrom(ctx context.Context) (domain.Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(domain.Actor)
	return a, ok
}

// recoverer answers a panic with a 500 problem (and logs it once).
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == http.ErrAbortHandler {
				panic(v) // abort the response: the client must not take a cut one as whole
			}
			if v != nil {
				s.log.ErrorContext(r.Context(), "panic", slog.Any("panic", v), slog.String("path", r.URL.Path))
				s.writeProblem(w, r, errStatus(http.StatusInternalServerError, "internal", "Internal error", "something went wrong on our side; it was logged"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// accessLog logs one line per request.
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		start := time.Now()
		next.ServeHTTP(ww, r)
		s.log.InfoContext(r.Context(), "http", slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", ww.Status()), slog.Int("bytes", ww.BytesWritten()), slog.Duration("took", time.Since(start)),
			slog.String("request_id", middleware.GetReqID(r.Context())))
	})
}
