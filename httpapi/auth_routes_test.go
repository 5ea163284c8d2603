package httpapi_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/httpapi"
)

func TestLoginCookieAndLogout(t *testing.T) {
	a := newAuthAPI(t)
	r := a.ok(a.do("POST", "/v1/session", "", map[string]string{"email": "P-Zoe@Example.org", "password": password}))
	var info httpapi.SessionInfo
	r.json(t, &info)
	if info.PersonID != "p-zoe" || info.StructureID != "s-ml" || info.Role != domain.RoleBeneficiary || !info.ExpiresAt.Equal(a.clock.now().Add(7*24*time.Hour)) {
		t.Fatalf("login answer: %+v", info)
	}
	cookies := (&http.Response{Header: r.header}).Cookies()
	if len(cookies) != 1 {
		t.Fatalf("cookies: %v", r.header.Values("Set-Cookie"))
	}
	c := cookies[0]
	if c.Name != "parcours_session" || len(c.Value) != 43 || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure {
		t.Fatalf("cookie over plain HTTP: %s", r.header.Get("Set-Cookie"))
	}
	if r.header.Get("Cache-Control") != "no-store" {
		t.Fatal("a login answer may be cached")
	}
	cookie := c.Name + "=" + c.Value
	var me httpapi.Me
	a.ok(a.do("GET", "/v1/me", "", nil, "Cookie", cookie)).json(t, &me)
	if me != (httpapi.Me{PersonID: "p-zoe", StructureID: "s-ml", Role: domain.RoleBeneficiary}) {
		t.Fatalf("me: %+v", me)
	}
	// Logging out from another site is refused; from our own pages it works.
	if r := a.do("DELETE", "/v1/session", "", nil, "Cookie", cookie, "Origin", "https://evil.example"); r.status != http.StatusForbidden {
		t.Fatalf("cross-site logout: %d %s", r.status, r.body)
	}
	r = a.do("DELETE", "/v1/session", "", nil, "Cookie", cookie, "Origin", a.url)
	if r.status != http.StatusNoContent || !strings.Contains(r.header.Get("Set-Cookie"), "Max-Age=0") {
		t.Fatalf("logout: %d %v", r.status, r.header)
	}
	if r := a.do("GET", "/v1/me", "", nil, "Cookie", cookie); r.status != http.StatusUnauthorized {
		t.Fatalf("me after logout: %d %s", r.status, r.body)
	}
	if r := a.do("GET", "/v1/me", "", nil); r.status != http.StatusUnauthorized {
		t.Fatalf("me without credential: %d", r.status)
	}
	if r := a.do("POST", "/v1/session", "", map[string]string{"email": "p-zoe@example.org", "password": password}, "Origin", "https://evil.example"); r.status != http.StatusForbidden {
		t.Fatalf("a cross-site login form: %d", r.status)
	}
}

func TestCrossSiteWrites(t *testing.T) {
	a := newAuthAPI(t)
	cookie := a.login("p-admin")
	path := "/v1/structures/s-ml/tokens"
	body := map[string]string{"name": "CRM", "role": "counsellor", "person_id": "p-app"}
	for _, tc := range []struct {
		name    string
		headers []string
		status  int
	}{
		{"cookie, foreign Origin", []string{"Cookie", cookie, "Origin", "https://evil.example"}, http.StatusForbidden},
		{"cookie, Sec-Fetch-Site cross-site", []string{"Cookie", cookie, "Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
		{"cookie, neither Origin nor Referer", []string{"Cookie", cookie}, http.StatusForbidden},
		{"cookie, foreign Referer", []string{"Cookie", cookie, "Referer", "https://evil.example/x"}, http.StatusForbidden},
		{"cookie, same Origin", []string{"Cookie", cookie, "Origin", a.url}, http.StatusCreated},
		{"cookie, same-host Referer", []string{"Cookie", cookie, "Referer", a.url + "/pages/admin"}, http.StatusCreated},
	} {
		if r := a.do("POST", path, "", body, tc.headers...); r.status != tc.status {
			t.Errorf("%s: %d, want %d: %s", tc.name, r.status, tc.status, r.body)
		}
	}
	// A bearer token carries no ambient authority: a foreign Origin is fine.
	var tok httpapi.NewAPIToken
	a.ok(a.do("POST", path, "", body, "Cookie", cookie, "Origin", a.url)).json(t, &tok)
	tokAdmin := a.createAdminToken(cookie)
	if r := a.do("POST", path, tokAdmin, body, "Origin", "https://evil.example"); r.status != http.StatusCreated {
		t.Fatalf("bearer with a foreign Origin: %d %s", r.status, r.body)
	}
	// Safe methods pass with the cookie whatever the Origin.
	if r := a.do("GET", path, "", nil, "Cookie", cookie, "Origin", "https://evil.example"); r.status != http.StatusOK {
		t.Fatalf("cookie GET with a foreign Origin: %d", r.status)
	}
}

// createAdminToken makes a structure_admin token for p-admin itself.
func (a *authAPI) createAdminToken(cookie string) string {
	var tok httpapi.NewAPIToken
	a.ok(a.do("POST", "/v1/structures/s-ml/tokens", "", map[string]string{"name": "admin script", "role": "structure_admin", "person_id": "p-admin"},
		"Cookie", cookie, "Origin", a.url)).json(a.t, &tok)
	return tok.Token
}

func TestLoginRateLimit(t *testing.T) {
	a := newAuthAPI(t)
	wrong := map[string]string{"email": "p-zoe@example.org", "password": "not her password"}
	for i := range 5 {
		if r := a.do("POST", "/v1/session", "", wrong); r.status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d %s", i+1, r.status, r.body)
		}
	}
	r := a.do("POST", "/v1/session", "", map[string]string{"email": "p-zoe@example.org", "password": password})
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "12" || !bytes.Contains(r.body, []byte("too-many-attempts")) {
		t.Fatalf("6th attempt: %d Retry-After %q %s", r.status, r.header.Get("Retry-After"), r.body)
	}
	a.clock.add(12 * time.Second)
	a.ok(a.do("POST", "/v1/session", "", map[string]string{"email": "p-zoe@example.org", "password": password}))
}

func TestLoginSameAnswer(t *testing.T) {
	a := newAuthAPI(t)
	try := func(email string) (reply, int64) {
		before := a.hashes.Load()
		r := a.do("POST", "/v1/session", "", map[string]string{"email": email, "password": "not the password"}, "X-Request-Id", "same-id")
		return r, a.hashes.Load() - before
	}
	known, kh := try("p-zoe@example.org")
	unknown, uh := try("nobody@example.org")
	if known.status != http.StatusUnauthorized || known.status != unknown.status || !bytes.Equal(known.body, unknown.body) {
		t.Fatalf("known account: %d %s\nunknown account: %d %s", known.status, known.body, unknown.status, unknown.body)
	}
	if kh != 1 || uh != 1 {
		t.Fatalf("argon2id computations: %d for a wrong password, %d for an unknown account; want 1 and 1", kh, uh)
	}
	if len(known.header.Values("Set-Cookie")) != 0 {
		t.Fatal("a failed login set a cookie")
	}
	for _, body := range []any{map[string]string{"email": "p-zoe@example.org"}, map[string]any{"email": "x", "password": "y", "remember": true}} {
		if r := a.do("POST", "/v1/session", "", body); r.status != http.StatusUnprocessableEntity {
			t.Fatalf("%v: %d %s", body, r.status, r.body)
		}
	}
}

func TestExpiredSession(t *testing.T) {
	a := newAuthAPI(t)
	cookie := a.login("p-zoe")
	a.clock.add(11 * time.Hour)
	a.ok(a.do("GET", "/v1/me", "", nil, "Cookie", cookie))
	a.clock.add(12 * time.Hour)
	r := a.do("GET", "/v1/me", "", nil, "Cookie", cookie)
	if r.status != http.StatusUnauthorized || !bytes.Contains(r.body, []byte("unauthenticated")) {
		t.Fatalf("after 12 idle hours: %d %s", r.status, r.body)
	}
}
