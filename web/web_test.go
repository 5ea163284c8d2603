package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/parcours/parcours/web"
)

func TestHomeInBothLanguages(t *testing.T) {
	s, err := web.New(web.Deps{DemoPage: "/p/demo-token"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	cases := []struct {
		path, acceptLang, want, lang string
	}{
		{"/", "", "Bienvenue sur Parcours", "fr"},
		{"/", "en-GB,en;q=0.9", "Welcome to Parcours", "en"},
		{"/?lang=fr", "en", "Bienvenue sur Parcours", "fr"},
		{"/?lang=en", "", "Welcome to Parcours", "en"},
	}
	for _, c := range cases {
		req, _ := http.NewRequest("GET", srv.URL+c.path, nil)
		req.Header.Set("Accept-Language", c.acceptLang)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		html := string(body)
		if resp.StatusCode != 200 || !strings.Contains(html, c.want) || !strings.Contains(html, `<html lang="`+c.lang+`">`) {
			t.Fatalf("%s (%s): %d\n%s", c.path, c.acceptLang, resp.StatusCode, html)
		}
		if !strings.Contains(html, `href="/p/demo-token"`) || !strings.Contains(html, `<main id="main"`) {
			t.Fatalf("home lacks the demo link or the main landmark:\n%s", html)
		}
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'none'") || resp.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Fatalf("security headers: %v", resp.Header)
		}
	}
	resp, err := http.Get(srv.URL + "/nowhere")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("missing page: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	resp, err = http.Get(srv.URL + "/static/style.css")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
		t.Fatalf("stylesheet: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

// TestCatalog: every key is defined once across the groups' catalogs, in
// both languages.
func TestCatalog(t *testing.T) {
	seen := map[string]int{}
	for i, c := range web.Catalogs() {
		for k, v := range c {
			if j, dup := seen[k]; dup {
				t.Errorf("key %q defined in catalogs %d and %d", k, j, i)
			}
			seen[k] = i
			if v[0] == "" || v[1] == "" {
				t.Errorf("key %q lacks a translation", k)
			}
		}
	}
}
