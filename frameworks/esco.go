package frameworks

import (
	"regexp"
	"slices"
	"strings"

	"github.com/parcours/parcours/domain"
)

// escoFile tells the language of an ESCO CSV file by its name, as the
// portal names them (skills_fr.csv, occupations_en.csv).
// maxAlt bounds the other labels kept for one entry and language.
const maxAlt = 200

var escoFile = regexp.MustCompile(`^(skills|occupations)_(fr|en)\.csv$`)

// readESCO reads ESCO skills and occupations, in French and English,
// merged by concept URI. Files of other languages, and the other tables
// of the download (skillGroups, ISCOGroups, relations …), are skipped
// inside a zip and refused when given alone.
func readESCO(parts []part) ([]domain.FrameworkEntry, error) {
	byURI := map[string]*domain.FrameworkEntry{}
	for _, p := range parts {
		m := escoFile.FindStringSubmatch(strings.ToLower(p.name))
		if m == nil {
			if p.inZip {
				continue
			}
			return nil, bad(p.name, "not an ESCO file: expected skills_fr.csv, skills_en.csv, occupations_fr.csv or occupations_en.csv")
		}
		typ, lang := domain.EntrySkill, m[2]
		if m[1] == "occupations" {
			typ = domain.EntryOccupation
		}
		t, err := openTable(p)
		if err != nil {
			return nil, err
		}
		if !t.has("conceptUri", "preferredLabel") {
			return nil, bad(p.name, "the columns conceptUri and preferredLabel are missing")
		}
		if err := readESCOTable(t, typ, lang, byURI); err != nil {
			return nil, err
		}
	}
	out := make([]domain.FrameworkEntry, 0, len(byURI))
	for _, e := range byURI {
		out = append(out, *e)
	}
	slices.SortFunc(out, func(a, b domain.FrameworkEntry) int { return strings.Compare(a.Code, b.Code) })
	return out, nil
}

func readESCOTable(t *table, typ domain.EntryType, lang string, byURI map[string]*domain.FrameworkEntry) error {
	for {
		more, err := t.next()
		if err != nil || !more {
			return err
		}
		uri, label := t.get("conceptUri"), t.get("preferredLabel")
		if uri == "" || label == "" {
			return t.fail("conceptUri and preferredLabel are required")
		}
		if s := t.get("status"); s != "" && s != "released" {
			continue
		}
		e := byURI[uri]
		if e == nil {
			e = &domain.FrameworkEntry{Type: typ, Framework: "ESCO", Code: uri, Labels: map[string]string{}}
			byURI[uri] = e
		} else if e.Type != typ {
			return t.fail("%s is both a skill and an occupation", uri)
		}
		e.Labels[lang] = label
		var alts []string
		for _, a := range strings.Split(t.get("altLabels"), "\n") {
			if a = strings.TrimSpace(a); a != "" && a != label && !slices.Contains(alts, a) {
				alts = append(alts, a)
			}
		}
		if len(alts) > maxAlt {
			alts = alts[:maxAlt]
		}
		if len(alts) > 0 {
			if e.Alt == nil {
				e.Alt = map[string][]string{}
			}
			e.Alt[lang] = alts
		}
	}
}
