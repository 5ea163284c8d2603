package web

import (
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/parcours/parcours/credentials"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore"
)

// tokensPage lists a structure's API tokens (never their secrets) and
// creates them; a new token's secret is shown once, on the page that
// answers its creation, and never again.
type tokensPage struct {
	Tokens []credentials.Token
	Names  map[string]string
	People []staffChoice // active members a token may act as
	Secret string        // the new token's, shown once
	Made   *credentials.Token
	Form   *staffForm
	Done   string
}

// Name names a person of the structure.
func (pg tokensPage) Name(id string) string {
	if n := pg.Names[id]; n != "" {
		return n
	}
	return id
}

func (s *Server) adminTokens(w http.ResponseWriter, r *http.Request) {
	a, ok := s.staffActor(w, r, domain.RoleStructureAdmin)
	if !ok {
		return
	}
	s.tokensShow(w, r, a, http.StatusOK, tokensPage{Done: doneText(r)})
}

// tokensShow renders the tokens page with status; pg carries the refused
// form or the new secret.
func (s *Server) tokensShow(w http.ResponseWriter, r *http.Request, a domain.Actor, status int, pg tokensPage) {
	ctx, l := r.Context(), language(r)
	if s.deps.Creds == nil {
		s.errorPage(w, r, http.StatusServiceUnavailable, words.T(l, "error.title"), words.T(l, "adm.tokens.unavailable"))
		return
	}
	list, err := s.deps.Creds.Tokens(ctx, a, a.Tenant)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	members, _, err := s.deps.Queries.StructureMembers(ctx, a.Tenant)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg.Tokens, pg.Names = list, map[string]string{}
	for _, m := range members {
		pg.Names[m.ID] = m.Name
		if m.Active {
			pg.People = append(pg.People, staffChoice{Value: m.ID, Label: m.Name + " (" + words.T(l, "staff.role.name."+string(m.Role)) + ")",
				Selected: pg.Form.Val("token", "person_id") == m.ID})
		}
	}
	p := s.page(r, "adm.tokens.title")
	p.Path = "/admin/tokens"
	p.Data = pg
	w.Header().Set("Cache-Control", "no-store")
	render(w, r, s.log, s.tpl, status, "admin_tokens.html", p)
}

// adminCreateToken creates a token acting as a member of the structure,
// in that member's role, through the credentials service (which checks
// the admin and the membership as the API's route does).
func (s *Server) adminCreateToken(w http.ResponseWriter, r *http.Request) {
	a, ok := s.staffActor(w, r, domain.RoleStructureAdmin)
	if !ok || !s.staffParse(w, r) {
		return
	}
	if s.deps.Creds == nil {
		s.tokensShow(w, r, a, http.StatusServiceUnavailable, tokensPage{})
		return
	}
	ctx, person := r.Context(), r.PostForm.Get("person_id")
	var role domain.Role
	if members, _, err := s.deps.Queries.StructureMembers(ctx, a.Tenant); err == nil {
		for _, m := range members {
			if m.ID == person && m.Active {
				role = m.Role
			}
		}
	}
	var t credentials.Token
	var secret string
	var err error = &domain.Error{Kind: domain.KindInvalid, Field: "person_id", Reason: "is required"}
	if role != "" {
		t, secret, err = s.deps.Creds.CreateToken(ctx, a, credentials.NewToken{Tenant: a.Tenant, Name: r.PostForm.Get("name"), PersonID: person, Role: role})
	}
	if err != nil {
		s.answerRefusal(w, r, err, refuse(language(r), err, r, "token", "token", "name", "person_id"), func(status int, f *staffForm) {
			s.tokensShow(w, r, a, status, tokensPage{Form: f})
		})
		return
	}
	s.log.InfoContext(ctx, "api token created", slog.String("token", t.ID), slog.String("structure", t.Tenant),
		slog.String("acts_as", t.PersonID), slog.String("by", a.PersonID))
	s.tokensShow(w, r, a, http.StatusCreated, tokensPage{Secret: secret, Made: &t})
}

func (s *Server) adminRevokeToken(w http.ResponseWriter, r *http.Request) {
	a, ok := s.staffActor(w, r, domain.RoleStructureAdmin)
	if !ok || !s.staffParse(w, r) {
		return
	}
	if s.deps.Creds == nil {
		s.tokensShow(w, r, a, http.StatusServiceUnavailable, tokensPage{})
		return
	}
	id := chi.URLParam(r, "tokenID")
	if err := s.deps.Creds.RevokeToken(r.Context(), a, a.Tenant, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.InfoContext(r.Context(), "api token revoked", slog.String("token", id), slog.String("by", a.PersonID))
	s.staffDone(w, r, eventstore.Start, "/admin/tokens", "revoked")
}
