package domain_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/parcours/parcours/domain"
)

func romeEntries(n int) []domain.FrameworkEntry {
	out := []domain.FrameworkEntry{{Type: domain.EntryOccupation, Framework: "ROME", Code: "K1201", Labels: map[string]string{"fr": "Action sociale"}}}
	for i := 1; i < n; i++ {
		out = append(out, domain.FrameworkEntry{Type: domain.EntryCompetence, Framework: "ROME", Code: fmt.Sprint(100000 + i),
			Parent: "K1201", Labels: map[string]string{"fr": strings.Repeat("Accompagner une personne ", 20)}})
	}
	return out
}

func TestFrameworkImport(t *testing.T) {
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	f := domain.NewFramework(domain.FrameworkROME)
	sum := strings.Repeat("ab", 32)
	events, err := f.Import(domain.FrameworkImport{Label: "v460", Source: "unix_referentiel_competence_v460_utf8.csv", Checksum: sum, Entries: romeEntries(3000)}, "operator", now)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) < 3 {
		t.Fatalf("3,000 entries of 500 bytes make %d events, want several parts", len(events))
	}
	total := 0
	for _, e := range events[:len(events)-1] {
		total += len(e.(*domain.FrameworkEntriesRecorded).Entries)
	}
	last := events[len(events)-1].(*domain.FrameworkImported)
	if total != 3000 || last.Version != 1 || last.Parts != len(events)-1 || last.Counts["competence"] != 2999 || last.Counts["occupation"] != 1 {
		t.Fatalf("parts hold %d entries; imported %+v", total, last)
	}
	for _, e := range events {
		f.Apply(e)
	}
	if _, err := f.Import(domain.FrameworkImport{Source: "again.csv", Checksum: sum, Entries: romeEntries(2)}, "operator", now); !errors.Is(err, domain.ErrConflict) {
		t.Errorf("the same files again: %v, want a conflict", err)
	}
	events, err = f.Import(domain.FrameworkImport{Source: "v461.csv", Checksum: strings.Repeat("cd", 32), Entries: romeEntries(2)}, "operator", now)
	if err != nil || events[len(events)-1].(*domain.FrameworkImported).Version != 2 {
		t.Fatalf("second import: %v %v", events, err)
	}
}

func TestFrameworkImportRefusesBadEntries(t *testing.T) {
	ok := domain.FrameworkEntry{Type: domain.EntryBlock, Framework: "RNCP37849", Code: "BC01", Labels: map[string]string{"fr": "Élaborer une stratégie commerciale"}}
	bad := map[string]func(e *domain.FrameworkEntry){
		"ROME type in RNCP": func(e *domain.FrameworkEntry) { e.Type = domain.EntryAppellation },
		"no label":          func(e *domain.FrameworkEntry) { e.Labels = nil },
		"other language":    func(e *domain.FrameworkEntry) { e.Labels = map[string]string{"de": "x"} },
		"bad framework":     func(e *domain.FrameworkEntry) { e.Framework = "ESCO" },
		"bad block code":    func(e *domain.FrameworkEntry) { e.Code = "BC 01" },
		"control character": func(e *domain.FrameworkEntry) { e.Parent = "a\x00b" },
	}
	for name, spoil := range bad {
		e := ok
		spoil(&e)
		_, err := domain.NewFramework(domain.FrameworkRNCP).Import(domain.FrameworkImport{Source: "x.xml", Checksum: strings.Repeat("0", 64), Entries: []domain.FrameworkEntry{ok, e}}, "operator", time.Now())
		if !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	if _, err := domain.NewFramework(domain.FrameworkRNCP).Import(domain.FrameworkImport{Source: "x.xml", Checksum: strings.Repeat("0", 64), Entries: []domain.FrameworkEntry{ok, ok}}, "operator", time.Now()); !errors.Is(err, domain.ErrInvalid) {
		t.Errorf("twice the same entry: %v", err)
	}
	if _, err := domain.NewFramework(domain.FrameworkRNCP).Import(domain.FrameworkImport{Source: "x.xml", Checksum: "nope", Entries: []domain.FrameworkEntry{ok}}, "operator", time.Now()); !errors.Is(err, domain.ErrInvalid) {
		t.Errorf("bad checksum: %v", err)
	}
}

func TestROMECompetenceRef(t *testing.T) {
	for code, want := range map[string]bool{"K1201": true, "121357": true, "Z1201": false, "12a": false, "1234567890": false} {
		e := domain.FrameworkEntry{Type: domain.EntryCompetence, Framework: "ROME", Code: code, Labels: map[string]string{"fr": "x"}}
		_, err := domain.NewFramework(domain.FrameworkROME).Import(domain.FrameworkImport{Source: "x.csv", Checksum: strings.Repeat("0", 64), Entries: []domain.FrameworkEntry{e}}, "operator", time.Now())
		if got := err == nil; got != want {
			t.Errorf("ROME %s: %v", code, err)
		}
	}
}
