package auditlog_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"strings"
	"testing"

	"github.com/parcours/parcours/auditlog"
	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/personaldata"
)

func TestBundleOfSubmittedDossierVerifies(t *testing.T) {
	w := newWorld(t, auditlog.Config{})
	s := w.seed(3)
	b := w.bundle(s)
	rep := verify(b, w.log.PublicKey())
	var out strings.Builder
	rep.WriteText(&out)
	if !rep.OK() {
		t.Fatalf("honest bundle fails:\n%s", out.String())
	}
	for _, want := range []string{"RÉSULTAT : le paquet est intègre", "RESULT: the bundle is intact", "3/3 evidence files", "Hash chain intact",
		"proven by their part key, 0 only attested by the platform's signature (seal v1), 0 erased", "prouvées par leur clé de partie"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	entries := zipEntries(t, b)
	html := string(entries["dossier.html"])
	for _, want := range []string{"Vendeuse en boulangerie", "Fiche de caisse n° 1", "J&#39;atteste avoir vu Zoé", "Employé polyvalent du commerce", "déposé / submitted"} {
		if !strings.Contains(html, want) {
			t.Errorf("dossier.html lacks %q", want)
		}
	}
	// Only the parts the dossier refers to are disclosed, each with its own
	// part key, and no key of the person's or the log's.
	disc := string(entries["disclosure.json"])
	if strings.Contains(disc, "Zoé Martin") || strings.Contains(string(b), "PRIVATE+KEY") {
		t.Fatalf("the bundle discloses more than the dossier")
	}
	if len(entries) != 10+3 {
		t.Errorf("bundle has %d entries", len(entries))
	}
}

// Without a pinned key the report warns, but does not fail.
func TestBundleWithoutPinnedKeyWarns(t *testing.T) {
	w := newWorld(t, auditlog.Config{})
	s := w.seed(1)
	rep := verify(w.bundle(s), "")
	if !rep.OK() {
		t.Fatal("bundle fails without a pinned key")
	}
	var warned bool
	for _, c := range rep.Checks {
		warned = warned || c.Name == "key" && c.Status == auditlog.StatusWarn
	}
	if !warned {
		t.Fatal("no warning that the key came from the bundle")
	}
}

func TestBundleRefusedBeforeAnchorOrSubmission(t *testing.T) {
	w := newWorld(t, auditlog.Config{CheckpointEvery: 1 << 30, CheckpointInterval: 1 << 60})
	var buf bytes.Buffer
	if _, err := auditlog.BuildBundle(w.ctx, w.sources(), "p-zoe", "d-1", &buf); !errors.Is(err, auditlog.ErrNotFound) {
		t.Fatalf("bundle of nothing: %v", err)
	}
	if err := w.log.CatchUp(w.ctx, false); err != nil { // the first checkpoint: the empty tree
		t.Fatal(err)
	}
	s, err := seedOnly(w)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.log.CatchUp(w.ctx, false); err != nil { // logged, not yet signed
		t.Fatal(err)
	}
	if _, err := auditlog.BuildBundle(w.ctx, w.sources(), s.Portfolio, s.Dossier, &buf); !errors.Is(err, auditlog.ErrPending) {
		t.Fatalf("bundle before the anchor: %v", err)
	}
	if _, err := w.log.AnchorOf(w.ctx, s.Portfolio, s.Dossier); !errors.Is(err, auditlog.ErrPending) {
		t.Fatalf("anchor before a checkpoint: %v", err)
	}
	w.catchUp()
	a, err := w.log.AnchorOf(w.ctx, s.Portfolio, s.Dossier)
	if err != nil || a.Checkpoint.Size <= a.LeafIndex {
		t.Fatalf("anchor after a checkpoint: %+v %v", a, err)
	}
}

// Events after the submission (a jury decision) are in the bundle once a
// checkpoint covers them; the anchor stays the first checkpoint.
func TestBundleAfterJuryDecision(t *testing.T) {
	w := newWorld(t, auditlog.Config{})
	s := w.seed(2)
	first, _ := w.log.AnchorOf(w.ctx, s.Portfolio, s.Dossier)
	w.now = w.now.AddDate(0, 1, 0)
	_, err := w.h.RecordJuryDecision(w.ctx, commands.Call{Actor: s.Counsellor}, commands.RecordJuryDecision{PortfolioID: s.Portfolio,
		DossierID: s.Dossier, Block: "BC01", Decision: domain.BlockValidated, DecidedOn: "2026-04-01"})
	if err != nil {
		t.Fatal(err)
	}
	w.catchUp()
	b := w.bundle(s)
	if rep := verify(b, w.log.PublicKey()); !rep.OK() {
		t.Fatalf("bundle after a decision: %+v", rep.Checks)
	}
	a, _ := w.log.AnchorOf(w.ctx, s.Portfolio, s.Dossier)
	if a.Checkpoint.Size != first.Checkpoint.Size {
		t.Fatalf("anchor moved from %d to %d", first.Checkpoint.Size, a.Checkpoint.Size)
	}
	if !strings.Contains(string(zipEntries(t, b)["dossier.html"]), "validé / validated") {
		t.Fatal("the decision is not shown")
	}
}

func zipEntries(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	return out
}

// Once the person is erased, the bundle still verifies: the events, the
// proofs and the dossier's structure hold; texts and files are gone.
func TestBundleAfterErasure(t *testing.T) {
	w := newWorld(t, auditlog.Config{})
	s := w.seed(2)
	if _, err := w.ring.Erase(w.ctx, s.Portfolio); err != nil {
		t.Fatal(err)
	}
	b := w.bundle(s)
	rep := verify(b, w.log.PublicKey())
	if !rep.OK() {
		t.Fatalf("bundle after erasure: %v", failures(rep))
	}
	entries := zipEntries(t, b)
	if strings.Contains(string(entries["dossier.html"]), "Vendeuse") || !strings.Contains(string(entries["dossier.html"]), "effacées") {
		t.Fatal("erased texts shown, or erasure not said")
	}
	for name := range entries {
		if strings.HasPrefix(name, "files/") {
			t.Fatalf("file %s in the bundle of an erased person", name)
		}
	}
}

// A portfolio written partly before seal v2 (its parts sealed in version
// 1) and partly after: the bundle verifies, the report counts the parts
// proven by key and those only attested by the signature, and a lie in a
// version 2 part is caught while one in a version 1 part is not (the
// limit the package doc states).
func TestBundleMixedSealVersions(t *testing.T) {
	w := newWorld(t, auditlog.Config{})
	if err := w.ring.SetSealVersion(personaldata.SealV1); err != nil {
		t.Fatal(err)
	}
	s := w.seed(1)
	w.ring.SetSealVersion(personaldata.SealV2)
	w.now = w.now.Add(3600e9)
	if _, err := w.h.AddComment(w.ctx, commands.Call{Actor: s.Counsellor}, commands.AddComment{PortfolioID: s.Portfolio,
		Target: domain.ItemRef{Kind: domain.ItemExperience, ID: "x-1"}, Text: domain.CommentText{Text: "Relu après le dépôt : complet."}}); err != nil {
		t.Fatal(err)
	}
	w.catchUp()
	raw := w.bundle(s)
	key := w.log.PublicKey()
	rep := verify(raw, key)
	if !rep.OK() {
		t.Fatalf("honest mixed bundle: %v", failures(rep))
	}
	entries, order := unzip(t, raw)
	disc := entries["disclosure.json"]
	total := bytes.Count(disc, []byte(`"event_id"`))
	if keys := bytes.Count(disc, []byte(`"part_key"`)); keys != 1 || total < 5 {
		t.Fatalf("%d part keys for %d parts, want 1 (the comment written after seal v2)", keys, total)
	}
	got := checkFor(rep, "disclosure")
	for _, want := range []string{
		fmt.Sprintf("%d personal parts disclosed, exactly those the dossier refers to: 1 proven by their part key, %d only attested by the platform's signature (seal v1), 0 erased", total, total-1),
		fmt.Sprintf("The %d texts sealed in version 1 are attested by the platform's signature", total-1),
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}

	lie := func(old, new string) *auditlog.Report {
		altered := maps.Clone(entries)
		altered["disclosure.json"] = bytes.Replace(disc, []byte(old), []byte(new), 1)
		return verify(w.asLyingPlatform(altered, order), key)
	}
	if rep := lie("Relu après le dépôt", "Relu avant le dépôt"); rep.OK() || !rep.Failed("disclosure") {
		t.Errorf("a lie in the v2 part: not detected (%v)", failures(rep))
	}
	if rep := lie("avec rigueur", "avec rigueue"); !rep.OK() {
		t.Errorf("a lie in a v1 part is caught after all (update the package doc): %v", failures(rep))
	}
	// A key handed for a v1 part (which has none) is refused.
	k := partKeyRE.FindSubmatch(disc)[1]
	withKey := bytes.Replace(disc, []byte(`"type":"ExperienceAdded",`), []byte(`"type":"ExperienceAdded","part_key":"`+string(k)+`",`), 1)
	altered := maps.Clone(entries)
	altered["disclosure.json"] = withKey
	if rep := verify(w.asLyingPlatform(altered, order), key); rep.OK() || !strings.Contains(checkFor(rep, "disclosure"), "a part key given for a part sealed in version 1") {
		t.Errorf("a key on a v1 part: not refused (%v)", failures(rep))
	}
}

// A bundle made before the person's erasure keeps proving its parts: the
// part keys it holds open those parts for good.
func TestBundleBeforeErasureStillProves(t *testing.T) {
	w := newWorld(t, auditlog.Config{})
	s := w.seed(1)
	before := w.bundle(s)
	if _, err := w.ring.Erase(w.ctx, s.Portfolio); err != nil {
		t.Fatal(err)
	}
	rep := verify(before, w.log.PublicKey())
	if !rep.OK() || !strings.Contains(checkFor(rep, "disclosure"), "proven by their part key, 0 only attested") {
		t.Fatalf("bundle made before the erasure: %v\n%s", failures(rep), checkFor(rep, "disclosure"))
	}
	after := verify(w.bundle(s), w.log.PublicKey())
	if !after.OK() || !strings.Contains(checkFor(after, "disclosure"), ": 0 proven by their part key, 0 only attested by the platform's signature (seal v1), ") {
		t.Fatalf("bundle made after the erasure: %v\n%s", failures(after), checkFor(after, "disclosure"))
	}
}
