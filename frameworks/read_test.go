package frameworks_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/frameworks"
)

// sample opens the extracts of kind shipped in testdata/frameworks.
func sample(t testing.TB, kind string) []frameworks.File {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "testdata", "frameworks", kind, "*"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no sample of %s: %v", kind, err)
	}
	var files []frameworks.File
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, frameworks.File{Name: filepath.Base(p), Body: bytes.NewReader(data)})
	}
	return files
}

func find(entries []domain.FrameworkEntry, framework, code string) (domain.FrameworkEntry, bool) {
	for _, e := range entries {
		if e.Framework == framework && e.Code == code {
			return e, true
		}
	}
	return domain.FrameworkEntry{}, false
}

func importOf(t *testing.T, kind domain.FrameworkKind, in domain.FrameworkImport) {
	t.Helper()
	if _, err := domain.NewFramework(kind).Import(in, "operator", testNow); err != nil {
		t.Fatalf("the domain refuses what was read: %v", err)
	}
}

func TestReadSamples(t *testing.T) {
	rncp, err := frameworks.Read(domain.FrameworkRNCP, sample(t, "rncp")...)
	if err != nil {
		t.Fatal(err)
	}
	importOf(t, domain.FrameworkRNCP, rncp)
	if b, ok := find(rncp.Entries, "RNCP37274", "BC03"); !ok || b.Parent != "RNCP37274" || !strings.HasPrefix(b.Labels["fr"], "Mettre en œuvre") {
		t.Errorf("block BC03 of RNCP37274: %+v", b)
	}
	if c, ok := find(rncp.Entries, "RNCP37274", "BC03-C1"); !ok || c.Labels["fr"] != "Développer des relations de partenariat avec les employeurs" {
		t.Errorf("first competence of BC03 (after its heading): %+v", c)
	}
	if c, ok := find(rncp.Entries, "RNCP37274", "BC02-C4"); !ok || c.Labels["fr"] != "Réaliser le bilan de l'accompagnement" {
		t.Errorf("fourth list item of BC02: %+v", c)
	}
	if c, ok := find(rncp.Entries, "RNCP39063", "BC02"); !ok || c.Type != domain.EntryBlock {
		t.Errorf("block from the CSV export: %+v", c)
	}
	if c, ok := find(rncp.Entries, "RNCP39063", "RNCP39063"); !ok || c.Labels["fr"] != "Négociateur technico-commercial" {
		t.Errorf("certification from the Standard CSV: %+v", c)
	}

	rome, err := frameworks.Read(domain.FrameworkROME, sample(t, "rome")...)
	if err != nil {
		t.Fatal(err)
	}
	importOf(t, domain.FrameworkROME, rome)
	if a, ok := find(rome.Entries, "ROME", "14597"); !ok || a.Type != domain.EntryAppellation || a.Parent != "K1207" {
		t.Errorf("appellation 14597: %+v", a)
	}
	if o, ok := find(rome.Entries, "ROME", "M1607"); !ok || o.Labels["fr"] != "Secrétariat" || !o.Linkable() {
		t.Errorf("occupation M1607: %+v", o)
	}

	esco, err := frameworks.Read(domain.FrameworkESCO, sample(t, "esco")...)
	if err != nil {
		t.Fatal(err)
	}
	importOf(t, domain.FrameworkESCO, esco)
	s, ok := find(esco.Entries, "ESCO", "http://data.europa.eu/esco/skill/00000000-0000-4000-8000-000000000001")
	if !ok || s.Labels["en"] != "advise on career" || s.Labels["fr"] != "conseiller en matière d'orientation professionnelle" || len(s.Alt["fr"]) != 2 {
		t.Errorf("a skill in two languages: %+v", s)
	}
	if rncp.Checksum == rome.Checksum || len(rncp.Checksum) != 64 || !strings.Contains(rome.Source, "unix_referentiel_appellation_extract.csv") {
		t.Errorf("checksums %s %s, source %q", rncp.Checksum, rome.Checksum, rome.Source)
	}
}

// A zip of the same files reads the same, with the same checksum; the
// other tables of a download are skipped.
func TestReadZip(t *testing.T) {
	plain, err := frameworks.Read(domain.FrameworkESCO, sample(t, "esco")...)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range append(sample(t, "esco"), frameworks.File{Name: "skillGroups_en.csv", Body: strings.NewReader("conceptType,conceptUri\n")},
		frameworks.File{Name: "skills_de.csv", Body: strings.NewReader("x\n")}) {
		w, _ := zw.Create("ESCO dataset - v1.2.0 - classification/" + f.Name)
		data := new(bytes.Buffer)
		data.ReadFrom(f.Body)
		w.Write(data.Bytes())
	}
	zw.Close()
	zipped, err := frameworks.Read(domain.FrameworkESCO, frameworks.File{Name: "ESCO dataset - v1.2.0.zip", Body: &buf})
	if err != nil {
		t.Fatal(err)
	}
	if len(zipped.Entries) != len(plain.Entries) {
		t.Errorf("zip: %d entries, plain: %d", len(zipped.Entries), len(plain.Entries))
	}
}

func TestReadRefusesBadFiles(t *testing.T) {
	cases := []struct {
		kind        domain.FrameworkKind
		name, body  string
		wantInError string
	}{
		{domain.FrameworkROME, "notes.csv", "a,b\n1,2\n", "not a ROME 4.0 file"},
		{domain.FrameworkROME, "unix_referentiel_code_rome.csv", "code_rome,libelle_rome\nK1201\n", "line 2"},
		{domain.FrameworkROME, "unix_referentiel_code_rome.csv", "code_rome,libelle_rome\n\"K1201,x\n", "line"},
		{domain.FrameworkROME, "latin1.csv", "code_rome,libelle_rome\nK1201,S\xe9cr\n", "UTF-8"},
		{domain.FrameworkESCO, "skills_de.csv", "conceptUri,preferredLabel\n", "not an ESCO file"},
		{domain.FrameworkESCO, "skills_fr.csv", "conceptUri,label\n", "conceptUri and preferredLabel"},
		{domain.FrameworkRNCP, "export.xml", "<FICHES><FICHE><NUMERO_FICHE>RNCP1</NUMERO_FICHE>", "XML"},
		{domain.FrameworkRNCP, "export.xml", "<FICHES><FICHE><NUMERO_FICHE>37849</NUMERO_FICHE></FICHE></FICHES>", "not an RNCP number"},
		{domain.FrameworkRNCP, "export.xml", "<FICHES><FICHE><NUMERO_FICHE>RNCP1</NUMERO_FICHE><BLOCS_COMPETENCES><BLOC_COMPETENCES><CODE>RNCP2BC01</CODE></BLOC_COMPETENCES></BLOCS_COMPETENCES></FICHE></FICHES>", "not a block of RNCP1"},
		{domain.FrameworkRNCP, "other.xml", "<ROOT/>", "no FICHE"},
		{domain.FrameworkRNCP, "bad.zip", "PK\x03\x04garbage", "zip"},
		{domain.FrameworkROME, "empty.zip", emptyZip(), "no entry"},
	}
	for _, c := range cases {
		_, err := frameworks.Read(c.kind, frameworks.File{Name: c.name, Body: strings.NewReader(c.body)})
		if !errors.Is(err, domain.ErrInvalid) || !strings.Contains(err.Error(), c.wantInError) {
			t.Errorf("%s %s: %v, want invalid with %q", c.kind, c.name, err, c.wantInError)
		}
	}
}

func emptyZip() string {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("readme.txt")
	w.Write([]byte("nothing"))
	zw.Close()
	return buf.String()
}

// A zip member that inflates past the bound is refused before it is read.
func TestReadRefusesZipBomb(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("unix_referentiel_code_rome.csv")
	w.Write([]byte("code_rome,libelle_rome\n"))
	chunk := bytes.Repeat([]byte("K1201,Action sociale\n"), 1<<16)
	for n := 0; n <= frameworks.MaxInput; n += len(chunk) {
		w.Write(chunk)
	}
	zw.Close()
	_, err := frameworks.Read(domain.FrameworkROME, frameworks.File{Name: "rome.zip", Body: &buf})
	if !errors.Is(err, domain.ErrInvalid) || !strings.Contains(err.Error(), "limited") {
		t.Fatalf("a zip inflating past %d bytes: %v", frameworks.MaxInput, err)
	}
}

func FuzzRead(f *testing.F) {
	for _, kind := range []string{"rncp", "rome", "esco"} {
		for _, file := range sample(f, kind) {
			data := new(bytes.Buffer)
			data.ReadFrom(file.Body)
			f.Add(kind, file.Name, data.Bytes())
		}
	}
	f.Fuzz(func(t *testing.T, kind, name string, data []byte) {
		k := domain.FrameworkKind(kind)
		in, err := frameworks.Read(k, frameworks.File{Name: name, Body: bytes.NewReader(data)})
		if err != nil {
			if !errors.Is(err, domain.ErrInvalid) {
				t.Fatalf("an error that is not a refusal: %v", err)
			}
			return
		}
		// What was read is imported, or refused as invalid: never a panic.
		if _, err := domain.NewFramework(k).Import(in, "operator", testNow); err != nil && !errors.Is(err, domain.ErrInvalid) {
			t.Fatalf("import: %v", err)
		}
	})
}
