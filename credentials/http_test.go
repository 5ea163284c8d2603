package credentials_test

import (
	"crypto/tls"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/parcours/parcours/credentials"
)

func TestCheckOrigin(t *testing.T) {
	svc := credentials.New(nil, credentials.Options{})
	for _, tc := range []struct {
		method  string
		headers []string
		ok      bool
	}{
		{"GET", []string{"Origin", "https://evil.example"}, true},
		{"POST", []string{"Origin", "https://app.example"}, true},
		{"POST", []string{"Origin", "https://evil.example"}, false},
		{"POST", []string{"Origin", "null"}, false},
		{"DELETE", []string{"Sec-Fetch-Site", "cross-site"}, false},
		{"PUT", []string{"Sec-Fetch-Site", "same-site", "Origin", "https://app.example"}, false},
		{"PATCH", []string{"Sec-Fetch-Site", "same-origin"}, true},
		{"POST", []string{"Referer", "https://app.example/pages/cv"}, true},
		{"POST", []string{"Referer", "https://evil.example/app.example"}, false},
		{"POST", nil, false},
	} {
		r := httptest.NewRequest(tc.method, "https://app.example/v1/x", nil)
		for i := 0; i < len(tc.headers); i += 2 {
			r.Header.Set(tc.headers[i], tc.headers[i+1])
		}
		err := svc.CheckOrigin(r)
		if (err == nil) != tc.ok || err != nil && !errors.Is(err, credentials.ErrCrossSite) {
			t.Errorf("%s %v: %v, want ok=%v", tc.method, tc.headers, err, tc.ok)
		}
	}
}

func TestCookieAndClientAddr(t *testing.T) {
	direct := credentials.New(nil, credentials.Options{})
	proxied := credentials.New(nil, credentials.Options{TrustProxy: true})
	r := httptest.NewRequest("POST", "/v1/session", nil)
	r.RemoteAddr = "[2001:db8:1:2:3:4:5:6]:4242"
	r.Header.Set("X-Forwarded-Proto", "https")
	r.Header.Add("X-Forwarded-For", "203.0.113.1, 198.51.100.2")
	c := direct.Cookie(r, credentials.LoginResult{Token: "t"})
	if c.Name != "parcours_session" || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure {
		t.Fatalf("cookie over plain HTTP, untrusted X-Forwarded-Proto: %+v", c)
	}
	if !proxied.Cookie(r, credentials.LoginResult{}).Secure {
		t.Fatal("not Secure behind a trusted TLS proxy")
	}
	r.TLS = &tls.ConnectionState{}
	if !direct.Cookie(r, credentials.LoginResult{}).Secure || !direct.ClearCookie(r).Secure || direct.ClearCookie(r).MaxAge >= 0 {
		t.Fatal("not Secure over TLS")
	}
	if got := direct.ClientAddr(r); got != "2001:db8:1:2::/64" {
		t.Fatalf("IPv6 peer counts by /64: %q", got)
	}
	if got := proxied.ClientAddr(r); got != "198.51.100.2" {
		t.Fatalf("behind a proxy, the entry it added: %q", got)
	}
	r.RemoteAddr = "[::ffff:192.0.2.7]:1"
	if got := direct.ClientAddr(r); got != "192.0.2.7" {
		t.Fatalf("IPv4-mapped: %q", got)
	}
}
