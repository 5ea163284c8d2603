package auditlog_test

import (
	"archive/zip"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parcours/parcours/auditlog"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore"
	"golang.org/x/mod/sumdb/note"
)

// forgedNext returns a well-formed event that chains after line: the
// hash chain alone cannot tell it from a real one.
func forgedNext(t *testing.T, line string) string {
	var last struct {
		Stream   string `json:"stream"`
		Revision uint64 `json:"revision"`
		Hash     string `json:"hash"`
		Leaf     int64  `json:"leaf_index"`
	}
	decodeJSON(t, line, &last)
	prev, _ := eventstore.ParseHash(last.Hash)
	p := eventstore.Proposed{ID: eventstore.NewEventID(), Type: "EvidenceWithdrawn", SchemaVersion: 1,
		Data: []byte(`{"evidence_id":"ev-f001"}`), Metadata: eventstore.Metadata{Actor: "p-zoe", Role: string(domain.RoleBeneficiary)}.Marshal()}
	h := eventstore.ComputeHash(last.Stream, last.Revision+1, p, prev)
	e := eventstore.Event{Stream: last.Stream, Revision: last.Revision + 1, ID: p.ID, Type: p.Type, SchemaVersion: 1, Data: p.Data, Metadata: p.Metadata, PrevHash: prev, Hash: h}
	return encodeRecord(t, e, last.Leaf+1)
}

func otherKey(t *testing.T) (note.Signer, string) {
	skey, vkey, err := note.GenerateKey(rand.Reader, "parcours.test/audit")
	if err != nil {
		t.Fatal(err)
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	return s, vkey
}

// resign signs the text of a signed note again, with signer only.
func resign(t *testing.T, signed []byte, signer note.Signer) []byte {
	text, _, _ := bytes.Cut(signed, []byte("\n\n"))
	out, err := note.Sign(&note.Note{Text: string(text) + "\n"}, signer)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func failedAny(rep *auditlog.Report, names string) bool {
	for _, n := range strings.Split(names, "|") {
		if rep.Failed(n) {
			return true
		}
	}
	return false
}

func failures(rep *auditlog.Report) []string {
	var out []string
	for _, c := range rep.Checks {
		if c.Status == auditlog.StatusFail {
			out = append(out, c.Name+": "+c.EN)
		}
	}
	return out
}

func unzip(t *testing.T, b []byte) (map[string][]byte, []string) {
	m := zipEntries(t, b)
	zr, _ := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	var order []string
	for _, f := range zr.File {
		order = append(order, f.Name)
	}
	return m, order
}

func rezip(t *testing.T, entries map[string][]byte, order []string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range order {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(entries[name])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func decodeJSON(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatal(err)
	}
}

// encodeRecord writes an event as a line of events.jsonl, as a forger
// who read the format would.
func encodeRecord(t *testing.T, e eventstore.Event, leaf int64) string {
	b, err := json.Marshal(struct {
		LeafIndex     int64  `json:"leaf_index"`
		Stream        string `json:"stream"`
		Revision      uint64 `json:"revision"`
		ID            string `json:"id"`
		Type          string `json:"type"`
		SchemaVersion uint32 `json:"schema_version"`
		Data          []byte `json:"data"`
		Metadata      []byte `json:"metadata"`
		PrevHash      string `json:"prev_hash"`
		Hash          string `json:"hash"`
	}{leaf, e.Stream, e.Revision, e.ID.String(), e.Type, e.SchemaVersion, e.Data, e.Metadata, e.PrevHash.String(), e.Hash.String()})
	if err != nil {
		t.Fatal(err)
	}
	return string(b) + "\n"
}

// relist rewrites manifest.json with the entries' new sizes and hashes
// (and the event count and head), keeping the old signature: what a
// forger without the log's key can do.
func relist(t *testing.T, entries map[string][]byte, order []string) map[string][]byte {
	var m map[string]any
	if err := json.Unmarshal(entries["manifest.json"], &m); err != nil {
		t.Fatal(err)
	}
	var list []map[string]any
	for _, name := range order {
		if name == "manifest.json" || name == "manifest.sig" {
			continue
		}
		sum := sha256.Sum256(entries[name])
		list = append(list, map[string]any{"path": name, "size": len(entries[name]), "sha256": hex.EncodeToString(sum[:])})
	}
	m["entries"] = list
	lines := strings.Split(strings.TrimSpace(string(entries["events.jsonl"])), "\n")
	var last struct {
		Hash string `json:"hash"`
	}
	json.Unmarshal([]byte(lines[len(lines)-1]), &last)
	m["events"], m["head_hash"] = len(lines), last.Hash
	out := maps.Clone(entries)
	b, _ := json.MarshalIndent(m, "", "  ")
	out["manifest.json"] = append(b, '\n')
	return out
}

// partKeyRE finds the part keys in disclosure.json, in part order.
var partKeyRE = regexp.MustCompile(`"part_key":"([A-Za-z0-9+/=]+)",`)

// partKeys returns the part keys of disclosure.json, in part order.
func partKeys(t *testing.T, disclosure []byte) []string {
	t.Helper()
	var keys []string
	for _, m := range partKeyRE.FindAllSubmatch(disclosure, -1) {
		keys = append(keys, string(m[1]))
	}
	if len(keys) < 2 {
		t.Fatalf("disclosure.json has %d part keys, want at least 2", len(keys))
	}
	return keys
}

// asLyingPlatform finishes a bundle whose disclosure.json was edited the
// way the platform itself could: dossier.json and dossier.html recomputed
// from the edited disclosure, the manifest re-listed and signed again
// with the log's own key. Only the part keys can tell.
func (w *world) asLyingPlatform(entries map[string][]byte, order []string) []byte {
	t := w.t.(*testing.T)
	t.Helper()
	edited := maps.Clone(entries)
	dj, dh, err := auditlog.DossierAsClaimed(edited)
	if err != nil {
		t.Fatal(err)
	}
	edited["dossier.json"], edited["dossier.html"] = dj, dh
	edited["manifest.json"] = canonicalRelist(t, edited, order)
	key, err := auditlog.LoadOrCreateKey(w.dir, "")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(edited["manifest.json"])
	sig, err := note.Sign(&note.Note{Text: "parcours bundle v1\n" + hex.EncodeToString(sum[:]) + "\n"}, key.Signer)
	if err != nil {
		t.Fatal(err)
	}
	edited["manifest.sig"] = sig
	return rezip(t, edited, order)
}

// checkFor returns the report's lines for check name, in English.
func checkFor(rep *auditlog.Report, name string) string {
	var out []string
	for _, c := range rep.Checks {
		if c.Name == name {
			out = append(out, c.Status.String()+" "+c.EN)
		}
	}
	return strings.Join(out, "\n")
}

// canonicalRelist is manifest.json re-listed for entries, in the exact
// form the builder writes (so that the log's signature over it is all a
// forger with the key lacks).
func canonicalRelist(t *testing.T, entries map[string][]byte, order []string) []byte {
	t.Helper()
	type entry struct {
		Path   string `json:"path"`
		Size   int64  `json:"size"`
		SHA256 string `json:"sha256"`
	}
	var m struct {
		Format      string    `json:"format"`
		Origin      string    `json:"origin"`
		PortfolioID string    `json:"portfolio_id"`
		DossierID   string    `json:"dossier_id"`
		Stream      string    `json:"stream"`
		Events      int       `json:"events"`
		HeadHash    string    `json:"head_hash"`
		TreeSize    int64     `json:"tree_size"`
		CreatedAt   time.Time `json:"created_at"`
		Entries     []entry   `json:"entries"`
	}
	if err := json.Unmarshal(entries["manifest.json"], &m); err != nil {
		t.Fatal(err)
	}
	m.Entries = nil
	for _, name := range order {
		if name != "manifest.json" && name != "manifest.sig" {
			sum := sha256.Sum256(entries[name])
			m.Entries = append(m.Entries, entry{name, int64(len(entries[name])), hex.EncodeToString(sum[:])})
		}
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}
