package resume_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/projections"
	"github.com/parcours/parcours/resume"
)

// FuzzDocuments puts any text a person can write (the commands take any
// UTF-8 up to their limits; here anything at all) in every field of a
// CV: the JSON Resume document must encode and the PDF must draw, without
// an error or a panic.
func FuzzDocuments(f *testing.F) {
	for _, s := range []string{"Zoé", "", "\x00\xff\xfe", strings.Repeat("W", 500), "https://exemple.fr/" + strings.Repeat("a", 300),
		"ligne\nligne\r\n\ttab", "🥐 croissant", "‮RTL‬", "%PDF-1.7 (\\) /URI"} {
		f.Add(s, "2021-09", 3)
	}
	f.Fuzz(func(t *testing.T, text, date string, level int) {
		cv := projections.CVView{Owner: projections.PersonView{ID: "p", Name: text}, Title: text, TargetJob: text, Summary: text,
			Experiences: []projections.ExperienceView{{Kind: domain.KindProfessional, Title: text, Organisation: text, Place: text, Description: text,
				From: domain.Date(date), To: domain.Date(date), Tasks: []projections.TaskView{{Title: text, Description: text}}},
				{Kind: domain.KindLeisure, Title: text, From: domain.Date(date)}, {Kind: domain.KindVolunteer, Organisation: text}},
			Education:   []projections.ExperienceView{{Kind: domain.KindTraining, Title: text, To: domain.Date(date)}},
			Competences: []projections.CompetenceView{{Name: text, State: domain.CompetenceState(text), SelfLevel: level, Framework: &domain.FrameworkRef{Framework: text, Code: text}}}}
		d := resume.FromCV(cv, resume.Options{Email: text, Canonical: text})
		if _, err := json.Marshal(d); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := resume.WritePDF(&buf, d, resume.French, time.Unix(0, 0)); err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
			t.Fatal("not a PDF")
		}
	})
}
