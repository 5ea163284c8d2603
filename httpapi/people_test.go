package httpapi_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore"
)

// unzip returns the files of a zip by name.
func unzip(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	return out
}

func TestPersonRights(t *testing.T) {
	a := newAPI(t)
	a.world()
	_, up := a.upload("p-zoe", "zoe", pdf, "stage.pdf")
	a.attach("ev-shop", domain.ItemRef{Kind: domain.ItemExperience, ID: "x-shop"}, up)
	fileURL := "/v1/portfolios/p-zoe/files/" + up.File.FileID

	// Export: the person and their structure's admin; nobody else learns
	// that the person exists.
	for _, who := range []string{"zoe", "admin"} {
		r := a.ok(a.do("GET", "/v1/people/p-zoe/export", who, nil))
		files := unzip(t, r.body)
		if r.header.Get("Content-Type") != "application/zip" || !bytes.Contains(files["events.json"], []byte("Vendeuse à la boulangerie")) ||
			!bytes.Equal(files["files/"+up.File.FileID], pdf) {
			t.Fatalf("export as %s: %s, %d files", who, r.header.Get("Content-Type"), len(files))
		}
	}
	for _, who := range []string{"cons", "luc", "tutor", "other", "operator"} {
		wantStatus(t, a.do("GET", "/v1/people/p-zoe/export", who, nil), 404)
		wantStatus(t, a.do("DELETE", "/v1/people/p-zoe", who, nil), 404)
	}
	wantStatus(t, a.do("GET", "/v1/people/p-zoe/export", "", nil), 401)
	wantStatus(t, a.do("DELETE", "/v1/people/p-nobody", "admin", nil), 404)

	// Read the portfolio once, so that the command layer caches it opened.
	title := func() string {
		var got string
		err := a.h.ReadPortfolio(context.Background(), tokens["zoe"], "p-zoe", "", func(p *domain.Portfolio, _ uint64) error {
			got = p.Experiences()["x-shop"].Personal.Title + p.Evidence()["ev-shop"].Personal.FileName
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if title() == "" {
		t.Fatal("nothing to erase")
	}
	head, _ := a.store.Head(context.Background())

	// The admin erases Zoé.
	wantStatus(t, a.do("DELETE", "/v1/people/p-zoe", "admin", nil), 204)
	if got := title(); got != "" {
		t.Fatalf("after erasure the portfolio still shows %q", got)
	}
	wantStatus(t, a.do("GET", fileURL, "zoe", nil), 410)
	wantStatus(t, a.do("GET", fileURL, "cons", nil), 410)
	files := unzip(t, a.ok(a.do("GET", "/v1/people/p-zoe/export", "admin", nil)).body)
	var person struct{ Erased bool }
	json.Unmarshal(files["person.json"], &person)
	if !person.Erased || bytes.Contains(files["events.json"], []byte("Vendeuse")) || len(files) != 3 {
		t.Fatalf("export after erasure: erased=%v, %d files\n%s", person.Erased, len(files), files["events.json"])
	}
	events, err := a.store.ReadAll(context.Background(), head, 100)
	if err != nil || len(events) != 1 || events[0].Stream != "person-p-zoe" || events[0].Type != "PersonErased" {
		t.Fatalf("recorded %v %+v", err, events)
	}
	var meta eventstore.Metadata
	json.Unmarshal(events[0].Metadata, &meta)
	if meta.Actor != "p-admin" || meta.Tenant != "s-ml" || strings.Contains(string(events[0].Data), "Zoé") {
		t.Fatalf("erasure event %s %s", events[0].Metadata, events[0].Data)
	}

	// The service goes on: writing for Zoé is refused as erased, Luc is
	// untouched, and erasing again is harmless.
	a.ok(a.do("GET", "/healthz", "", nil))
	wantStatus(t, a.do("POST", "/v1/portfolios/p-zoe/comments", "cons", map[string]any{"target": map[string]any{"kind": "experience", "id": "x-shop"},
		"text": map[string]any{"text": "Bon courage"}}), 410)
	r, _ := a.upload("p-zoe", "zoe", pdf, "")
	wantStatus(t, r, 410)
	r, _ = a.upload("p-luc", "luc", pdf, "")
	wantStatus(t, r, 201)
	wantStatus(t, a.do("DELETE", "/v1/people/p-zoe", "zoe", nil), 204)
	wantStatus(t, a.do("DELETE", "/v1/people/p-luc", "luc", nil), 204)
}
