package web

import (
	"net/http"
	"slices"

	"github.com/go-chi/chi/v5"
)

// GetRoutes lists the patterns of the GET routes the pages serve, sorted,
// as chi registered them ("/me/cvs/{id}"). The browser tests visit every
// one of them, or say why a route answers no page, so that a new page
// cannot escape their checks.
func (s *Server) GetRoutes() ([]string, error) {
	var out []string
	err := chi.Walk(s.mux, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if method == http.MethodGet {
			out = append(out, route)
		}
		return nil
	})
	slices.Sort(out)
	return slices.Compact(out), err
}
