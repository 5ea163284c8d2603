package httpapi_test

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/parcours/parcours/httpapi"
)

// maharaZip zips Mahara's LEAP2A feed (formats/testdata) with the two
// files it names; extra entries are added as given.
func maharaZip(t *testing.T, extra map[string][]byte) []byte {
	t.Helper()
	feed, err := os.ReadFile("../formats/testdata/mahara-leap2a.xml")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"leap2a.xml": feed, "files/0-dummy document3.odt": odtBytes(t),
		"files/1-215x194images 15.jpg": append([]byte{0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'J', 'F', 'I', 'F', 0}, bytes.Repeat([]byte{7}, 300)...)}
	for k, v := range extra {
		files[k] = v
	}
	return zipBytes(t, files)
}

func zipBytes(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func odtBytes(t *testing.T) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
	w.Write([]byte("application/vnd.oasis.opendocument.text"))
	w, _ = zw.Create("content.xml")
	w.Write([]byte("<office:document-content/>"))
	zw.Close()
	return buf.Bytes()
}

func (a *api) head(t *testing.T) string {
	h, err := a.store.Head(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return h.String()
}

// TestImportOverHTTP: Zoé previews then imports Mahara's export (its
// files stored, readable again); the same file again adds nothing; her
// counsellor imports JSON Resume's sample for her; her portfolio goes out
// as Europass and LEAP2A, and Luc imports that LEAP2A zip, files and all.
func TestImportOverHTTP(t *testing.T) {
	a := newAPI(t)
	a.seedMatrix(t)
	mahara := maharaZip(t, nil)
	const imp = "/v1/portfolios/p-zoe/imports"

	before := a.head(t)
	var prev httpapi.ImportAnswer
	a.ok(a.do("POST", imp+"/preview", "zoe", mahara)).json(t, &prev)
	if !prev.Preview || prev.Added != 5 || prev.Refused != 0 || a.head(t) != before {
		t.Fatalf("preview %+v (the store moved: %v)", prev, a.head(t) != before)
	}
	if len(prev.NotUnderstood) < 3 {
		t.Errorf("not understood: %+v", prev.NotUnderstood)
	}
	var done httpapi.ImportAnswer
	r := a.ok(a.do("POST", imp+"?format=leap2a", "zoe", mahara, "Prefer", "wait=5", "Idempotency-Key", "imp-1"))
	r.json(t, &done)
	if done.Preview || done.Added != prev.Added || done.Revision == nil || r.header.Get("ETag") == "" {
		t.Fatalf("import %+v", done)
	}
	var port httpapi.PortfolioView
	a.ok(a.do("GET", "/v1/portfolios/p-zoe", "zoe", nil)).json(t, &port)
	var fileIDs []string
	for _, e := range port.Evidence {
		if e.File != nil {
			fileIDs = append(fileIDs, e.File.FileID)
		}
	}
	if len(fileIDs) != 2 {
		t.Fatalf("imported files: %+v", port)
	}
	for _, id := range fileIDs {
		r := a.ok(a.do("GET", "/v1/portfolios/p-zoe/files/"+id, "zoe", nil))
		if ct := r.header.Get("Content-Type"); ct != "image/jpeg" && ct != "application/vnd.oasis.opendocument.text" {
			t.Errorf("file %s served as %s", id, ct)
		}
	}
	// The same file again: nothing added, nothing appended.
	mid := a.head(t)
	var again httpapi.ImportAnswer
	a.ok(a.do("POST", imp, "zoe", mahara)).json(t, &again)
	if again.Added != 0 || again.Present != done.Added || a.head(t) != mid {
		t.Fatalf("second import %+v", again)
	}

	// Her counsellor imports the JSON Resume sample for her.
	sample, err := os.ReadFile("../formats/testdata/jsonresume-sample.resume.json")
	if err != nil {
		t.Fatal(err)
	}
	var jr httpapi.ImportAnswer
	a.ok(a.do("POST", imp+"?format=jsonresume", "cons", sample, "Prefer", "wait=5")).json(t, &jr)
	if jr.Added < 10 || jr.Refused != 0 {
		t.Fatalf("JSON Resume import %+v", jr)
	}

	// Exports: Europass (the email for Zoé only) and LEAP2A with the files.
	eu := a.ok(a.do("GET", "/v1/portfolios/p-zoe/export?format=europass", "zoe", nil))
	if !strings.HasPrefix(eu.header.Get("Content-Type"), "application/xml") || !bytes.Contains(eu.body, []byte("Pied Piper")) ||
		!bytes.Contains(eu.body, []byte("<Candidate")) {
		t.Fatalf("Europass export %s: %.300s", eu.header.Get("Content-Type"), eu.body)
	}
	euCons := a.ok(a.do("GET", "/v1/portfolios/p-zoe/export?format=europass", "cons", nil))
	if bytes.Contains(euCons.body, []byte("ChannelCode")) {
		t.Error("the counsellor's Europass export has Zoé's email")
	}
	leap := a.ok(a.do("GET", "/v1/portfolios/p-zoe/export?format=leap2a", "cons", nil))
	zr, err := zip.NewReader(bytes.NewReader(leap.body), int64(len(leap.body)))
	if err != nil {
		t.Fatalf("LEAP2A export is not a zip: %v", err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Name == "leap2a.xml" {
			rc, _ := f.Open()
			feed, _ := io.ReadAll(rc)
			if bytes.Contains(feed, []byte("@")) {
				t.Errorf("the counsellor's LEAP2A export has an email: %s", feed)
			}
		}
	}
	if len(names) != 3 || names[0] != "leap2a.xml" {
		t.Fatalf("LEAP2A zip entries %v", names)
	}
	var luc httpapi.ImportAnswer
	a.ok(a.do("POST", "/v1/portfolios/p-luc/imports", "luc", leap.body)).json(t, &luc)
	files := 0
	for _, s := range luc.Steps {
		if s.Outcome == "refused" {
			t.Errorf("round trip refused %+v", s)
		}
		if s.Kind == "evidence" {
			files++
		}
	}
	if luc.Added < 10 || files < 3 {
		t.Fatalf("Luc's import of Zoé's export: %+v", luc)
	}
}

// TestImportBadFiles: each bad file gets a problem and changes nothing;
// a file of a zip whose bytes lie about its type is refused alone.
func TestImportBadFiles(t *testing.T) {
	a := newAPI(t)
	a.seedMatrix(t)
	const imp = "/v1/portfolios/p-zoe/imports"
	// A real bomb (4 MiB of zeros stored in a few KiB) and one whose
	// directory claims 4 GiB.
	bomb := zipBytes(t, map[string][]byte{"leap2a.xml": []byte("<feed/>"), "files/zero": bytes.Repeat([]byte{0}, 4<<20)})
	var claimed bytes.Buffer
	zw := zip.NewWriter(&claimed)
	w, _ := zw.CreateRaw(&zip.FileHeader{Name: "files/huge", Method: zip.Store, CompressedSize64: 3, UncompressedSize64: 4 << 30})
	w.Write([]byte("abc"))
	zw.Close()
	entities := []byte(`<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/passwd">]><feed><title>&x;</title></feed>`)
	huge := append([]byte(`{"skills":[`), bytes.Repeat([]byte(`1,`), 250_000)...)
	huge = append(huge, '1', ']', '}')
	for _, c := range []struct {
		name, query string
		body        []byte
		status      int
	}{
		{"zip bomb", "", bomb, 413},
		{"zip that claims 4 GiB", "?format=leap2a", claimed.Bytes(), 413},
		{"external entities", "?format=leap2a", entities, 422},
		{"huge JSON", "?format=jsonresume", huge, 413},
		{"zip sent as JSON", "?format=jsonresume", maharaZip(t, nil), 415},
		{"PDF", "", []byte("%PDF-1.4 not a portfolio"), 415},
		{"unknown format", "?format=hr-xml", []byte("{}"), 422},
		{"empty", "", []byte{}, 422},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := a.head(t)
			for _, path := range []string{imp + "/preview", imp} {
				r := a.do("POST", path+c.query, "zoe", c.body)
				if r.status != c.status || !strings.HasPrefix(r.header.Get("Content-Type"), "application/problem+json") {
					t.Errorf("%s: %d %s, want %d problem+json", path, r.status, r.body, c.status)
				}
			}
			if a.head(t) != before {
				t.Error("a refused file changed the store")
			}
		})
	}
	// A JPEG that is HTML: that evidence alone is refused.
	liar := maharaZip(t, map[string][]byte{"files/1-215x194images 15.jpg": []byte("<html><script>alert(1)</script></html>")})
	var ans httpapi.ImportAnswer
	a.ok(a.do("POST", imp, "zoe", liar)).json(t, &ans)
	refused := 0
	for _, s := range ans.Steps {
		if s.Outcome == "refused" && s.Kind == "evidence" {
			refused++
			if !strings.Contains(s.Reason, "not an accepted type") {
				t.Errorf("reason %q", s.Reason)
			}
		}
	}
	if refused != 1 || ans.Added != 4 {
		t.Fatalf("liar import %+v", ans)
	}
}
