package frameworks

import (
	"github.com/parcours/parcours/domain"
)

// readROME reads ROME 4.0 CSV files: occupations (code_rome,
// libelle_rome), appellations (code_ogr, libelle_appellation_long,
// code_rome) and competences (code_ogr, libelle_competence). Other files
// of France Travail's zip (arborescence, liens, contextes …) are skipped.
func readROME(parts []part) ([]domain.FrameworkEntry, error) {
	var out []domain.FrameworkEntry
	for _, p := range parts {
		t, err := openTable(p)
		if err != nil {
			if p.inZip {
				continue
			}
			return nil, err
		}
		var read func(t *table) (domain.FrameworkEntry, bool, error)
		switch {
		case t.has("code_ogr", "libelle_appellation_long", "code_rome"):
			read = romeAppellation
		case t.has("code_ogr", "libelle_competence"):
			read = romeCompetence
		case t.has("code_rome", "libelle_rome"):
			read = romeOccupation
		case p.inZip:
			continue
		default:
			return nil, bad(p.name, "not a ROME 4.0 file: expected the columns of unix_referentiel_code_rome (code_rome, libelle_rome), "+
				"unix_referentiel_appellation (code_ogr, libelle_appellation_long, code_rome) or unix_referentiel_competence (code_ogr, libelle_competence)")
		}
		for {
			more, err := t.next()
			if err != nil {
				return nil, err
			}
			if !more {
				break
			}
			e, ok, err := read(t)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, e)
			}
		}
	}
	return out, nil
}

func romeOccupation(t *table) (domain.FrameworkEntry, bool, error) {
	code, label := t.get("code_rome"), t.get("libelle_rome")
	if code == "" || label == "" {
		return domain.FrameworkEntry{}, false, t.fail("code_rome and libelle_rome are required")
	}
	return domain.FrameworkEntry{Type: domain.EntryOccupation, Framework: "ROME", Code: code, Labels: map[string]string{"fr": label}}, true, nil
}

func romeAppellation(t *table) (domain.FrameworkEntry, bool, error) {
	code, label, rome := t.get("code_ogr"), t.get("libelle_appellation_long"), t.get("code_rome")
	if code == "" || label == "" {
		return domain.FrameworkEntry{}, false, t.fail("code_ogr and libelle_appellation_long are required")
	}
	e := domain.FrameworkEntry{Type: domain.EntryAppellation, Framework: "ROME", Code: code, Parent: rome, Labels: map[string]string{"fr": label}}
	if short := t.get("libelle_appellation_court"); short != "" && short != label {
		e.Alt = map[string][]string{"fr": {short}}
	}
	return e, true, nil
}

func romeCompetence(t *table) (domain.FrameworkEntry, bool, error) {
	code, label := t.get("code_ogr"), t.get("libelle_competence")
	if code == "" || label == "" {
		return domain.FrameworkEntry{}, false, t.fail("code_ogr and libelle_competence are required")
	}
	return domain.FrameworkEntry{Type: domain.EntryCompetence, Framework: "ROME", Code: code, Labels: map[string]string{"fr": label}}, true, nil
}
