package domain

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Bounds of an import: a whole ESCO release (about 14,000 skills and
// 3,000 occupations) fits, with room.
const (
	MaxFrameworkEntries = 300_000
	maxEntryLabel       = 2000
	maxAltLabels        = 200
	maxEntryCode        = 300
	// frameworkPartBytes bounds the estimated JSON size of one part, well
	// under the event store's limit on one event (1 MiB).
	frameworkPartBytes = 640 << 10
)

// Framework is the history of one kind's imports.
type Framework struct {
	kind     FrameworkKind
	versions []FrameworkVersion
}

// NewFramework returns the framework kind before any import.
func NewFramework(kind FrameworkKind) *Framework { return &Framework{kind: kind} }

// Apply evolves the state by one event; it never fails.
func (f *Framework) Apply(e Event) {
	if im, ok := e.(*FrameworkImported); ok {
		f.versions = append(f.versions, im.FrameworkVersion)
	}
}

// Current returns the version in force, if any was imported.
func (f *Framework) Current() (FrameworkVersion, bool) {
	if len(f.versions) == 0 {
		return FrameworkVersion{}, false
	}
	return f.versions[len(f.versions)-1], true
}

// Versions returns every import, the oldest first.
func (f *Framework) Versions() []FrameworkVersion { return slices.Clone(f.versions) }

// FrameworkImport is what an import brings: the entries read from the
// files, and where they came from.
type FrameworkImport struct {
	Label    string
	Source   string
	Checksum string
	Entries  []FrameworkEntry
}

// Import decides a new version of the framework: its entries in parts,
// then FrameworkImported. The same files as the version in force are
// refused as a conflict (nothing would change).
func (f *Framework) Import(in FrameworkImport, by string, now time.Time) ([]Event, error) {
	if !f.kind.Valid() {
		return nil, invalid("kind", "must be rncp, rome or esco")
	}
	if err := checkText("label", in.Label, 0, 100); err != nil {
		return nil, err
	}
	if err := checkText("source", in.Source, 1, 500); err != nil {
		return nil, err
	}
	if len(in.Checksum) != 64 || strings.Trim(in.Checksum, "0123456789abcdef") != "" {
		return nil, invalid("checksum", "must be a SHA-256 in lower-case hex")
	}
	if cur, ok := f.Current(); ok && cur.Checksum == in.Checksum {
		return nil, conflict("these files are already imported, as version %d of %s", cur.Version, f.kind)
	}
	counts, err := f.checkEntries(in.Entries)
	if err != nil {
		return nil, err
	}
	version := len(f.versions) + 1
	var events []Event
	for part, start, size := 1, 0, 0; start < len(in.Entries); {
		end := start
		for size = 0; end < len(in.Entries) && (end == start || size+entrySize(in.Entries[end]) <= frameworkPartBytes); end++ {
			size += entrySize(in.Entries[end])
		}
		events = append(events, &FrameworkEntriesRecorded{Kind: f.kind, Version: version, Part: part, Entries: in.Entries[start:end]})
		start, part = end, part+1
	}
	return append(events, &FrameworkImported{Kind: f.kind, Parts: len(events), FrameworkVersion: FrameworkVersion{
		Version: version, Label: strings.TrimSpace(in.Label), Source: in.Source, Checksum: in.Checksum, Counts: counts, By: by, At: now}}), nil
}

// checkEntries validates every entry and counts them by type.
func (f *Framework) checkEntries(entries []FrameworkEntry) (map[string]int, error) {
	if len(entries) == 0 {
		return nil, invalid("entries", "the files hold no entry of %s", f.kind)
	}
	if len(entries) > MaxFrameworkEntries {
		return nil, invalid("entries", "at most %d entries in one import", MaxFrameworkEntries)
	}
	counts := map[string]int{}
	seen := make(map[FrameworkRef]bool, len(entries))
	for i, e := range entries {
		if err := f.checkEntry(e); err != nil {
			return nil, entryError(i, e, err)
		}
		if seen[e.Ref()] {
			return nil, invalid("entries", "%s %s appears twice", e.Framework, e.Code)
		}
		seen[e.Ref()] = true
		counts[string(e.Type)]++
	}
	return counts, nil
}

func entryError(i int, e FrameworkEntry, err error) error {
	if de, ok := err.(*Error); ok {
		return &Error{Kind: KindInvalid, Field: "entries", Reason: "entry " + itoa(i+1) + " (" + e.Code + "): " + de.Field + ": " + de.Reason}
	}
	return err
}

func (f *Framework) checkEntry(e FrameworkEntry) error {
	typeOK := false
	for _, t := range entryTypes[f.kind] {
		typeOK = typeOK || t == e.Type
	}
	if !typeOK {
		return invalid("type", "%q is no entry type of %s", e.Type, f.kind)
	}
	switch f.kind {
	case FrameworkRNCP:
		if !strings.HasPrefix(e.Framework, "RNCP") || len(e.Framework) > 10 || !isDigits(e.Framework[4:]) {
			return invalid("framework", "must be the certification's RNCP number (RNCP37849)")
		}
	case FrameworkROME, FrameworkESCO:
		if e.Framework != strings.ToUpper(string(f.kind)) {
			return invalid("framework", "must be %s", strings.ToUpper(string(f.kind)))
		}
	}
	if err := checkEntryCode("code", e.Code, 1); err != nil {
		return err
	}
	if err := checkEntryCode("parent", e.Parent, 0); err != nil {
		return err
	}
	if e.Linkable() {
		if err := e.Ref().validate(); err != nil {
			return err
		}
	}
	return checkLabels(e)
}

func checkLabels(e FrameworkEntry) error {
	if len(e.Labels) == 0 || len(e.Labels) > 2 || len(e.Alt) > 2 {
		return invalid("labels", "needs a label in French or English")
	}
	for lang, l := range e.Labels {
		if lang != "fr" && lang != "en" {
			return invalid("labels", "languages are fr and en")
		}
		if err := checkText("labels."+lang, l, 1, maxEntryLabel); err != nil {
			return err
		}
	}
	for lang, alts := range e.Alt {
		if lang != "fr" && lang != "en" || len(alts) > maxAltLabels {
			return invalid("alt", "at most %d other labels in fr and en", maxAltLabels)
		}
		for _, a := range alts {
			if err := checkText("alt."+lang, a, 1, maxEntryLabel); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkEntryCode accepts a printable code without spaces at either end.
func checkEntryCode(field, s string, min int) error {
	if len(s) < min || len(s) > maxEntryCode || !utf8.ValidString(s) || strings.TrimSpace(s) != s {
		return invalid(field, "must be 1 to %d characters, without spaces around", maxEntryCode)
	}
	if strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		return invalid(field, "must be printable")
	}
	return nil
}

// entrySize estimates the JSON size of e.
func entrySize(e FrameworkEntry) int {
	n := 80 + len(e.Framework) + len(e.Code) + len(e.Parent)
	for _, l := range e.Labels {
		n += len(l) + 8
	}
	for _, alts := range e.Alt {
		for _, a := range alts {
			n += len(a) + 4
		}
	}
	return n
}
