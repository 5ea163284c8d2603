package httpapi

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/parcours/parcours/credentials"
	"github.com/parcours/parcours/domain"
)

// CredentialsAuth is the Authenticator over the credentials service (set
// it as Deps.Auth beside Deps.Creds). Its refusals become problems here:
// 401 for a bad, expired or revoked credential, 403 for a cross-site
// write with the session cookie. A failure of the credential store is
// logged and answered 500, not taken for a bad credential.
func CredentialsAuth(c *credentials.Service, log *slog.Logger) Authenticator {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return credentialsAuth{c: c, log: log}
}

type credentialsAuth struct {
	c   *credentials.Service
	log *slog.Logger
}

func (a credentialsAuth) Authenticate(r *http.Request) (domain.Actor, bool, error) {
	actor, ok, err := a.c.Authenticate(r)
	if err == nil {
		return actor, ok, nil
	}
	if p := credentialProblem(err); p != err {
		return domain.Actor{}, false, p
	}
	a.log.ErrorContext(r.Context(), "authenticate", slog.String("path", r.URL.Path), slog.Any("err", err))
	return domain.Actor{}, false, errStatus(http.StatusInternalServerError, "internal", "Internal error", "something went wrong on our side; it was logged")
}

// credentialProblem turns the credentials service's refusals into
// problems, and leaves other errors as they are.
func credentialProblem(err error) error {
	var rl *credentials.RateLimitError
	switch {
	case errors.Is(err, credentials.ErrInvalidCredentials):
		return errStatus(http.StatusUnauthorized, "invalid-credentials", "Wrong email or password", "the email or the password is wrong")
	case errors.As(err, &rl):
		return errStatus(http.StatusTooManyRequests, "too-many-attempts", "Too many login attempts",
			fmt.Sprintf("wait %d seconds (Retry-After), then try again", int(rl.RetryAfter.Seconds()+0.999)))
	case errors.Is(err, credentials.ErrCrossSite):
		return errStatus(http.StatusForbidden, "cross-site-request", "Cross-site request refused",
			"a change made with the session cookie must come from this site's own pages (Origin or Referer)")
	case errors.Is(err, credentials.ErrUnauthenticated):
		return errStatus(http.StatusUnauthorized, "unauthenticated", "Bad credential", "the session or token is unknown, expired or revoked")
	}
	return err
}
