package credentials

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/parcours/parcours/domain"
)

// CookieName is the session cookie's name.
const CookieName = "parcours_session"

// Authenticate finds who sent r: an API token (Authorization: Bearer) or
// else the session cookie. It answers (actor, true, nil) for a valid
// credential, (_, false, nil) for none, and an error wrapping
// ErrUnauthenticated for a bad, expired or revoked one, or ErrCrossSite
// for an unsafe cookie request from another origin. The tenant is the
// credential's, whatever the request says.
func (s *Service) Authenticate(r *http.Request) (domain.Actor, bool, error) {
	ctx, now := r.Context(), s.now()
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, secret, _ := strings.Cut(h, " ")
		if !strings.EqualFold(scheme, "Bearer") {
			return domain.Actor{}, false, fmt.Errorf("Authorization: want Bearer and an API token: %w", ErrUnauthenticated)
		}
		a, err := s.token(ctx, strings.TrimSpace(secret), now)
		return a, err == nil, err
	}
	c, err := r.Cookie(CookieName)
	if err != nil {
		return domain.Actor{}, false, nil
	}
	if err := s.CheckOrigin(r); err != nil {
		return domain.Actor{}, false, err
	}
	a, err := s.session(ctx, c.Value, now)
	return a, err == nil, err
}

// session authenticates a session secret at now; an ended session is
// deleted.
func (s *Service) session(ctx context.Context, secret string, now time.Time) (domain.Actor, error) {
	if !wellFormed(secret) {
		return domain.Actor{}, fmt.Errorf("malformed session: %w", ErrUnauthenticated)
	}
	h := digest(secret)
	ss, u, err := s.store.SessionByHash(ctx, h)
	if errors.Is(err, ErrNotFound) {
		return domain.Actor{}, fmt.Errorf("unknown session: %w", ErrUnauthenticated)
	}
	if err != nil {
		return domain.Actor{}, err
	}
	if !now.Before(ss.ExpiresAt) || !now.Before(ss.LastSeenAt.Add(s.opts.SessionIdle)) {
		// Refused either way; a failed delete leaves it to the purge.
		_ = s.store.DeleteSession(ctx, h)
		return domain.Actor{}, fmt.Errorf("session expired: %w", ErrUnauthenticated)
	}
	if now.Sub(ss.LastSeenAt) >= touchEvery {
		// Best effort: a failed touch only makes the idle end come sooner.
		_ = s.store.TouchSession(ctx, h, now)
	}
	return u.Actor(), nil
}

// CheckOrigin refuses (ErrCrossSite) an unsafe request that a browser sent
// from another origin. http.CrossOriginProtection lets through requests
// that carry neither Sec-Fetch-Site nor Origin, taking them for
// non-browser clients; a cookie-authenticated request is a browser's, so
// here it must then carry a Referer on the same host, or it is refused.
func (s *Service) CheckOrigin(r *http.Request) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return nil
	}
	if err := s.crossOrigin.Check(r); err != nil {
		return fmt.Errorf("%w: %w", ErrCrossSite, err)
	}
	if r.Header.Get("Sec-Fetch-Site") != "" || r.Header.Get("Origin") != "" {
		return nil // the check above judged them
	}
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Host != "" && ref.Host == r.Host {
		return nil
	}
	return fmt.Errorf("%w: no Origin, Sec-Fetch-Site or same-host Referer", ErrCrossSite)
}

// CheckLoginOrigin refuses (ErrCrossSite) a login that a browser sent
// from another origin: a login carries no cookie to abuse, but a
// cross-site form must not log a browser into someone else's account.
// Clients that send no browser headers (apps, curl) pass.
func (s *Service) CheckLoginOrigin(r *http.Request) error {
	if err := s.crossOrigin.Check(r); err != nil {
		return fmt.Errorf("%w: %w", ErrCrossSite, err)
	}
	return nil
}

// Cookie is the session cookie of a login answered to r.
func (s *Service) Cookie(r *http.Request, res LoginResult) *http.Cookie {
	return &http.Cookie{Name: CookieName, Value: res.Token, Path: "/", Expires: res.ExpiresAt,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r)}
}

// ClearCookie is the cookie that makes a browser forget its session.
func (s *Service) ClearCookie(r *http.Request) *http.Cookie {
	return &http.Cookie{Name: CookieName, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r)}
}

// secure reports whether r came over TLS (to us, or to a trusted proxy).
func (s *Service) secure(r *http.Request) bool {
	return r.TLS != nil || s.opts.TrustProxy && strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto")), "https")
}

// ClientAddr is the address that login attempts are counted against: the
// peer's, or with TrustProxy the last X-Forwarded-For entry (the one the
// proxy added). IPv6 addresses count by /64, what one host usually has.
func (s *Service) ClientAddr(r *http.Request) string {
	host := r.RemoteAddr
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if s.opts.TrustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			entries := strings.Split(xff[len(xff)-1], ",")
			if last := strings.TrimSpace(entries[len(entries)-1]); last != "" {
				host = last
			}
		}
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}
