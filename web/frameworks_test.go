package web_test

import (
	"bytes"
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/frameworks"
)

// importFrameworks imports the extracts shipped in testdata/frameworks.
func (e *benEnv) importFrameworks() {
	e.t.Helper()
	op := commands.Call{Actor: domain.Actor{PersonID: "operator", Role: domain.RoleOperator}}
	for _, k := range domain.FrameworkKinds {
		paths, _ := filepath.Glob(filepath.Join("..", "testdata", "frameworks", string(k), "*"))
		var files []frameworks.File
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				e.t.Fatal(err)
			}
			files = append(files, frameworks.File{Name: filepath.Base(p), Body: bytes.NewReader(data)})
		}
		in, err := frameworks.Read(k, files...)
		if err != nil {
			e.t.Fatal(err)
		}
		e.must(e.h.ImportFramework(e.ctx, op, commands.ImportFramework{Kind: k, FrameworkImport: in}))
	}
	e.settle()
}

// TestCompetencePicker: without JavaScript, Zoé searches the frameworks
// from the competence form (no accents typed), picks a block, and
// declares the competence without naming it: her portfolio shows the
// framework's label. A code the frameworks do not hold is still declared,
// and shown by its code.
func TestCompetencePicker(t *testing.T) {
	e := newBenEnv(t)
	zoe := e.benBrowser()
	zoe.login("p-zoe", "/me/portfolio")
	benWant(t, zoe.get("/me/competences/new"), http.StatusOK, "Aucun référentiel n&#39;est encore importé")
	e.importFrameworks()

	p := zoe.get("/me/competences/new?q=diagnostic+partage&kind=rncp")
	benWant(t, p, http.StatusOK, `role="search"`, `name="q" value="diagnostic partage"`, "Résultats",
		"Accueillir pour analyser la demande des personnes et poser les bases d&#39;un diagnostic partagé", "bloc de compétences RNCP", "Conseiller en insertion professionnelle",
		`<script src="/static/picker.js" defer></script>`)
	pick := "/me/competences/new?code=BC01&amp;framework=RNCP37274&amp;kind=rncp&amp;q=diagnostic&#43;partage#f-name"
	if !strings.Contains(p.body, pick) {
		t.Fatalf("no link choosing BC01:\n%s", p.body)
	}
	chosen := zoe.get(html.UnescapeString(strings.TrimSuffix(pick, "#f-name")))
	benWant(t, chosen, http.StatusOK, "Élément choisi :", `name="framework" value="RNCP37274"`, `name="code" value="BC01"`)
	done := zoe.post("/me/competences", url.Values{"idem": {chosen.key(t)}, "framework": {"RNCP37274"}, "code": {"BC01"}})
	if done.status != http.StatusSeeOther {
		t.Fatalf("declare: %d %s", done.status, done.body)
	}
	e.settle()
	benWant(t, zoe.get("/me/portfolio"), http.StatusOK, "Accueillir pour analyser la demande des personnes", "RNCP37274 · BC01")

	// English labels, ESCO; and a search that finds nothing.
	benWant(t, zoe.get("/me/competences/new?q=orientation&lang=en"), http.StatusOK, "advise on career", "skill ESCO")
	benWant(t, zoe.get("/me/competences/new?q=zzzz"), http.StatusOK, "Aucun élément ne correspond")

	// A refused competence keeps the picker and what was chosen.
	before := e.head()
	again := zoe.get("/me/competences/new")
	bad := zoe.post("/me/competences", url.Values{"idem": {again.key(t)}, "framework": {"RNCP37274"}, "code": {"BC01"}})
	benWant(t, bad, http.StatusUnprocessableEntity, "Chercher dans les référentiels", "Élément choisi :")
	if e.head() != before {
		t.Error("a refused competence wrote")
	}
}
