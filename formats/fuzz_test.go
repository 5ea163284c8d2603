package formats_test

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/parcours/parcours/formats"
)

// FuzzParse: whatever the bytes, Parse answers items or a FileError,
// never panics, and what it answers turns into steps.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"testdata/jsonresume-sample.resume.json", "testdata/europass-candidate.xml", "testdata/mahara-leap2a.xml"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(maharaZip(f))
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY a "b">]><feed/>`))
	f.Add([]byte(`{"work":[{"startDate":"2020-13","highlights":[1]}]}`))
	l := formats.DefaultLimits()
	l.MaxFile, l.MaxUnzipped, l.MaxNodes = 1<<20, 4<<20, 5000
	f.Fuzz(func(t *testing.T, data []byte) {
		it, err := formats.Parse(data, "", l)
		var fe *formats.FileError
		if err != nil {
			if !errors.As(err, &fe) || fe.Reason == "" {
				t.Fatalf("error %v is not a FileError with a reason", err)
			}
			return
		}
		if n := len(it.Experiences) + len(it.Competences) + len(it.Evidence) + len(it.Goals); n > l.MaxItems {
			t.Fatalf("%d items past the limit", n)
		}
		_ = it.Steps("p-1", time.Now(), nil)
	})
}
