package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestLogin: the form logs people in with the credentials service's
// session cookie and sends each to the home of their role; a wrong
// password is said next to the form, in the reader's language; logging
// out ends the session.
func TestLogin(t *testing.T) {
	e := newBenEnv(t)
	b := e.benBrowser()
	benWant(t, b.get("/login"), http.StatusOK, `<label for="f-email">Adresse e-mail`, `autocomplete="current-password"`, `<h1>Se connecter</h1>`)
	benWantRedirect(t, b.get("/me/portfolio"), "/login?next=%2Fme%2Fportfolio")

	p := b.post("/login", url.Values{"email": {"p-zoe@example.org"}, "password": {"wrong"}})
	benWant(t, p, http.StatusUnprocessableEntity, "L&#39;adresse e-mail ou le mot de passe est incorrect.", `value="p-zoe@example.org"`)
	if strings.Contains(p.body, `value="wrong"`) {
		t.Fatal("the password was sent back")
	}
	b.lang = "en"
	benWant(t, b.post("/login", url.Values{"email": {""}, "password": {""}}), http.StatusUnprocessableEntity,
		`<p class="field-error" id="f-email-err">This field is required.</p>`, `aria-describedby="f-email-err"`)
	b.lang = ""

	p = b.post("/login", url.Values{"email": {"p-zoe@example.org"}, "password": {benPassword}, "next": {"/me/goals"}})
	benWantRedirect(t, p, "/me/goals")
	if !strings.Contains(p.header.Get("Set-Cookie"), "parcours_session=") || !strings.Contains(p.header.Get("Set-Cookie"), "HttpOnly") {
		t.Fatalf("session cookie: %q", p.header.Get("Set-Cookie"))
	}
	benWant(t, b.get("/me/portfolio"), http.StatusOK, "<h1>Mon portfolio</h1>", `aria-current="page"`)
	benWantRedirect(t, b.get("/login"), "/me/portfolio")

	benWantRedirect(t, b.post("/logout", nil), "/")
	benWantRedirect(t, b.get("/me/portfolio"), "/login")

	for person, home := range map[string]string{"p-cons": "/counsellor", "p-tutor": "/tutor", "p-admin": "/admin"} {
		s := e.benBrowser()
		s.login(person, home)
		benWantRedirect(t, s.get("/me/portfolio"), home)
	}
	// An open redirect is not: next must be a path of this site.
	benWantRedirect(t, e.benBrowser().post("/login", url.Values{"email": {"p-luc@example.org"}, "password": {benPassword}, "next": {"//evil.example/"}}), "/me/portfolio")
}

// TestCrossSiteWrites: a form posted from another site, or with no sign of
// where it came from, is refused before anything is done; so is a login.
func TestCrossSiteWrites(t *testing.T) {
	e := newBenEnv(t)
	b := e.benBrowser()
	b.login("p-zoe", "/me/portfolio")
	before := e.head()
	form := url.Values{"title": {"Vendeuse"}, "kind": {"professional"}, "context": {"formal"}}
	for _, origin := range []string{"https://evil.example", ""} {
		b.origin = origin
		benWant(t, b.post("/me/experiences", form), http.StatusForbidden, "Accès refusé")
	}
	b.origin = "https://evil.example"
	benWant(t, b.post("/logout", nil), http.StatusForbidden)
	if e.head() != before {
		t.Fatal("a cross-site form changed the store")
	}
	benWant(t, e.benBrowser().withOrigin("https://evil.example").post("/login", url.Values{"email": {"p-zoe@example.org"}, "password": {benPassword}}), http.StatusForbidden)
	b.origin = e.url
	benWant(t, b.get("/me/portfolio"), http.StatusOK) // still logged in
}

func (b *benBrowser) withOrigin(o string) *benBrowser { b.origin = o; return b }
