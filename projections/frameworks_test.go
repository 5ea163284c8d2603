package projections_test

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/frameworks"
	"github.com/parcours/parcours/projections"
)

// importSample imports the extract of kind shipped in testdata/frameworks.
func (e *env) importSample(kind domain.FrameworkKind, label string) {
	e.t.Helper()
	paths, _ := filepath.Glob(filepath.Join("..", "testdata", "frameworks", string(kind), "*"))
	var files []frameworks.File
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			e.t.Fatal(err)
		}
		files = append(files, frameworks.File{Name: filepath.Base(p), Body: bytes.NewReader(data)})
	}
	in, err := frameworks.Read(kind, files...)
	if err != nil {
		e.t.Fatal(err)
	}
	in.Label = label
	op := commands.Call{Actor: domain.Actor{PersonID: "operator", Role: domain.RoleOperator}}
	e.must(e.h.ImportFramework(e.ctx, op, commands.ImportFramework{Kind: kind, FrameworkImport: in}))
}

func TestFrameworkSearch(t *testing.T) { forBackends(t, frameworkSearch) }

func frameworkSearch(t *testing.T, e *env) {
	ps := []projections.Projection{projections.Frameworks{}}
	r := e.startRunner(ps...)
	for _, k := range domain.FrameworkKinds {
		e.importSample(k, "extrait")
	}
	e.waitHead(r)
	q := projections.NewQueries(e.db, e.codec)
	search := func(fq projections.FrameworkQuery) []projections.FrameworkHit {
		t.Helper()
		hits, err := q.FrameworkSearch(e.ctx, fq)
		if err != nil {
			t.Fatal(err)
		}
		return hits
	}
	codes := func(hits []projections.FrameworkHit) []string {
		var out []string
		for _, h := range hits {
			out = append(out, h.Framework+" "+h.Code)
		}
		return out
	}
	// Without accents, in capitals, a word begun: the same as typed right.
	for _, typed := range []string{"éducateur spécialisé", "EDUCATEUR SPE", "educ spécial"} {
		hits := search(projections.FrameworkQuery{Q: typed, Kinds: []domain.FrameworkKind{domain.FrameworkROME}})
		if len(hits) != 1 || hits[0].Code != "14597" || hits[0].ParentLabel != "Intervention socioéducative" || hits[0].Linkable {
			t.Errorf("%q: %+v", typed, hits)
		}
	}
	// A code finds its entry first; an RNCP block shows its certification.
	if hits := search(projections.FrameworkQuery{Q: "K1201"}); len(hits) == 0 || hits[0].Code != "K1201" || hits[0].Label != "Action sociale" || !hits[0].Linkable {
		t.Errorf("K1201: %v", codes(hits))
	}
	hits := search(projections.FrameworkQuery{Q: "diagnostic partage", Linkable: true})
	if len(hits) != 2 || hits[0].Code != "BC01-C2" || hits[0].ParentLabel != hits[1].Label || hits[1].Code != "BC01" || hits[1].ParentLabel != "Conseiller en insertion professionnelle" {
		t.Errorf("diagnostic partagé (the competence, shorter, then its block): %+v", hits)
	}
	// ESCO: French and English labels, and the other labels.
	if hits := search(projections.FrameworkQuery{Q: "orientation", Kinds: []domain.FrameworkKind{domain.FrameworkESCO}, Lang: "en", Linkable: true}); len(hits) != 1 || hits[0].Label != "advise on career" {
		t.Errorf("orientation in English: %+v", hits)
	}
	if hits := search(projections.FrameworkQuery{Q: "career counsel", Kinds: []domain.FrameworkKind{domain.FrameworkESCO}}); len(hits) != 1 || hits[0].Matched != "career counselling" || hits[0].Label != "conseiller en matière d'orientation professionnelle" {
		t.Errorf("an other label: %+v", hits)
	}
	if hits := search(projections.FrameworkQuery{Q: "oeuvre", Kinds: []domain.FrameworkKind{domain.FrameworkRNCP}}); !reflect.DeepEqual(codes(hits), []string{"RNCP39063 BC01", "RNCP37274 BC03"}) {
		t.Errorf("œ typed oe: %v", codes(hits))
	}
	for _, nothing := range []string{"", "de la", "zzz", "a"} {
		if hits := search(projections.FrameworkQuery{Q: nothing}); len(hits) != 0 {
			t.Errorf("%q finds %v", nothing, codes(hits))
		}
	}
	// Labels of the entries competences link to.
	refs := []domain.FrameworkRef{{Framework: "ROME", Code: "M1607"}, {Framework: "RNCP37274", Code: "BC02-C2"}, {Framework: "ESCO", Code: "http://data.europa.eu/esco/skill/x"}}
	found, err := q.FrameworkEntries(e.ctx, refs, "fr")
	if err != nil || len(found) != 2 || found[refs[0]].Label != "Secrétariat" || found[refs[1]].Label != "Accompagner une personne à l'élaboration de son projet professionnel" {
		t.Errorf("entries: %+v %v", found, err)
	}

	// A new version replaces the old one in search; live equals rebuild.
	op := commands.Call{Actor: domain.Actor{PersonID: "operator", Role: domain.RoleOperator}}
	e.must(e.h.ImportFramework(e.ctx, op, commands.ImportFramework{Kind: domain.FrameworkROME, FrameworkImport: domain.FrameworkImport{
		Label: "v2", Source: "x.csv", Checksum: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		Entries: []domain.FrameworkEntry{{Type: domain.EntryOccupation, Framework: "ROME", Code: "K1201", Labels: map[string]string{"fr": "Action sociale (v2)"}}}}}))
	e.waitHead(r)
	if hits := search(projections.FrameworkQuery{Q: "educateur", Kinds: []domain.FrameworkKind{domain.FrameworkROME}}); len(hits) != 0 {
		t.Errorf("an older version is still searched: %v", codes(hits))
	}
	cur, err := q.CurrentFrameworks(e.ctx)
	if err != nil || cur[domain.FrameworkROME].Version != 2 || cur[domain.FrameworkESCO].Label != "extrait" {
		t.Errorf("current: %+v %v", cur, err)
	}
	live := e.dumpAll(ps)
	if err := projections.Rebuild(e.ctx, e.store, e.codec, e.db, ps, nil); err != nil {
		t.Fatal(err)
	}
	if rebuilt := e.dumpAll(ps); !reflect.DeepEqual(live, rebuilt) {
		t.Errorf("live and rebuilt frameworks differ")
	}
}
