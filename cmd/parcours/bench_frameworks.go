package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/frameworks"
	"github.com/parcours/parcours/projections"
)

// benchFrameworks measures reference frameworks on a generated ESCO-like
// release (skills_fr.csv and skills_en.csv, three other labels a language)
// at two sizes, each against a baseline in the same run: (a) an import,
// files read and appended durably, against reading the files alone; (b)
// the read model applying it, as entries per second; (c) a search as one
// types (what GET /v1/frameworks/search does: authorize, then search),
// on the large release against the small one, and against reading one
// read-model document.
func benchFrameworks(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench frameworks", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per result")
	backend := fs.String("backend", "sqlite", "sqlite, or postgres (on PARCOURS_STORE)")
	small := fs.Int("small", 1000, "entries of the small release")
	large := fs.Int("large", 15000, "entries of the large release (ESCO 1.2 has 13,939 skills)")
	searches := fs.Int("searches", 400, "searches measured per release")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	sys, closeSys, err := openBenchSystem(ctx, "frameworks", *backend)
	if err != nil {
		return err
	}
	defer closeSys()
	stop := runInBackground(ctx, sys)
	defer stop()
	op := commands.Call{Actor: domain.Actor{PersonID: "operator", Role: domain.RoleOperator}}
	if _, err := sys.h.RegisterStructure(ctx, op, commands.RegisterStructure{StructureID: "s-bench", Name: "Bench", Seats: 10}); err != nil {
		return err
	}
	if _, err := sys.h.EnrolPerson(ctx, op, commands.EnrolPerson{StructureID: "s-bench", PersonID: "p-1", Role: domain.RoleBeneficiary, Name: "Bench"}); err != nil {
		return err
	}
	b := &fwBench{ctx: ctx, sys: sys, out: stdout, json: *asJSON, backend: *backend}
	lat := map[int][]time.Duration{}
	for _, n := range []int{*small, *large} {
		kind := domain.FrameworkESCO // the large release is a new version: it replaces the small one
		labels, err := b.importRelease(kind, n)
		if err != nil {
			return err
		}
		if lat[n], err = b.search(kind, labels, *searches); err != nil {
			return err
		}
	}
	l, s := lat[*large], lat[*small]
	p50, base := usf(quantile(l, 0.5)), usf(quantile(s, 0.5))
	printBench(stdout, *asJSON, benchLine{Bench: "frameworks", Case: fmt.Sprintf("search-%d-vs-%d", *large, *small), Backend: *backend,
		Value: msr(p50), Unit: "ms p50", Baseline: msr(base), Ratio: ratio(p50, base), Appends: int64(len(l)),
		P50ms: msr(p50), P99ms: msr(usf(quantile(l, 0.99))), MaxMs: msr(usf(quantile(l, 1))), Machine: machine(),
		Durability: "what GET /v1/frameworks/search does: AuthorizeFrameworkRead, then FrameworkSearch (20 hits, linkable, parent labels); queries typed as one goes: 3 letters, a word, two words of a label without accents; baseline the same on the small release"})
	return b.docBaseline(l)
}

type fwBench struct {
	ctx     context.Context
	sys     *system
	out     io.Writer
	json    bool
	backend string
}

const fwDurability = "durable appends (SQLite WAL synchronous=FULL, or PostgreSQL commit); read models in the store's database"

// importRelease generates a release of n skills in two languages, reads
// and imports it as kind, and waits for the read model; it returns the
// French labels, for the searches.
func (b *fwBench) importRelease(kind domain.FrameworkKind, n int) ([]string, error) {
	fr, en, labels := fakeRelease(n)
	files := func() []frameworks.File {
		return []frameworks.File{{Name: "skills_fr.csv", Body: bytes.NewReader(fr)}, {Name: "skills_en.csv", Body: bytes.NewReader(en)}}
	}
	t0 := time.Now()
	if _, err := frameworks.Read(kind, files()...); err != nil {
		return nil, err
	}
	readOnly := time.Since(t0)
	t0 = time.Now()
	in, err := frameworks.Read(kind, files()...)
	if err != nil {
		return nil, err
	}
	op := commands.Call{Actor: domain.Actor{PersonID: "operator", Role: domain.RoleOperator}}
	res, err := b.sys.h.ImportFramework(b.ctx, op, commands.ImportFramework{Kind: kind, FrameworkImport: in})
	if err != nil {
		return nil, err
	}
	imported := time.Since(t0)
	t1 := time.Now()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Minute)
	defer cancel()
	if err := b.sys.runner.WaitFor(ctx, res.Position, projections.Frameworks{}.Name()); err != nil {
		return nil, err
	}
	applied := time.Since(t1)
	rate := func(d time.Duration) float64 { return round1(float64(n) / d.Seconds()) }
	printBench(b.out, b.json, benchLine{Bench: "frameworks", Case: fmt.Sprintf("import-%d", n), Backend: b.backend,
		Value: rate(imported), Unit: "entries/s", Baseline: rate(readOnly), Ratio: ratio(rate(imported), rate(readOnly)),
		Seconds: round3(imported.Seconds()), Appends: int64(res.Events), EventsPerAppend: res.Events, PeakRSSMB: peakRSSMB(), Machine: machine(),
		Durability: fwDurability + fmt.Sprintf("; files of %d KiB read, checked and appended in %d events of one append; baseline: the files read alone", (len(fr)+len(en))>>10, res.Events)})
	printBench(b.out, b.json, benchLine{Bench: "frameworks", Case: fmt.Sprintf("project-%d", n), Backend: b.backend,
		Value: rate(applied), Unit: "entries/s", Baseline: rate(imported), Ratio: ratio(rate(applied), rate(imported)),
		Seconds: round3(applied.Seconds()), PeakRSSMB: peakRSSMB(), Machine: machine(),
		Durability: fwDurability + "; the frameworks read model applying the import (entries, references, word index), after the append; baseline: the import's own rate"})
	return labels, nil
}

func round3(f float64) float64 { return float64(int64(f*1000)) / 1000 }

// search times n searches typed from labels (3 letters, a word, two
// words, accents dropped), after the same number untimed.
func (b *fwBench) search(kind domain.FrameworkKind, labels []string, n int) ([]time.Duration, error) {
	r := rand.New(rand.NewPCG(7, uint64(len(labels))))
	a := domain.Actor{PersonID: "p-1", Tenant: "s-bench", Role: domain.RoleBeneficiary}
	var out []time.Duration
	for i := 0; i < 2*n; i++ {
		w := strings.Fields(strings.NewReplacer("é", "e", "è", "e", "ê", "e", "à", "a", "ç", "c", "ô", "o").Replace(labels[r.IntN(len(labels))]))
		var q string
		switch i % 3 {
		case 0:
			q = w[0][:min(3, len(w[0]))]
		case 1:
			q = w[0]
		default:
			q = strings.Join(w[:min(2, len(w))], " ")
		}
		t0 := time.Now()
		if err := b.sys.h.AuthorizeFrameworkRead(b.ctx, a); err != nil {
			return nil, err
		}
		hits, err := b.sys.queries.FrameworkSearch(b.ctx, projections.FrameworkQuery{Q: q, Kinds: []domain.FrameworkKind{kind}, Limit: 20, Linkable: true})
		if err != nil {
			return nil, err
		}
		if i >= n {
			out = append(out, time.Since(t0))
		}
		if len(hits) == 0 {
			return nil, fmt.Errorf("bench frameworks: %q found nothing", q)
		}
	}
	slices.Sort(out)
	return out, nil
}

// docBaseline compares the large release's searches to reading one
// read-model document (the version in force of each kind).
func (b *fwBench) docBaseline(search []time.Duration) error {
	var doc []time.Duration
	for range len(search) {
		t0 := time.Now()
		if _, err := b.sys.queries.CurrentFrameworks(b.ctx); err != nil {
			return err
		}
		doc = append(doc, time.Since(t0)/3) // three documents read
	}
	slices.Sort(doc)
	p50, base := usf(quantile(search, 0.5)), usf(quantile(doc, 0.5))
	printBench(b.out, b.json, benchLine{Bench: "frameworks", Case: "search-vs-one-document", Backend: b.backend,
		Value: msr(p50), Unit: "ms p50", Baseline: msr(base), Ratio: ratio(p50, base), Appends: int64(len(search)),
		P50ms: msr(p50), P99ms: msr(usf(quantile(search, 0.99))), MaxMs: msr(usf(quantile(search, 1))), Machine: machine(),
		Durability: "the large release's searches against reading one read-model document by key (the floor of any read-model query)"})
	return nil
}

var (
	fwVerbsFR = []string{"accueillir", "accompagner", "élaborer", "gérer", "préparer", "conseiller", "animer", "réaliser", "organiser", "vérifier", "négocier", "former", "évaluer", "entretenir", "concevoir"}
	fwVerbsEN = []string{"welcome", "support", "draft", "manage", "prepare", "advise", "lead", "carry out", "organise", "check", "negotiate", "train", "assess", "maintain", "design"}
	fwThings  = [][2]string{{"un public", "people"}, {"une équipe", "a team"}, {"un projet", "a project"}, {"des stocks", "stock"}, {"la clientèle", "customers"},
		{"un budget", "a budget"}, {"des ateliers", "workshops"}, {"un chantier", "a site"}, {"des dossiers", "files"}, {"la sécurité", "safety"},
		{"un véhicule", "a vehicle"}, {"des données", "data"}, {"une formation", "a training"}, {"des contrats", "contracts"}, {"un espace vert", "a green space"},
		{"la qualité", "quality"}, {"une recette", "a recipe"}, {"des patients", "patients"}, {"un entretien", "an interview"}, {"la communication", "communication"}}
	fwContexts = [][2]string{{"en entreprise", "in a company"}, {"à domicile", "at home"}, {"en collectivité", "in a community"}, {"en atelier", "in a workshop"},
		{"en magasin", "in a shop"}, {"en milieu hospitalier", "in hospital"}, {"sur un chantier", "on a site"}, {"en restauration", "in catering"}}
)

// fakeRelease writes n skills as ESCO's skills_fr.csv and skills_en.csv.
func fakeRelease(n int) (fr, en []byte, labels []string) {
	r := rand.New(rand.NewPCG(uint64(n), 11))
	var bf, be bytes.Buffer
	wf, we := csv.NewWriter(&bf), csv.NewWriter(&be)
	head := []string{"conceptType", "conceptUri", "skillType", "reuseLevel", "preferredLabel", "altLabels", "status"}
	wf.Write(head)
	we.Write(head)
	for i := range n {
		v, t, c := r.IntN(len(fwVerbsFR)), fwThings[r.IntN(len(fwThings))], fwContexts[r.IntN(len(fwContexts))]
		label := fmt.Sprintf("%s %s %s (%d)", fwVerbsFR[v], t[0], c[0], i)
		labels = append(labels, label)
		uri := fmt.Sprintf("http://data.europa.eu/esco/skill/bench-%08d", i)
		alt := func(verbs []string, k int) string {
			var out []string
			for j := range 3 {
				out = append(out, fmt.Sprintf("%s %s %d", verbs[(v+j+1)%len(verbs)], fwThings[(k+j)%len(fwThings)][0], j))
			}
			return strings.Join(out, "\n")
		}
		wf.Write([]string{"KnowledgeSkillCompetence", uri, "skill/competence", "cross-sector", label, alt(fwVerbsFR, i), "released"})
		we.Write([]string{"KnowledgeSkillCompetence", uri, "skill/competence", "cross-sector", fmt.Sprintf("%s %s %s (%d)", fwVerbsEN[v], t[1], c[1], i), alt(fwVerbsEN, i+1), "released"})
	}
	wf.Flush()
	we.Flush()
	return bf.Bytes(), be.Bytes(), labels
}
