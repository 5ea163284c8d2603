package formats_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/formats"
)

// maharaZip zips Mahara's feed with the two files it names, whose bytes
// are made here (the repository has the XML alone).
func maharaZip(t testing.TB) []byte {
	t.Helper()
	feed, err := os.ReadFile("testdata/mahara-leap2a.xml")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range map[string][]byte{
		"leap2a.xml":                   feed,
		"files/0-dummy document3.odt":  odt(),
		"files/1-215x194images 15.jpg": jpeg(),
	} {
		w, err := zw.Create(name)
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

// jpeg is the start of a JPEG file (enough for any sniffer).
func jpeg() []byte {
	return append([]byte{0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'J', 'F', 'I', 'F', 0}, bytes.Repeat([]byte{1}, 200)...)
}

// odt is an OpenDocument text: a zip whose first entry is its mimetype.
func odt() []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
	w.Write([]byte("application/vnd.oasis.opendocument.text"))
	w, _ = zw.Create("content.xml")
	w.Write([]byte("<office:document-content/>"))
	zw.Close()
	return buf.Bytes()
}

func TestParseMaharaLEAP2A(t *testing.T) {
	it, err := formats.Parse(maharaZip(t), formats.LEAP2A, formats.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(it.Evidence) != 3 {
		t.Fatalf("evidence %+v, want the two files and the journal entry", it.Evidence)
	}
	var files int
	for _, e := range it.Evidence {
		if e.File != nil {
			files++
			rc, err := e.File.Open()
			if err != nil {
				t.Fatal(err)
			}
			rc.Close()
		}
	}
	if files != 2 {
		t.Errorf("%d files, want 2", files)
	}
	if len(it.Goals) != 1 || it.Goals[0].Input.Text.Title != "Alice Plan" {
		t.Errorf("goals %+v", it.Goals)
	}
	notes := notesText(it)
	for _, want := range []string{"portfolio:view17", "portfolio:artefactinternal", "portfolio:artefact40"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes %s lack %s", notes, want)
		}
	}
}

func notesText(it *formats.Items) string {
	var b strings.Builder
	for _, n := range it.Notes {
		b.WriteString(n.Where + ": " + n.Reason + "\n")
	}
	return b.String()
}

func TestParseJSONResumeSample(t *testing.T) {
	data, err := os.ReadFile("testdata/jsonresume-sample.resume.json")
	if err != nil {
		t.Fatal(err)
	}
	it, err := formats.Parse(data, "", formats.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(it.Experiences) != 4 || len(it.Competences) != 2 {
		t.Fatalf("%d experiences, %d competences", len(it.Experiences), len(it.Competences))
	}
	x := it.Experiences[0]
	if x.Input.Kind != domain.KindProfessional || x.Input.Text.Organisation != "Pied Piper" || x.Input.From != "2013-12-01" || len(x.Tasks) != 3 {
		t.Errorf("work %+v", x)
	}
	notes := notesText(it)
	for _, want := range []string{"awards", "publications", "languages", "interests", "references", "basics"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes %s lack %s", notes, want)
		}
	}
}

func TestParseEuropassCandidate(t *testing.T) {
	data, err := os.ReadFile("testdata/europass-candidate.xml")
	if err != nil {
		t.Fatal(err)
	}
	it, err := formats.Parse(data, formats.Europass, formats.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(it.Experiences) != 1 {
		t.Fatalf("experiences %+v", it.Experiences)
	}
	x := it.Experiences[0].Input
	if x.Text.Title != "Senior Fullstack Web Develeoper" || x.Text.Organisation != "BurdaForward GmbH" || x.From != "2023-06-15" ||
		x.To != "2025-03-31" || x.Occupation != "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1" {
		t.Errorf("experience %+v", x)
	}
	if !strings.Contains(notesText(it), "CandidatePerson") {
		t.Errorf("notes %v", it.Notes)
	}
}

// TestBadFiles: each is refused with a clear error before anything is
// made of it.
func TestBadFiles(t *testing.T) {
	l := formats.DefaultLimits()
	l.MaxUnzipped = 8 << 20
	bomb := zipOf(t, map[string][]byte{"leap2a.xml": []byte("<feed/>"), "files/big": bytes.Repeat([]byte{0}, 16<<20)})
	ratio := zipOf(t, map[string][]byte{"leap2a.xml": []byte("<feed/>"), "files/big": bytes.Repeat([]byte{0}, 4<<20)})
	entity := []byte(`<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/passwd">]><feed><title>&x;</title></feed>`)
	laugh := []byte(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><Candidate>&lol2;</Candidate>`)
	huge := append([]byte(`{"work":[`), bytes.Repeat([]byte(`{},`), 300_000)...)
	huge = append(huge, []byte(`{}]}`)...)
	for _, c := range []struct {
		name   string
		data   []byte
		format formats.Format
		want   string
		large  bool
		unsupp bool
	}{
		{"zip bomb", bomb, formats.LEAP2A, "unpacks to more than", true, false},
		{"zip ratio", ratio, formats.LEAP2A, "zip bomb", true, false},
		{"external entity", entity, formats.LEAP2A, "declares entities", false, false},
		{"billion laughs", laugh, formats.Europass, "declares entities", false, false},
		{"huge JSON", huge, formats.JSONResume, "more than", true, false},
		{"zip sent as JSON", bomb, formats.JSONResume, "sent as jsonresume but it is a zip archive", false, true},
		{"JSON sent as Europass", []byte(`{"work":[]}`), formats.Europass, "it is a JSON document", false, true},
		{"PNG", []byte("\x89PNG\r\n\x1a\nxxxx"), "", "neither a zip", false, true},
		{"zip without feed", zipOf(t, map[string][]byte{"a.txt": []byte("hello")}), "", "no leap2a.xml", false, true},
		{"cut zip", bomb[:len(bomb)/2], formats.LEAP2A, "zip", false, false},
		{"malformed XML", []byte("<Candidate><a></Candidate>"), formats.Europass, "malformed", false, false},
		{"old Europass", []byte("<Europass/>"), "", "2013–2020", false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := formats.Parse(c.data, c.format, l)
			var fe *formats.FileError
			if !errors.As(err, &fe) {
				t.Fatalf("err %v, want a FileError", err)
			}
			if !strings.Contains(fe.Reason, c.want) || fe.TooLarge != c.large || fe.Unsupported != c.unsupp {
				t.Errorf("err %+v, want %q (too large %v, unsupported %v)", fe, c.want, c.large, c.unsupp)
			}
		})
	}
}

func zipOf(t testing.TB, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
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
