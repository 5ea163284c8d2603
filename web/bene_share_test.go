package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

// TestComposeAndPublish: a CV and a page are composed with forms; the page
// is published and its link shown once; a recruiter opens it (with its
// photo), without cookie or referrer, kept out of search engines; once
// revoked the link answers 410 and its files with it.
func TestComposeAndPublish(t *testing.T) {
	e := newBenEnv(t)
	e.benStory(t)
	b := e.benBrowser()
	b.login("p-zoe", "/me/portfolio")

	p := b.get("/me/cvs/new")
	benWant(t, p, http.StatusOK, `<legend>Mes expériences</legend>`, `value="x-cap"`, `<legend>Formation</legend>`)
	before := e.head()
	benWant(t, b.post("/me/cvs", url.Values{"idem": {p.key(t)}, "title": {"CV"}, "education": {"x-shop"}}), http.StatusUnprocessableEntity,
		`id="f-education-err">Seules les formations vont dans la partie « Formation ».</p>`)
	if e.head() != before {
		t.Fatal("a refused CV changed the store")
	}
	p = b.post("/me/cvs", url.Values{"idem": {p.key(t)}, "title": {"CV vente"}, "experiences": {"x-shop"}, "education": {"x-cap"}, "competences": {"c-welcome"}})
	benWantRedirect(t, p, "/me/cvs/cv-")
	benWant(t, b.get(p.header.Get("Location")), http.StatusOK, `<h1 id="owner">Zoé Martin</h1>`, "CAP Équipier polyvalent du commerce", "Accueillir et conseiller le client")

	p = b.get("/me/pages/new")
	benWant(t, p, http.StatusOK, `value="evidence:ev-photo"`, `value="task:x-shop/t-till"`, `<legend>Attestations</legend>`)
	p = b.post("/me/pages", url.Values{"idem": {p.key(t)}, "title": {"Pour Dupain"}, "items": {"experience:x-shop", "evidence:ev-photo"}})
	benWantRedirect(t, p, "/me/pages/pg-")
	publish := p.header.Get("Location")
	p = b.get(publish)
	benWant(t, p, http.StatusOK, `<input type="checkbox" id="f-public" name="public" value="yes">`)
	benWant(t, b.post(publish, url.Values{"until": {"2026-03-01"}}), http.StatusUnprocessableEntity, `id="f-until-err">Choisissez une date à venir.</p>`)
	form := url.Values{"idem": {p.key(t)}, "recipient": {"Boulangerie Dupain"}}
	p = b.post(publish, form)
	benWant(t, p, http.StatusCreated, "Copiez ce lien maintenant", `<input id="share-url" type="url" readonly value="`+e.url+"/p/")
	if p.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("the token's page may be cached: %v", p.header)
	}
	_, rest, _ := strings.Cut(p.body, `value="`+e.url+"/p/")
	token, _, _ := strings.Cut(rest, `"`)
	// Sent again (a reload), the form makes no second link and shows no token.
	benWantRedirect(t, b.post(publish, form), "/me/share?done=resent")

	r := e.benBrowser() // the recruiter: no session
	r.origin = ""
	p = r.get("/p/" + token + "?lang=fr")
	benWant(t, p, http.StatusOK, `<h1 id="owner">Zoé Martin</h1>`, "Pour Dupain", `alt="Ma vitrine de Noël"`, "Vendeuse en boulangerie")
	h := p.header
	if h.Get("Referrer-Policy") != "no-referrer" || !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") ||
		!strings.Contains(h.Get("X-Robots-Tag"), "noindex") || h.Get("Set-Cookie") != "" || strings.Contains(p.body, "<script") {
		t.Fatalf("public page headers: %v", h)
	}
	_, rest, _ = strings.Cut(p.body, `<img src="`)
	src, _, _ := strings.Cut(rest, `"`)
	if img := r.get(src); img.status != http.StatusOK || img.header.Get("Content-Type") != "image/png" {
		t.Fatalf("photo: %d %v", img.status, img.header)
	}
	// A file of Zoé's that the page does not show is not served through it.
	var other string
	e.count(func(p *domain.Portfolio) int {
		for _, ev := range p.Evidence() {
			if ev.File != nil && !strings.HasSuffix(src, ev.File.FileID) {
				other = ev.File.FileID
			}
		}
		return 0
	})
	if other != "" {
		benWant(t, r.get("/p/"+token+"/files/"+other), http.StatusNotFound)
	}

	p = b.get("/me/share")
	benWant(t, p, http.StatusOK, "Pour Dupain", "pour Boulangerie Dupain", "Retirer le lien")
	_, rest, _ = strings.Cut(p.body, `<form method="post" action="/me/pages/`+strings.TrimSuffix(strings.TrimPrefix(publish, "/me/pages/"), "/publish")+"/links/")
	link, _, _ := strings.Cut(rest, "/revoke")
	benWantRedirect(t, b.post(strings.TrimSuffix(publish, "/publish")+"/links/"+link+"/revoke", nil), "/me/share?done=revoked")
	benWant(t, r.get("/p/"+token), http.StatusGone, "Ce lien n&#39;est plus valide")
	if strings.Contains(r.get("/p/"+token).body, "Dupain") {
		t.Fatal("a revoked page shows its content")
	}
	benWant(t, r.get(src), http.StatusGone)
	benWant(t, r.get("/p/not-a-token"), http.StatusNotFound)
}

// TestPublicListing: a link the owner chose to list publicly lets search
// engines index the page; an expired link answers 410.
func TestPublicListing(t *testing.T) {
	e := newBenEnv(t)
	e.benStory(t)
	res := e.must(e.h.PublishPage(e.ctx, benZoe, commands.PublishPage{PortfolioID: "p-zoe", PageID: "pg-vente",
		LinkInput: domain.LinkInput{Public: true, Until: e.clock().Add(48 * time.Hour)}}))
	e.settle()
	r := e.benBrowser()
	p := r.get("/p/" + res.Secret)
	benWant(t, p, http.StatusOK, "Lien valable jusqu&#39;au 04/03/2026.")
	if p.header.Get("X-Robots-Tag") != "" || strings.Contains(p.body, `name="robots"`) {
		t.Fatalf("a publicly listed page is kept from search engines: %v", p.header)
	}
	e.advance(72 * time.Hour)
	benWant(t, r.get("/p/"+res.Secret), http.StatusGone)
}
