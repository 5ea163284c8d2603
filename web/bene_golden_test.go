package web_test

import (
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestGoldenPages: the recruiter page and the CV, as rendered in French
// and in English, are the files under testdata/ (go test -run
// TestGoldenPages -update rewrites them). The share token and the photo's
// file ID, drawn at random, read TOKEN and FILE.
func TestGoldenPages(t *testing.T) {
	e := newBenEnv(t)
	token, fileID := e.benStory(t)
	zoe := e.benBrowser()
	zoe.login("p-zoe", "/me/portfolio")
	recruiter := e.benBrowser()
	for _, c := range []struct {
		b          *benBrowser
		path, file string
	}{
		{recruiter, "/p/" + token + "?lang=fr", "recruiter_fr.golden"},
		{recruiter, "/p/" + token + "?lang=en", "recruiter_en.golden"},
		{zoe, "/me/cvs/cv-vente?lang=fr", "cv_fr.golden"},
		{zoe, "/me/cvs/cv-vente?lang=en", "cv_en.golden"},
	} {
		p := c.b.get(c.path)
		if p.status != http.StatusOK {
			t.Fatalf("%s: %d\n%s", c.path, p.status, p.body)
		}
		got := strings.NewReplacer(token, "TOKEN", fileID, "FILE").Replace(p.body)
		path := filepath.Join("testdata", c.file)
		if *updateGolden {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to make it)", err)
		}
		if got != string(want) {
			t.Errorf("%s differs from %s (run with -update to accept):\n%s", c.path, path, firstDiff(string(want), got))
		}
	}
}

// firstDiff shows the first line that differs.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + strconv.Itoa(i+1) + ":\n- " + wl + "\n+ " + gl
		}
	}
	return ""
}
