package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"time"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Static returns the embedded static files (CSS, the upload script).
func Static() fs.FS {
	sub, _ := fs.Sub(staticFS, "static")
	return sub
}

// Templates are parsed once at start-up; a broken template fails fast.
type Templates struct {
	pages map[string]*template.Template
}

// ParseTemplates parses every page with the layout.
func ParseTemplates() (*Templates, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	t := &Templates{pages: map[string]*template.Template{}}
	for _, name := range names {
		base := name[len("templates/"):]
		if base == "layout.html" {
			continue
		}
		tpl, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", name)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		t.pages[base] = tpl
	}
	return t, nil
}

// funcs are the template helpers; t is replaced per request with the
// page's language.
var funcs = template.FuncMap{
	"t":    func(key string) string { return key },
	"date": func(t time.Time) string { return t.Format("02/01/2006") },
}

// Page is what every template receives.
type Page struct {
	Lang    Lang
	Title   string
	Path    string
	Me      *Me
	Noindex bool
	Data    any
}

// Me is the logged-in person, if any.
type Me struct {
	PersonID string
	Role     string
	Name     string
}

// render writes page name with status. It renders into a buffer first, so a
// template error becomes a clean 500 rather than half a page.
func render(w http.ResponseWriter, r *http.Request, log *slog.Logger, tpl *Templates, status int, name string, p Page) {
	t, ok := tpl.pages[name]
	if !ok {
		log.Error("no such template", slog.String("name", name))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	t, err := t.Clone()
	if err == nil {
		t = t.Funcs(template.FuncMap{"t": func(key string) string { return words.T(p.Lang, key) }})
	}
	var buf bytes.Buffer
	if err == nil {
		err = t.ExecuteTemplate(&buf, "layout.html", p)
	}
	if err != nil {
		log.Error("render", slog.String("template", name), slog.Any("err", err))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	securityHeaders(w.Header(), p.Noindex)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", string(p.Lang))
	w.Header().Add("Vary", "Accept-Language, Cookie")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// securityHeaders are sent with every page: a strict Content-Security-Policy
// (our own styles and script only, no inline code, no framing), no
// referrer, no sniffing.
func securityHeaders(h http.Header, noindex bool) {
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
	if noindex {
		h.Set("X-Robots-Tag", "noindex, nofollow")
	}
}
