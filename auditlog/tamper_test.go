package auditlog_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/parcours/parcours/auditlog"
	"github.com/parcours/parcours/eventstore"
)

// The tamper corpus: every alteration below must be caught (100%), and
// honest bundles must pass (no false alarm).

// Every byte of events.jsonl flipped (each byte once; the flip pattern
// rotates: the low bit keeps digits, hex and base64 valid, 0x20 changes
// case, 0xff breaks the text), and a sample of the bytes of proofs.json
// and checkpoint.txt. Each alteration must fail Verify, and fail it in
// the check that owns the entry, not only in the manifest's hash list.
// Under the race detector (and with -short) a sample of the same corpus
// runs, so that those runs stay quick; a plain run covers every byte.
func TestTamperEveryByteOfEvents(t *testing.T) {
	w := newWorld(t, auditlog.Config{})
	s := w.seed(1)
	raw := w.bundle(s)
	honest, err := auditlog.ReadBundle(bytes.NewReader(raw), int64(len(raw)), auditlog.ReadLimits{})
	if err != nil {
		t.Fatal(err)
	}
	key := w.log.PublicKey()
	if rep := honest.Verify(auditlog.VerifyOptions{PublicKey: key}); !rep.OK() {
		t.Fatalf("honest bundle: %+v", rep.Checks)
	}
	total := 0
	for _, entry := range []struct {
		name, check string
		stride      int
	}{
		{"events.jsonl", "chain|inclusion", 1}, {"proofs.json", "checkpoint|inclusion|anchor", 7}, {"checkpoint.txt", "checkpoint", 3},
		{"manifest.sig", "manifest", 3},
	} {
		stride := entry.stride * raceStride
		if testing.Short() {
			stride *= 8
		}
		positions := make(chan int)
		errs := make(chan string, runtime.GOMAXPROCS(0))
		var wg sync.WaitGroup
		for range runtime.GOMAXPROCS(0) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range positions {
					if msg := flipDetected(honest, key, entry.name, entry.check, i); msg != "" {
						errs <- msg
						return
					}
				}
			}()
		}
		doc := honest.Docs[entry.name]
		for i := 0; i < len(doc); i += stride {
			positions <- i
			total++
		}
		close(positions)
		wg.Wait()
		close(errs)
		for msg := range errs {
			t.Error(msg)
		}
	}
	t.Logf("%d single-byte alterations, all detected", total)
}

// flipDetected flips byte i of entry in a copy of b and says what went
// wrong if Verify does not catch it in one of checks.
func flipDetected(b *auditlog.Bundle, key, entry, checks string, i int) string {
	doc := b.Docs[entry]
	x := [...]byte{0x01, 0x20, 0xff}[i%3]
	altered := *b
	altered.Docs = maps.Clone(b.Docs)
	flipped := bytes.Clone(doc)
	flipped[i] ^= x
	altered.Docs[entry] = flipped
	rep := altered.Verify(auditlog.VerifyOptions{PublicKey: key})
	context := doc[max(0, i-30):min(len(doc), i+10)]
	if rep.OK() {
		return fmt.Sprintf("%s: byte %d ^ %#x not detected (%q)", entry, i, x, context)
	}
	if !failedAny(rep, checks) {
		return fmt.Sprintf("%s: byte %d ^ %#x (%q) caught only by %v, not by %s", entry, i, x, context, failures(rep), checks)
	}
	return ""
}

func TestTamperEventsRemovedInsertedReordered(t *testing.T) {
	w := newWorld(t, auditlog.Config{})
	s := w.seed(1)
	raw := w.bundle(s)
	key := w.log.PublicKey()
	entries, order := unzip(t, raw)
	lines := strings.SplitAfter(string(entries["events.jsonl"]), "\n")
	lines = lines[:len(lines)-1]
	n := len(lines)
	cases := map[string][]string{}
	for i := range lines {
		cases[fmt.Sprintf("remove line %d", i)] = slices.Delete(slices.Clone(lines), i, i+1)
		cases[fmt.Sprintf("duplicate line %d", i)] = slices.Insert(slices.Clone(lines), i, lines[i])
		if i+1 < n {
			swapped := slices.Clone(lines)
			swapped[i], swapped[i+1] = swapped[i+1], swapped[i]
			cases[fmt.Sprintf("swap lines %d and %d", i, i+1)] = swapped
		}
	}
	cases["forged event appended"] = append(slices.Clone(lines), forgedNext(t, lines[n-1]))
	cases["last event dropped"] = lines[:n-1]
	for name, ls := range cases {
		altered := maps.Clone(entries)
		altered["events.jsonl"] = []byte(strings.Join(ls, ""))
		if rep := verify(rezip(t, altered, order), key); rep.OK() || !failedAny(rep, "chain|inclusion") {
			t.Errorf("%s: not detected by the chain or proofs (%v)", name, failures(rep))
		}
		// An attacker who also re-lists the entries cannot re-sign the manifest.
		relisted := relist(t, altered, order)
		if rep := verify(rezip(t, relisted, order), key); rep.OK() || !rep.Failed("manifest") {
			t.Errorf("%s with a new manifest: not detected (%v)", name, failures(rep))
		}
	}
}

func TestTamperFilesKeysCheckpoints(t *testing.T) {
	w := newWorld(t, auditlog.Config{})
	s := w.seed(2)
	old := w.bundle(s)
	// The log grows: a later bundle has a later checkpoint.
	w.now = w.now.Add(3600e9)
	if _, err := w.store.Append(w.ctx, "notes-1", eventstore.Any, eventstore.Proposed{ID: eventstore.NewEventID(), Type: "Noted",
		SchemaVersion: 1, Data: []byte(`{}`), Metadata: []byte(`{"actor":"t"}`)}); err != nil {
		t.Fatal(err)
	}
	w.catchUp()
	raw := w.bundle(s)
	key := w.log.PublicKey()
	entries, order := unzip(t, raw)
	oldEntries, _ := unzip(t, old)
	other, _ := otherKey(t)
	var files []string
	for _, n := range order {
		if strings.HasPrefix(n, "files/") {
			files = append(files, n)
		}
	}
	junk := make([]byte, len(entries[files[0]]))
	rand.Read(junk)
	cases := []struct {
		name  string
		edit  func(map[string][]byte)
		check string
	}{
		{"files swapped", func(m map[string][]byte) { m[files[0]], m[files[1]] = m[files[1]], m[files[0]] }, "files"},
		{"file replaced", func(m map[string][]byte) { m[files[0]] = junk }, "files"},
		{"file emptied", func(m map[string][]byte) { m[files[1]] = nil }, "files"},
		{"checkpoint from another key", func(m map[string][]byte) { m["checkpoint.txt"] = resign(t, m["checkpoint.txt"], other) }, "checkpoint"},
		{"older checkpoint", func(m map[string][]byte) { m["checkpoint.txt"] = oldEntries["checkpoint.txt"] }, "checkpoint"},
		{"older proofs and checkpoint", func(m map[string][]byte) {
			m["checkpoint.txt"], m["proofs.json"] = oldEntries["checkpoint.txt"], oldEntries["proofs.json"]
		}, "checkpoint"},
		{"disclosure edited", func(m map[string][]byte) {
			m["disclosure.json"] = bytes.Replace(m["disclosure.json"], []byte("rigueur"), []byte("rigueue"), 1)
		}, "dossier"},
		{"dossier edited", func(m map[string][]byte) {
			m["dossier.html"] = bytes.Replace(m["dossier.html"], []byte("Vendeuse"), []byte("Gérante"), 1)
		}, "dossier"},
	}
	for _, c := range cases {
		altered := maps.Clone(entries)
		c.edit(altered)
		if rep := verify(rezip(t, altered, order), key); rep.OK() || !rep.Failed("entries") {
			t.Errorf("%s: not detected (%v)", c.name, failures(rep))
		}
		if rep := verify(rezip(t, relist(t, altered, order), order), key); rep.OK() || !failedAny(rep, c.check) {
			t.Errorf("%s, manifest re-listed: not detected by %s (%v)", c.name, c.check, failures(rep))
		}
	}
	// A whole bundle re-signed with another key: the pinned key catches it.
	signer, vkey := otherKey(t)
	forged := maps.Clone(entries)
	forged["public-key.txt"] = []byte(vkey + "\n")
	forged["checkpoint.txt"] = resign(t, forged["checkpoint.txt"], signer)
	if rep := verify(rezip(t, forged, order), key); rep.OK() || !rep.Failed("key") {
		t.Errorf("bundle under another key: not detected (%v)", failures(rep))
	}
	for _, b := range [][]byte{old, raw} {
		if rep := verify(b, key); !rep.OK() {
			t.Errorf("honest bundle: false alarm %v", failures(rep))
		}
	}
}

// The platform itself lies about a disclosed part: it holds the log's
// key, so it re-signs the manifest, and it recomputes the dossier from
// its edited disclosure. The part keys (seal v2) catch every such lie,
// in the disclosure check, with the manifest, the entries, the chain and
// the proofs all holding.
func TestTamperDisclosedPartsByTheLog(t *testing.T) {
	w := newWorld(t, auditlog.Config{})
	s := w.seed(2)
	raw := w.bundle(s)
	key := w.log.PublicKey()
	entries, order := unzip(t, raw)
	disc := entries["disclosure.json"]
	keys := partKeys(t, disc)
	random := make([]byte, 32)
	rand.Read(random)
	cases := []struct {
		name  string
		edit  func([]byte) []byte
		says  string // in the report's English
		shows string // in the forged dossier.html
	}{
		{"text altered, true key kept", func(d []byte) []byte {
			return bytes.Replace(d, []byte("rigueur"), []byte("rigueue"), 1)
		}, "the disclosed text differs from the one the event's sealed part holds", "avec rigueue"},
		{"text replaced by another part's, true key kept", func(d []byte) []byte {
			return bytes.Replace(d, []byte("Fiche de caisse n° 2"), []byte("Fiche de caisse n° 1"), 1)
		}, "the disclosed text differs", ""},
		{"two parts' keys swapped", func(d []byte) []byte {
			d = bytes.Replace(d, []byte(keys[0]), []byte("SWAP"), 1)
			d = bytes.Replace(d, []byte(keys[1]), []byte(keys[0]), 1)
			return bytes.Replace(d, []byte("SWAP"), []byte(keys[1]), 1)
		}, "the part key of another event", ""},
		{"key replaced by random bytes", func(d []byte) []byte {
			return bytes.Replace(d, []byte(keys[2]), []byte(base64.StdEncoding.EncodeToString(random)), 1)
		}, "the part key does not open the event's sealed part (a wrong key)", ""},
		{"key cut short", func(d []byte) []byte {
			return bytes.Replace(d, []byte(keys[2]), []byte(base64.StdEncoding.EncodeToString(random[:16])), 1)
		}, "a wrong key", ""},
		{"key removed from a v2 part", func(d []byte) []byte {
			return bytes.Replace(d, []byte(`"part_key":"`+keys[3]+`",`), nil, 1)
		}, "disclosed without its part key", ""},
		{"every key removed", func(d []byte) []byte {
			return partKeyRE.ReplaceAll(d, nil)
		}, "disclosed without its part key", ""},
		{"part said erased, its text and key kept", func(d []byte) []byte {
			return bytes.Replace(d, []byte(`"part_key":"`+keys[0]+`",`), []byte(`"erased":true,"part_key":"`+keys[0]+`",`), 1)
		}, "a part said to be erased comes with a text or a key", ""},
	}
	for _, c := range cases {
		altered := maps.Clone(entries)
		altered["disclosure.json"] = c.edit(bytes.Clone(disc))
		if bytes.Equal(altered["disclosure.json"], disc) {
			t.Fatalf("%s: the edit changed nothing", c.name)
		}
		forged := w.asLyingPlatform(altered, order)
		if c.shows != "" && !strings.Contains(string(zipEntries(t, forged)["dossier.html"]), c.shows) {
			t.Fatalf("%s: the forged dossier.html does not show the lie %q", c.name, c.shows)
		}
		rep := verify(forged, key)
		for _, held := range []string{"key", "manifest", "entries", "checkpoint", "chain", "inclusion", "anchor"} {
			if rep.Failed(held) {
				t.Errorf("%s: the lying platform's bundle fails %s, so the test proves nothing: %v", c.name, held, failures(rep))
			}
		}
		if rep.OK() || !rep.Failed("disclosure") {
			t.Errorf("%s: not detected by the part keys (%v)", c.name, failures(rep))
			continue
		}
		if got := checkFor(rep, "disclosure"); !strings.Contains(got, c.says) {
			t.Errorf("%s: the report does not say %q:\n%s", c.name, c.says, got)
		}
	}
	// The lying platform's machinery, on an honest disclosure: no false alarm.
	if rep := verify(w.asLyingPlatform(entries, order), key); !rep.OK() {
		t.Fatalf("honest bundle re-signed: false alarm %v", failures(rep))
	}
	rep := verify(raw, key)
	if !rep.OK() {
		t.Fatalf("honest bundle: false alarm %v", failures(rep))
	}
	n := len(keys)
	if want := fmt.Sprintf("%d personal parts disclosed, exactly those the dossier refers to: %d proven by their part key, 0 only attested", n, n); !strings.Contains(checkFor(rep, "disclosure"), want) {
		t.Errorf("report lacks %q:\n%s", want, checkFor(rep, "disclosure"))
	}
}
