package web

import (
	"net/http"
	"strings"
)

// Lang is a page language.
type Lang string

const (
	FR Lang = "fr"
	EN Lang = "en"
)

// langCookie remembers the language a person chose with the switch.
const langCookie = "parcours_lang"

// language picks the page language: ?lang=, then the cookie set by the
// switch, then Accept-Language; French by default.
func language(r *http.Request) Lang {
	if l := r.URL.Query().Get("lang"); l == "fr" || l == "en" {
		return Lang(l)
	}
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == "fr" || c.Value == "en") {
		return Lang(c.Value)
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case strings.HasPrefix(tag, "fr"):
			return FR
		case strings.HasPrefix(tag, "en"):
			return EN
		}
	}
	return FR
}

// catalog holds the words of the pages, French then English. A missing
// key shows as itself, which tests catch.
type catalog map[string][2]string

// T returns the text of key in l.
func (c catalog) T(l Lang, key string) string {
	m, ok := c[key]
	if !ok {
		return key
	}
	if l == EN {
		return m[1]
	}
	return m[0]
}

// words is the catalog of every page: the catalogs of each group of pages,
// merged (a key defined twice is a bug, caught by TestCatalog).
var words = mergeCatalogs(catalogs...)

// catalogs lists every group's catalog; add one line per group.
var catalogs = []catalog{coreWords, publicWords, meWords, staffWords, counsellorWords, adminWords, talkWords, badgeWords, notificationWords, formatWords,
	frameworkWords}

func mergeCatalogs(cs ...catalog) catalog {
	out := catalog{}
	for _, c := range cs {
		for k, v := range c {
			out[k] = v
		}
	}
	return out
}

// coreWords are the words of the layout, the home page and the error
// pages.
var coreWords = catalog{
	"app.name":        {"Parcours", "Parcours"},
	"app.tagline":     {"Votre portfolio de compétences et de preuves", "Your portfolio of skills and evidence"},
	"nav.skip":        {"Aller au contenu", "Skip to content"},
	"nav.home":        {"Accueil", "Home"},
	"nav.login":       {"Se connecter", "Log in"},
	"nav.logout":      {"Se déconnecter", "Log out"},
	"nav.language":    {"Langue", "Language"},
	"lang.fr":         {"Français", "Français"},
	"lang.en":         {"English", "English"},
	"error.title":     {"Une erreur est survenue", "Something went wrong"},
	"error.notfound":  {"Page introuvable", "Page not found"},
	"error.gone":      {"Ce lien n'est plus valide", "This link is no longer valid"},
	"error.gone.text": {"La personne qui l'a partagé l'a retiré, ou il a expiré.", "The person who shared it revoked it, or it expired."},
	"error.forbidden": {"Accès refusé", "Access denied"},
	"error.back":      {"Revenir à l'accueil", "Back to the home page"},
	"footer.privacy":  {"Vos données personnelles sont chiffrées et effaçables.", "Your personal data is encrypted and can be erased."},
	"home.title":      {"Bienvenue sur Parcours", "Welcome to Parcours"},
	"home.intro":      {"Rassemblez vos expériences, vos compétences et leurs preuves, partagez-les avec votre conseiller, votre tuteur ou un recruteur, et préparez votre VAE.", "Gather your experiences, skills and their evidence, share them with your counsellor, your tutor or a recruiter, and prepare your VAE."},
	"home.demo":       {"Voir la page publique de démonstration", "See the demo public page"},
	"home.api":        {"Documentation de l'API (OpenAPI)", "API documentation (OpenAPI)"},
}

// Catalogs returns the catalogs of every group of pages (for tests).
func Catalogs() []map[string][2]string {
	out := make([]map[string][2]string, len(catalogs))
	for i, c := range catalogs {
		out[i] = c
	}
	return out
}
