package httpapi_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parcours/parcours/httpapi"
)

// sampleZip zips the extracts of kind shipped in testdata/frameworks, as
// publishers ship their files.
func sampleZip(t *testing.T, kind string) []byte {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join("..", "testdata", "frameworks", kind, "*"))
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		w, _ := zw.Create(filepath.Base(p))
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func (a *api) importFramework(kind string, body []byte, query string, headers ...string) reply {
	a.t.Helper()
	return a.do("POST", "/v1/frameworks/"+kind+"/imports?"+query, "operator", body, append([]string{"Content-Type", "application/zip", "Prefer", "wait=5"}, headers...)...)
}

// TestFrameworksOverHTTP: the operator imports the extracts; every member
// of a structure searches them, with or without accents; bad files get
// problem+json and change nothing; Idempotency-Key and If-Match hold.
func TestFrameworksOverHTTP(t *testing.T) {
	a := newAPI(t)
	a.seedMatrix(t)
	var res httpapi.CommandResult
	rep := a.importFramework("rome", sampleZip(t, "rome"), "label=v460&name=RefRomeCsv.zip", "Idempotency-Key", "rome-1")
	wantStatus(t, rep, http.StatusCreated)
	rep.json(t, &res)
	if res.ID != "1" || res.Stream != "framework-rome" || rep.header.Get("ETag") != fmt.Sprintf(`"%d"`, res.Revision) {
		t.Fatalf("import: %+v %v", res, rep.header)
	}
	var again httpapi.CommandResult
	a.ok(a.importFramework("rome", sampleZip(t, "rome"), "label=v460&name=RefRomeCsv.zip", "Idempotency-Key", "rome-1")).json(t, &again)
	if !again.Replayed || again.Revision != res.Revision {
		t.Errorf("replay: %+v", again)
	}
	wantStatus(t, a.importFramework("rome", sampleZip(t, "rome"), "name=RefRomeCsv.zip"), http.StatusConflict)
	wantStatus(t, a.importFramework("esco", sampleZip(t, "esco"), "name=esco.zip", "If-Match", `"7"`), http.StatusPreconditionFailed)
	wantStatus(t, a.importFramework("esco", sampleZip(t, "esco"), "label=ESCO+1.2.0&name=esco.zip"), http.StatusCreated)
	wantStatus(t, a.importFramework("rncp", sampleZip(t, "rncp"), "name=export.zip"), http.StatusCreated)

	// Bad files: a problem naming the file and the line; nothing written.
	before, _ := a.store.Head(t.Context())
	for _, bad := range []struct{ kind, name, body, want string }{
		{"rome", "unix_referentiel_code_rome.csv", "code_rome,libelle_rome\nK1201\n", "line 2"},
		{"rome", "notes.csv", "a,b\n", "notes.csv"},
		{"esco", "skills_fr.csv", "conceptUri,preferredLabel\nhttp://data.europa.eu/esco/skill/x y,z\n", "skill/x y"},
		{"rncp", "export.xml", "<FICHES><FICHE>", "export.xml"},
		{"rncp", "empty.xml", "", "empty.xml"},
	} {
		rep := a.do("POST", "/v1/frameworks/"+bad.kind+"/imports?name="+bad.name, "operator", []byte(bad.body), "Content-Type", "text/csv")
		if rep.status != http.StatusUnprocessableEntity || rep.header.Get("Content-Type") != "application/problem+json" || !strings.Contains(string(rep.body), bad.want) {
			t.Errorf("%s: %d %s", bad.name, rep.status, rep.body)
		}
	}
	wantStatus(t, a.do("POST", "/v1/frameworks/onet/imports", "operator", []byte("x"), "Content-Type", "text/csv"), http.StatusNotFound)
	wantStatus(t, a.do("POST", "/v1/frameworks/rome/imports", "admin", sampleZip(t, "rome"), "Content-Type", "application/zip"), http.StatusForbidden)
	if after, _ := a.store.Head(t.Context()); after != before {
		t.Errorf("refused imports wrote to the log")
	}

	var found httpapi.FrameworkSearchResult
	a.ok(a.do("GET", "/v1/frameworks/search?q=EDUCATEUR+specialise&kind=rome", "zoe", nil)).json(t, &found)
	if len(found.Hits) != 1 || found.Hits[0].Code != "14597" || found.Hits[0].Label != "Éducateur spécialisé / Éducatrice spécialisée" {
		t.Errorf("search: %+v", found)
	}
	a.ok(a.do("GET", "/v1/frameworks/search?q=career+guid&lang=en&linkable=true", "cons", nil)).json(t, &found)
	if len(found.Hits) != 1 || found.Hits[0].Framework != "ESCO" || found.Hits[0].Label != "advise on career" || !found.Hits[0].Linkable {
		t.Errorf("linkable English search: %+v", found)
	}
	for _, q := range []string{"kind=onet", "lang=de", "limit=0", "limit=51", "linkable=yes", "q=" + strings.Repeat("a", 201)} {
		rep := a.do("GET", "/v1/frameworks/search?"+q, "zoe", nil)
		if rep.status != http.StatusUnprocessableEntity && rep.status != http.StatusBadRequest {
			t.Errorf("%s: %d %s", q, rep.status, rep.body)
		}
	}
	var list httpapi.FrameworkList
	a.ok(a.do("GET", "/v1/frameworks", "tutor", nil)).json(t, &list)
	if len(list.Frameworks) != 3 || list.Frameworks[1].Kind != "rome" || list.Frameworks[1].Label != "v460" || list.Frameworks[1].Counts["appellation"] != 24 {
		t.Errorf("list: %+v", list)
	}
	var versions httpapi.FrameworkVersions
	a.ok(a.do("GET", "/v1/frameworks/rome/versions", "operator", nil)).json(t, &versions)
	if len(versions.Versions) != 1 || versions.Versions[0].Checksum != list.Frameworks[1].Checksum {
		t.Errorf("versions: %+v", versions)
	}
}
