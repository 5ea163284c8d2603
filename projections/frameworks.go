package projections

import (
	"fmt"
	"strconv"
	"time"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventcodec"
)

// Frameworks is the read model of the reference frameworks: each kind's
// version in force, its entries, and a word index for search as one
// types (each word of an entry's labels, in both languages, folded: no
// case, no accents). Entries and words are keyed under their version, so
// an import being recorded is not seen before its FrameworkImported, and
// an older version's keys are simply no longer read. The index is a log
// (one entry per word and framework entry, on the log's (ns, key) index)
// rather than documents: an ESCO release is some 300,000 words, which a
// batch then appends without keeping a document for each.
type Frameworks struct{}

func (Frameworks) Name() string { return "frameworks" }
func (Frameworks) Version() int { return 1 }

const (
	nsFwCurrent = "fwcur" // KIND → fwVersionDoc
	nsFwEntry   = "fwe"   // KIND/VERSION/SEQ → fwEntryDoc
	nsFwRef     = "fwr"   // KIND/VERSION/FRAMEWORK/CODE → SEQ
	nsFwWord    = "fww"   // log KIND/VERSION/WORD → SEQ
)

// maxIndexedWords bounds the words indexed for one entry (ESCO lists
// dozens of other labels for some skills).
const maxIndexedWords = 48

type fwVersionDoc struct {
	Version  int            `json:"version"`
	Label    string         `json:"label,omitempty"`
	Source   string         `json:"source"`
	Checksum string         `json:"checksum"`
	Counts   map[string]int `json:"counts"`
	At       time.Time      `json:"at"`
}

type fwEntryDoc struct {
	Type      domain.EntryType    `json:"t"`
	Framework string              `json:"f"`
	Code      string              `json:"c"`
	Parent    string              `json:"p,omitempty"`
	Labels    map[string]string   `json:"l"`
	Alt       map[string][]string `json:"a,omitempty"`
}

func fwPrefix(kind domain.FrameworkKind, version int) string {
	return string(kind) + "/" + strconv.Itoa(version) + "/"
}

// fwSeq numbers an entry within its version by part and place, in fixed
// width so keys sort in import order.
func fwSeq(part, i int) string { return fmt.Sprintf("%05d%05d", part, i) }

func (Frameworks) Apply(b *Batch, d eventcodec.Decoded) error {
	switch e := d.Event.(type) {
	case *domain.FrameworkEntriesRecorded:
		prefix := fwPrefix(e.Kind, e.Version)
		for i, en := range e.Entries {
			seq := fwSeq(e.Part, i)
			b.Put(nsFwEntry, prefix+seq, fwEntryDoc{Type: en.Type, Framework: en.Framework, Code: en.Code, Parent: en.Parent, Labels: en.Labels, Alt: en.Alt})
			b.Put(nsFwRef, prefix+en.Framework+"/"+en.Code, seq)
			for _, w := range entryWords(en) {
				if err := b.Append(nsFwWord, prefix+w, seq); err != nil {
					return err
				}
			}
		}
	case *domain.FrameworkImported:
		b.Put(nsFwCurrent, string(e.Kind), fwVersionDoc{Version: e.Version, Label: e.Label, Source: e.Source, Checksum: e.Checksum, Counts: e.Counts, At: e.At})
	}
	return nil
}

// entryWords returns the words an entry is found by: its code, its
// labels, then its other labels, in both languages, up to
// maxIndexedWords.
func entryWords(e domain.FrameworkEntry) []string {
	text := e.Code + " " + e.Labels["fr"] + " " + e.Labels["en"]
	if e.Framework != "ESCO" && e.Framework != "ROME" {
		text += " " + e.Framework // an RNCP block is found by its certification's number
	}
	for _, lang := range []string{"fr", "en"} {
		for _, a := range e.Alt[lang] {
			text += " " + a
		}
	}
	if e.Framework == "ESCO" {
		text = text[len(e.Code):] // a URI says nothing to whoever types
	}
	w := searchWords(text)
	if len(w) > maxIndexedWords {
		w = w[:maxIndexedWords]
	}
	return w
}
