package httpapi

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/parcours/parcours/credentials"
	"github.com/parcours/parcours/domain"
)

// LoginRequest is the body of a login.
type LoginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// Me is who the caller's credential acts as.
type Me struct {
	PersonID    string      `json:"person_id"`
	StructureID string      `json:"structure_id,omitempty"`
	Role        domain.Role `json:"role"`
}

// SessionInfo answers a login; the session itself is in the cookie.
type SessionInfo struct {
	PersonID    string      `json:"person_id"`
	StructureID string      `json:"structure_id"`
	Role        domain.Role `json:"role"`
	ExpiresAt   time.Time   `json:"expires_at"`
}

// TokenRequest asks for an API token acting as an app person enrolled in
// the structure in role.
type TokenRequest struct {
	Name     string      `json:"name"`
	Role     domain.Role `json:"role"`
	PersonID string      `json:"person_id"`
}

// APIToken describes an API token, never its secret.
type APIToken struct {
	ID         string      `json:"id"`
	Name       string      `json:"name"`
	Role       domain.Role `json:"role"`
	PersonID   string      `json:"person_id"`
	CreatedAt  time.Time   `json:"created_at"`
	CreatedBy  string      `json:"created_by"`
	LastUsedAt *time.Time  `json:"last_used_at,omitempty"`
	Revoked    bool        `json:"revoked"`
	RevokedAt  *time.Time  `json:"revoked_at,omitempty"`
}

// NewAPIToken answers the creation of a token: the secret, shown once.
type NewAPIToken struct {
	ID        string      `json:"id"`
	Name      string      `json:"name"`
	Role      domain.Role `json:"role"`
	PersonID  string      `json:"person_id"`
	CreatedAt time.Time   `json:"created_at"`
	Token     string      `json:"token"`
}

// TokenList lists a structure's API tokens, oldest first.
type TokenList struct {
	Tokens []APIToken `json:"tokens"`
}

func (s *Server) authRoutes() []route {
	const tokens = "/v1/structures/{structureID}/tokens"
	return []route{
		{Method: "POST", Pattern: "/v1/session", ID: "login", Summary: "Log in with email and password: sets the parcours_session cookie", Tag: "authentication",
			Public: true, Request: LoginRequest{}, Response: SessionInfo{}, Status: http.StatusOK, Handle: s.login},
		{Method: "DELETE", Pattern: "/v1/session", ID: "logout", Summary: "Log out: ends the session and clears the cookie", Tag: "authentication",
			Public: true, Status: http.StatusNoContent, Handle: s.logout},
		{Method: "GET", Pattern: "/v1/me", ID: "me", Summary: "Who the credential acts as", Tag: "authentication",
			Response: Me{}, Status: http.StatusOK, Handle: s.me},
		{Method: "POST", Pattern: tokens, ID: "createToken", Summary: "Create an API token for an app person of the structure (structure admin); the token is shown once", Tag: "authentication",
			Request: TokenRequest{}, Response: NewAPIToken{}, Status: http.StatusCreated, Handle: s.createToken},
		{Method: "GET", Pattern: tokens, ID: "listTokens", Summary: "The structure's API tokens, without their secrets (structure admin)", Tag: "authentication",
			Response: TokenList{}, Status: http.StatusOK, Handle: s.listTokens},
		{Method: "DELETE", Pattern: tokens + "/{tokenID}", ID: "revokeToken", Summary: "Revoke an API token (structure admin)", Tag: "authentication",
			Status: http.StatusNoContent, Handle: s.revokeToken},
	}
}

// creds returns the credentials service, or a 503 where none is wired.
func (s *Server) creds() (*credentials.Service, error) {
	if s.deps.Creds == nil {
		return nil, errStatus(http.StatusServiceUnavailable, "no-credentials", "Logins unavailable", "this server has no credential store")
	}
	return s.deps.Creds, nil
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	c, err := s.creds()
	if err != nil {
		return err
	}
	if err := c.CheckLoginOrigin(r); err != nil {
		return credentialProblem(err)
	}
	req, err := decodeLogin(r)
	if err != nil {
		return err
	}
	res, err := c.Login(r.Context(), req.Email, req.Password, c.ClientAddr(r))
	var rl *credentials.RateLimitError
	if errors.As(err, &rl) {
		w.Header().Set("Retry-After", strconv.Itoa(int((rl.RetryAfter+time.Second-1)/time.Second)))
	}
	if err != nil {
		return credentialProblem(err)
	}
	http.SetCookie(w, c.Cookie(r, res))
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, SessionInfo{PersonID: res.Actor.PersonID, StructureID: res.Actor.Tenant, Role: res.Actor.Role, ExpiresAt: res.ExpiresAt})
	return nil
}

// decodeLogin reads a login body: both fields present, within bounds.
func decodeLogin(r *http.Request) (LoginRequest, error) {
	var req LoginRequest
	if err := decodeJSON(r, &req); err != nil {
		return req, err
	}
	var fields []FieldProblem
	if req.Email == "" || len(req.Email) > 254 {
		fields = append(fields, FieldProblem{Field: "email", Detail: "must be 1 to 254 characters"})
	}
	if req.Password == "" || len(req.Password) > credentials.MaxPasswordLen {
		fields = append(fields, FieldProblem{Field: "password", Detail: "must be 1 to " + strconv.Itoa(credentials.MaxPasswordLen) + " bytes"})
	}
	if fields != nil {
		return req, &httpError{status: http.StatusUnprocessableEntity, kind: "invalid", title: "Invalid request", detail: "send an email and a password", fields: fields}
	}
	return req, nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	c, err := s.creds()
	if err != nil {
		return err
	}
	if cookie, err := r.Cookie(credentials.CookieName); err == nil {
		if err := c.CheckOrigin(r); err != nil {
			return credentialProblem(err)
		}
		if err := c.Logout(r.Context(), cookie.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, c.ClearCookie(r))
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	a, ok := actorFrom(r.Context())
	if !ok {
		return errUnauthenticated
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, Me{PersonID: a.PersonID, StructureID: a.Tenant, Role: a.Role})
	return nil
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	c, err := s.creds()
	if err != nil {
		return err
	}
	a, _ := actorFrom(r.Context())
	var req TokenRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	t, secret, err := c.CreateToken(r.Context(), a, credentials.NewToken{Tenant: param(r, "structureID"), Name: req.Name, PersonID: req.PersonID, Role: req.Role})
	if err != nil {
		return err
	}
	s.log.InfoContext(r.Context(), "api token created", slog.String("token", t.ID), slog.String("structure", t.Tenant),
		slog.String("acts_as", t.PersonID), slog.String("by", a.PersonID))
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, NewAPIToken{ID: t.ID, Name: t.Name, Role: t.Role, PersonID: t.PersonID, CreatedAt: t.CreatedAt, Token: secret})
	return nil
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) error {
	c, err := s.creds()
	if err != nil {
		return err
	}
	a, _ := actorFrom(r.Context())
	list, err := c.Tokens(r.Context(), a, param(r, "structureID"))
	if err != nil {
		return err
	}
	out := TokenList{Tokens: make([]APIToken, 0, len(list))}
	for _, t := range list {
		out.Tokens = append(out.Tokens, APIToken{ID: t.ID, Name: t.Name, Role: t.Role, PersonID: t.PersonID, CreatedAt: t.CreatedAt,
			CreatedBy: t.CreatedBy, LastUsedAt: timeOrNil(t.LastUsedAt), Revoked: t.Revoked(), RevokedAt: timeOrNil(t.RevokedAt)})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	c, err := s.creds()
	if err != nil {
		return err
	}
	a, _ := actorFrom(r.Context())
	if err := c.RevokeToken(r.Context(), a, param(r, "structureID"), param(r, "tokenID")); err != nil {
		return err
	}
	s.log.InfoContext(r.Context(), "api token revoked", slog.String("token", param(r, "tokenID")), slog.String("by", a.PersonID))
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
