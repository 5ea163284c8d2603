package auditlog

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/parcours/parcours/eventstore"
	"golang.org/x/mod/sumdb/note"
)

// VerifyOptions configure Verify.
type VerifyOptions struct {
	// PublicKey is the log's key as the auditor obtained it (from
	// /v1/audit/public-key, or the certifier's records). If empty, the
	// key inside the bundle is used and the report warns that it proves
	// only that the bundle is self-consistent.
	PublicKey string
	Limits    ReadLimits
}

// VerifyBundle reads and verifies a bundle; see Bundle.Verify.
func VerifyBundle(r io.ReaderAt, size int64, opts VerifyOptions) *Report {
	b, err := ReadBundle(r, size, opts.Limits)
	if err != nil {
		rep := &Report{}
		rep.fail("zip", "Le fichier n'est pas un paquet lisible", "The file is not a readable bundle", err)
		return rep
	}
	return b.Verify(opts)
}

// verifier carries what each step established for the next ones.
type verifier struct {
	b       *Bundle
	r       *Report
	key     note.Verifier
	m       manifest
	cp      *Checkpoint
	anchor  *Checkpoint
	records []eventRecord
	events  []eventstore.Event
	proofs  proofsDoc
	fold    *fold
	sel     selection
	parts   map[string]disclosedPart
	view    *DossierView
}

// Verify checks the bundle offline and says what holds, in French and
// English: the signature of its manifest and every entry's hash; the
// checkpoint's signature; the hash chain of the portfolio's events from
// its first event to the head the manifest names; every event's inclusion
// proof in the checkpoint's tree; the submission's anchor (its inclusion
// in the anchoring checkpoint, which the bundle's tree extends); that the
// disclosed personal parts are exactly those the dossier refers to, and
// that each part sealed in version 2 is, opened with its part key, what
// its event's sealed bytes hold; that
// dossier.json and dossier.html are what the events produce; and every
// evidence file's SHA-256 against the one its event records.
func (b *Bundle) Verify(opts VerifyOptions) *Report {
	v := &verifier{b: b, r: &Report{}}
	v.checkKey(opts.PublicKey)
	v.checkManifest()
	v.checkEntries()
	v.checkCheckpoint()
	v.checkChain()
	v.checkInclusion()
	v.checkAnchor()
	v.checkDisclosure()
	v.checkDossier()
	v.checkFiles()
	return v.r
}

func (v *verifier) checkKey(pinned string) {
	inBundle := strings.TrimSpace(string(v.b.Docs[entryPublicKey]))
	key := inBundle
	if pinned = strings.TrimSpace(pinned); pinned != "" {
		key = pinned
		if inBundle != pinned {
			v.r.fail("key", "La clé publique du paquet n'est pas celle attendue ("+inBundle+")",
				"The bundle's public key is not the expected one ("+inBundle+")", nil)
		}
	}
	k, err := NewVerifier(key)
	if err != nil {
		v.r.fail("key", "Clé publique illisible", "Unreadable public key", err)
		return
	}
	v.key = k
	switch {
	case pinned == "":
		v.r.add("key", StatusWarn, "Clé publique prise dans le paquet, à comparer avec celle que publie la plateforme (/v1/audit/public-key) : "+key,
			"Public key taken from the bundle; compare it with the one the platform publishes (/v1/audit/public-key): "+key)
	case inBundle == pinned:
		v.r.ok("key", "Clé publique attendue : "+key, "Expected public key: "+key)
	}
}

func (v *verifier) checkManifest() {
	mb := v.b.Docs[entryManifest]
	if v.key == nil {
		v.r.fail("manifest", "Manifeste non vérifié : pas de clé", "Manifest not checked: no key", nil)
		return
	}
	n, err := openNote(v.b.Docs[entryManifestSg], v.key)
	want := bundleStatement + "\n" + sha256Hex(sha256.Sum256(mb)) + "\n"
	if err == nil && n.Text != want {
		err = errors.New("the signature is for another manifest")
	}
	if err == nil {
		err = decodeIndented(mb, &v.m)
	}
	if err == nil && v.m.Format != BundleFormat {
		err = fmt.Errorf("format %q, want %q", v.m.Format, BundleFormat)
	}
	if err != nil {
		v.r.fail("manifest", "Signature du manifeste invalide", "Invalid manifest signature", err)
		return
	}
	v.r.PortfolioID, v.r.DossierID = v.m.PortfolioID, v.m.DossierID
	v.r.ok("manifest", "Manifeste signé par la plateforme", "Manifest signed by the platform")
}

func (v *verifier) checkEntries() {
	listed := map[string]manifestEntry{}
	for _, e := range v.m.Entries {
		listed[e.Path] = e
	}
	var problems []string
	for _, name := range v.b.Names {
		if name != entryManifest && name != entryManifestSg {
			if _, ok := listed[name]; !ok {
				problems = append(problems, "unlisted "+name)
			}
		}
	}
	for _, e := range v.m.Entries {
		size, sum, ok := v.b.digest(e.Path)
		if !ok {
			problems = append(problems, "missing "+e.Path)
		} else if size != e.Size || sha256Hex(sum) != e.SHA256 {
			problems = append(problems, "altered "+e.Path)
		}
	}
	if len(problems) > 0 || len(v.m.Entries) == 0 {
		v.r.fail("entries", "Contenu du paquet différent du manifeste", "Bundle content differs from its manifest",
			errors.New(strings.Join(problems, ", ")))
		return
	}
	n := fmt.Sprint(len(v.m.Entries))
	v.r.ok("entries", n+" éléments conformes au manifeste", n+" entries match the manifest")
}

func (b *Bundle) digest(path string) (int64, [32]byte, bool) {
	if d, ok := b.Docs[path]; ok {
		return int64(len(d)), sha256.Sum256(d), true
	}
	f, ok := b.Files[path]
	return f.Size, f.SHA256, ok
}

func (v *verifier) checkCheckpoint() {
	err := errors.New("no key")
	var cp Checkpoint
	if v.key != nil {
		cp, err = OpenCheckpoint(v.b.Docs[entryCheckpoint], v.key)
	}
	if err == nil {
		err = decodeCanonical(v.b.Docs[entryProofs], &v.proofs)
	}
	if err == nil && (cp.Size != v.proofs.TreeSize || cp.Size != v.m.TreeSize) {
		err = fmt.Errorf("checkpoint of size %d, proofs for %d, manifest says %d", cp.Size, v.proofs.TreeSize, v.m.TreeSize)
	}
	if err != nil {
		v.r.fail("checkpoint", "Point de contrôle invalide", "Invalid checkpoint", err)
		return
	}
	v.cp = &cp
	v.r.ok("checkpoint", fmt.Sprintf("Point de contrôle signé : %d entrées, %s", cp.Size, cp.Time.Format("2006-01-02 15:04 UTC")),
		fmt.Sprintf("Signed checkpoint: %d leaves, %s", cp.Size, cp.Time.Format("2006-01-02 15:04 UTC")))
}

func (v *verifier) checkChain() {
	records, err := decodeEvents(v.b.Docs[entryEvents])
	var events []eventstore.Event
	for i := 0; err == nil && i < len(records); i++ {
		var e eventstore.Event
		if e, err = records[i].event(); err != nil {
			err = fmt.Errorf("line %d: %w", i+1, err)
		}
		events = append(events, e)
	}
	if err == nil {
		var zero eventstore.Hash
		err = eventstore.VerifyChain(events, &zero)
	}
	if err == nil {
		err = v.matchesManifest(events)
	}
	if err != nil {
		v.r.fail("chain", "Chaîne de hachage rompue", "Hash chain broken", err)
		return
	}
	v.records, v.events = records, events
	n := fmt.Sprint(len(events))
	v.r.ok("chain", "Chaîne de hachage intacte : "+n+" événements depuis le premier", "Hash chain intact: "+n+" events from the first")
}

func (v *verifier) matchesManifest(events []eventstore.Event) error {
	head := events[len(events)-1]
	switch {
	case head.Stream != v.m.Stream || v.m.Stream != "portfolio-"+v.m.PortfolioID:
		return fmt.Errorf("events of stream %s, manifest names %s", head.Stream, v.m.Stream)
	case len(events) != v.m.Events || head.Hash.String() != v.m.HeadHash:
		return fmt.Errorf("%d events ending with %s, manifest says %d ending with %s (events removed or added at the end)",
			len(events), head.Hash, v.m.Events, v.m.HeadHash)
	}
	return nil
}

func (v *verifier) checkInclusion() {
	err := errors.New("no checkpoint or no events")
	if v.cp != nil && v.events != nil {
		err = v.inclusion()
	}
	if err != nil {
		v.r.fail("inclusion", "Preuves d'inclusion invalides", "Invalid inclusion proofs", err)
		return
	}
	n := fmt.Sprint(len(v.events))
	v.r.ok("inclusion", n+"/"+n+" événements inclus dans le journal signé", n+"/"+n+" events included in the signed log")
}

func (v *verifier) inclusion() error {
	if len(v.proofs.Inclusion) != len(v.events) {
		return fmt.Errorf("%d proofs for %d events", len(v.proofs.Inclusion), len(v.events))
	}
	for i, p := range v.proofs.Inclusion {
		rec := v.records[i]
		if p.EventID != rec.ID || p.LeafIndex != rec.LeafIndex || i > 0 && rec.LeafIndex <= v.records[i-1].LeafIndex {
			return fmt.Errorf("proof %d does not match event %s at leaf %d", i, rec.ID, rec.LeafIndex)
		}
		if err := VerifyInclusion(*v.cp, p.LeafIndex, v.events[i].Hash, p.Proof); err != nil {
			return fmt.Errorf("event %s: %w", rec.ID, err)
		}
	}
	return nil
}

// decodeIndented is decodeCanonical for documents written indented.
func decodeIndented(b []byte, v any) error {
	if err := json.Unmarshal(b, v); err != nil {
		return err
	}
	again, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if !bytes.Equal(append(again, '\n'), b) {
		return errNotCanonical
	}
	return nil
}

func sortedPartIDs(d disclosureDoc) []string {
	ids := make([]string, len(d.Parts))
	for i, p := range d.Parts {
		ids[i] = p.EventID
	}
	slices.Sort(ids)
	return ids
}
