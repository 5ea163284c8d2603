package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/parcours/parcours/domain"
)

// TestExperienceForms: experiences and tasks are added and edited through
// the forms, as commands of the logged-in beneficiary; a refused form
// shows the error next to its field in the reader's language, keeps what
// was typed, and changes nothing.
func TestExperienceForms(t *testing.T) {
	e := newBenEnv(t)
	b := e.benBrowser()
	b.login("p-zoe", "/me/portfolio")
	p := b.get("/me/experiences/new")
	benWant(t, p, http.StatusOK, `<label for="f-title">Intitulé</label>`, `<select id="f-kind" name="kind" required>`, `<input type="date" id="f-from" name="from"`)
	key := p.key(t)

	before := e.head()
	bad := url.Values{"idem": {key}, "title": {""}, "kind": {"professional"}, "context": {"formal"}, "place": {"Arras"}, "from": {"2024-05-01"}, "to": {"2024-06-01"}}
	p = b.post("/me/experiences", bad)
	benWant(t, p, http.StatusUnprocessableEntity, `<p class="field-error" id="f-title-err">Ce champ est obligatoire.</p>`,
		`aria-invalid="true" aria-describedby="f-title-hint f-title-err"`, `value="Arras"`, `<a href="#f-title">Intitulé</a>`)
	bad.Set("title", "Vendeuse")
	bad.Set("to", "2024-01-01")
	p = b.post("/me/experiences", bad)
	benWant(t, p, http.StatusUnprocessableEntity, `id="f-from-err">La date de début doit venir avant la date de fin.</p>`)
	b.lang = "en"
	benWant(t, b.post("/me/experiences", bad), http.StatusUnprocessableEntity, `id="f-from-err">The start date must come before the end date.</p>`)
	b.lang = ""
	if e.head() != before {
		t.Fatal("a refused form changed the store")
	}

	good := url.Values{"idem": {key}, "title": {"Vendeuse à la boulangerie"}, "kind": {"professional"}, "context": {"formal"},
		"organisation": {"Boulangerie Dupain"}, "place": {"Arras"}, "from": {"2024-01-02"}, "to": {"2024-06-30"}, "description": {"Vente et caisse."}}
	p = b.post("/me/experiences", good)
	benWantRedirect(t, p, "/me/portfolio?done=saved#x-")
	id := strings.TrimPrefix(p.header.Get("Location"), "/me/portfolio?done=saved#")
	// The same form sent twice (a double tap) adds one experience.
	benWantRedirect(t, b.post("/me/experiences", good), "/me/portfolio?done=saved#"+id)
	benWant(t, b.get("/me/portfolio?done=saved"), http.StatusOK, "C&#39;est enregistré.", "Vendeuse à la boulangerie",
		"Expérience professionnelle · Apprentissage formel (diplôme, formation) · janv. 2024 – juin 2024 · Boulangerie Dupain, Arras")
	if n := e.count(func(p *domain.Portfolio) int { return len(p.Experiences()) }); n != 1 {
		t.Fatalf("%d experiences, want 1", n)
	}

	benWant(t, b.get("/me/experiences/"+id+"/edit"), http.StatusOK, `value="Vendeuse à la boulangerie"`, `<option value="professional" selected>`)
	good.Set("title", "Vendeuse en boulangerie")
	good.Del("idem")
	benWantRedirect(t, b.post("/me/experiences/"+id, good), "/me/portfolio")

	p = b.get("/me/experiences/" + id + "/tasks/new")
	benWant(t, p, http.StatusOK, `<label for="f-title">Tâche</label>`)
	before = e.head()
	benWant(t, b.post("/me/experiences/"+id+"/tasks", url.Values{"idem": {p.key(t)}, "title": {strings.Repeat("x", 201)}}),
		http.StatusUnprocessableEntity, `id="f-title-err">Écrivez au plus 200 caractères.</p>`)
	if e.head() != before {
		t.Fatal("a refused task changed the store")
	}
	benWantRedirect(t, b.post("/me/experiences/"+id+"/tasks", url.Values{"idem": {p.key(t)}, "title": {"Tenir la caisse"}}), "/me/portfolio")
	var task string
	e.count(func(p *domain.Portfolio) int {
		x, _ := p.Experience(id)
		for tid := range x.Tasks {
			task = tid
		}
		return 0
	})
	benWant(t, b.get("/me/experiences/"+id+"/tasks/"+task+"/edit"), http.StatusOK, `value="Tenir la caisse"`)
	benWantRedirect(t, b.post("/me/experiences/"+id+"/tasks/"+task, url.Values{"title": {"Tenir la caisse"}, "description": {"Seule le samedi."}}), "/me/portfolio")
	benWant(t, b.get("/me/portfolio"), http.StatusOK, "Vendeuse en boulangerie", "<strong>Tenir la caisse</strong>", "Seule le samedi.")

	// Someone else's experience is not found, and Luc's pages are his.
	benWant(t, b.get("/me/experiences/x-nope/edit"), http.StatusNotFound)
	luc := e.benBrowser()
	luc.login("p-luc", "/me/portfolio")
	benWant(t, luc.get("/me/experiences/"+id+"/edit"), http.StatusNotFound)
	benWant(t, luc.post("/me/experiences/"+id, good), http.StatusUnprocessableEntity, "Cet élément n&#39;existe pas ou plus.")
}

// TestCompetencesAndEvidence: a competence is declared, then evidence of
// each kind is attached (a file through a multipart form, streamed into
// the encrypted store); the photo shows in the overview; a file of a type
// not accepted is refused next to the file field and nothing is stored.
func TestCompetencesAndEvidence(t *testing.T) {
	e := newBenEnv(t)
	b := e.benBrowser()
	b.login("p-zoe", "/me/portfolio")
	benWant(t, b.get("/me/evidence/new"), http.StatusOK, "Ajoutez d&#39;abord une expérience ou une compétence")
	e.must(e.h.AddExperience(e.ctx, benZoe, benExperience("x-shop", "Vendeuse", domain.KindProfessional)))
	p := b.get("/me/competences/new")
	benWant(t, p, http.StatusOK, `<label for="f-name">Compétence</label>`)
	before := e.head()
	benWant(t, b.post("/me/competences", url.Values{"idem": {p.key(t)}, "name": {"Accueillir"}, "framework": {"ROME"}, "code": {"K12"}}),
		http.StatusUnprocessableEntity, `id="f-code-err">Indiquez un code ROME (par exemple K1201).</p>`)
	if e.head() != before {
		t.Fatal("a refused competence changed the store")
	}
	p = b.post("/me/competences", url.Values{"idem": {p.key(t)}, "name": {"Accueillir un client"}, "description": {"Sourire"}})
	benWantRedirect(t, p, "/me/portfolio?done=saved#c-")
	comp := strings.TrimPrefix(p.header.Get("Location"), "/me/portfolio?done=saved#")

	p = b.get("/me/evidence/new?target=competence:" + comp)
	benWant(t, p, http.StatusOK, `<option value="competence:`+comp+`" selected>Compétence — Accueillir un client</option>`,
		`enctype="multipart/form-data" data-progress`, `<script src="/static/upload.js" defer></script>`, `accept="image/png,`)
	form := url.Values{"idem": {p.key(t)}, "target": {"competence:" + comp}, "title": {"Photo du comptoir"}, "kind": {"file"}}
	before = e.head()
	p = b.postFile("/me/evidence", form, "virus.exe", []byte("MZ\x90\x00binary"))
	benWant(t, p, http.StatusUnprocessableEntity, `id="f-file-err">Ce type de fichier n&#39;est pas accepté`, `value="Photo du comptoir"`)
	p = b.postFile("/me/evidence", form, "big.png", append(benPNG(), make([]byte, 2<<20)...))
	benWant(t, p, http.StatusUnprocessableEntity, `id="f-file-err">Le fichier est trop gros.</p>`)
	if e.head() != before {
		t.Fatal("a refused file changed the store")
	}
	benWantRedirect(t, b.postFile("/me/evidence", form, "comptoir.png", benPNG()), "/me/portfolio?done=saved#"+comp)
	for _, f := range []url.Values{
		{"target": {"experience:x-shop"}, "title": {"Mon rapport"}, "kind": {"text"}, "text": {"J'ai tenu la caisse."}},
		{"target": {"experience:x-shop"}, "title": {"Site de la boutique"}, "kind": {"link"}, "url": {"https://dupain.example/"}},
	} {
		benWantRedirect(t, b.post("/me/evidence", f), "/me/portfolio?done=saved#x-shop")
	}
	benWant(t, b.post("/me/evidence", url.Values{"target": {"experience:x-shop"}, "title": {"Lien"}, "kind": {"link"}, "url": {"javascript:alert(1)"}}),
		http.StatusUnprocessableEntity, `id="f-url-err">Indiquez une adresse web qui commence par https:// ou http://.</p>`)

	p = b.get("/me/portfolio")
	benWant(t, p, http.StatusOK, `alt="Photo du comptoir"`, "J&#39;ai tenu la caisse.", `<a href="https://dupain.example/" rel="noreferrer noopener">`,
		`<span class="badge">avec preuves</span>`)
	_, rest, _ := strings.Cut(p.body, `<img src="`)
	src, _, _ := strings.Cut(rest, `"`)
	img := b.get(src)
	if img.status != http.StatusOK || img.header.Get("Content-Type") != "image/png" || img.body != string(benPNG()) ||
		!strings.Contains(img.header.Get("Content-Security-Policy"), "sandbox") || img.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("image: %d %v", img.status, img.header)
	}
	luc := e.benBrowser()
	luc.login("p-luc", "/me/portfolio")
	benWant(t, luc.get(src), http.StatusNotFound)
}
