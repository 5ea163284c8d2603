package domain

import (
	"slices"
	"time"
)

// FrameworkKind names a family of reference frameworks that Parcours
// imports from open data: RNCP certifications (France Compétences), ROME
// 4.0 (France Travail) and ESCO (the European Commission).
type FrameworkKind string

const (
	FrameworkRNCP FrameworkKind = "rncp"
	FrameworkROME FrameworkKind = "rome"
	FrameworkESCO FrameworkKind = "esco"
)

// FrameworkKinds lists the kinds, in the order pages show them.
var FrameworkKinds = []FrameworkKind{FrameworkRNCP, FrameworkROME, FrameworkESCO}

// Valid reports whether k is a known kind.
func (k FrameworkKind) Valid() bool { return slices.Contains(FrameworkKinds, k) }

// EntryType is what a framework entry is: an RNCP certification, block or
// competence; a ROME occupation (fiche métier), appellation or
// competence; an ESCO skill or occupation.
type EntryType string

const (
	EntryCertification EntryType = "certification"
	EntryBlock         EntryType = "block"
	EntryCompetence    EntryType = "competence"
	EntryOccupation    EntryType = "occupation"
	EntryAppellation   EntryType = "appellation"
	EntrySkill         EntryType = "skill"
)

// entryTypes lists the types each kind holds.
var entryTypes = map[FrameworkKind][]EntryType{
	FrameworkRNCP: {EntryCertification, EntryBlock, EntryCompetence},
	FrameworkROME: {EntryOccupation, EntryAppellation, EntryCompetence},
	FrameworkESCO: {EntrySkill, EntryOccupation},
}

// FrameworkEntry is one element of an imported framework. Framework and
// Code are what a competence's FrameworkRef holds when it links to the
// entry (an RNCP block: "RNCP37849" and "BC01"; a ROME occupation: "ROME"
// and "K1201"; an ESCO skill: "ESCO" and its URI). Labels and Alt are by
// language ("fr", "en").
type FrameworkEntry struct {
	Type      EntryType           `json:"type"`
	Framework string              `json:"framework"`
	Code      string              `json:"code"`
	Parent    string              `json:"parent,omitempty"`
	Labels    map[string]string   `json:"labels"`
	Alt       map[string][]string `json:"alt,omitempty"`
}

// Ref returns the reference a competence holds to link to e.
func (e FrameworkEntry) Ref() FrameworkRef { return FrameworkRef{Framework: e.Framework, Code: e.Code} }

// Linkable reports whether a competence may link to e: RNCP blocks and
// competences, ROME occupations and competences, ESCO skills (a
// certification, an appellation or an ESCO occupation names a job, not a
// competence).
func (e FrameworkEntry) Linkable() bool {
	switch e.Type {
	case EntryBlock, EntryCompetence, EntrySkill:
		return true
	case EntryOccupation:
		return e.Framework == "ROME"
	}
	return false
}

// Label returns the entry's label in lang, or in the other language when
// it has none in lang.
func (e FrameworkEntry) Label(lang string) string {
	if l := e.Labels[lang]; l != "" {
		return l
	}
	if l := e.Labels["fr"]; l != "" {
		return l
	}
	return e.Labels["en"]
}

// FrameworkVersion describes one import of a framework.
type FrameworkVersion struct {
	Version  int            `json:"version"`
	Label    string         `json:"label,omitempty"` // the publisher's own name of the release ("v460", "ESCO 1.2.0")
	Source   string         `json:"source"`          // the files it was read from
	Checksum string         `json:"checksum"`        // SHA-256 of the files, in hex
	Counts   map[string]int `json:"counts"`          // entries by type
	By       string         `json:"by"`
	At       time.Time      `json:"at"`
}

// FrameworkStream names the stream of a framework kind's imports.
func FrameworkStream(k FrameworkKind) string { return "framework-" + string(k) }
