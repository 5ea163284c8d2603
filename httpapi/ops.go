package httpapi

import (
	"context"
	"net/http"
	"time"
)

// Health answers /healthz and /readyz.
type Health struct {
	Status string `json:"status"`
	Detail string `json:"detail,omitempty"`
}

func (s *Server) opsRoutes() []route {
	return []route{
		{Method: "GET", Pattern: "/healthz", ID: "healthz", Summary: "The process is alive", Tag: "operations", Public: true,
			Response: Health{}, Status: http.StatusOK, Handle: func(w http.ResponseWriter, r *http.Request) error {
				writeJSON(w, http.StatusOK, Health{Status: "ok"})
				return nil
			}},
		{Method: "GET", Pattern: "/readyz", ID: "readyz", Summary: "The service can serve: store reachable, read models within their lag bound", Tag: "operations", Public: true,
			Response: Health{}, Status: http.StatusOK, Handle: s.readyz},
	}
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	if s.deps.Ready == nil {
		writeJSON(w, http.StatusOK, Health{Status: "ready"})
		return nil
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.deps.Ready(ctx); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, Health{Status: "unavailable", Detail: err.Error()})
		return nil
	}
	writeJSON(w, http.StatusOK, Health{Status: "ready"})
	return nil
}
