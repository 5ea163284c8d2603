package web_test

import (
	"archive/zip"
	"bytes"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
)

// TestImportPage: Zoé previews JSON Resume's sample (nothing added yet),
// confirms, finds it in her portfolio; the token works once and for her
// only; the same file again has nothing to add; a file declaring XML
// entities is refused with its reason. Her CV downloads as Europass and
// as LEAP2A.
func TestImportPage(t *testing.T) {
	e := newBenEnv(t)
	e.benStory(t)
	zoe := e.benBrowser()
	zoe.login("p-zoe", "/me/portfolio")
	benWant(t, zoe.get("/me/portfolio"), http.StatusOK, `href="/me/import"`)
	benWant(t, zoe.get("/me/import"), http.StatusOK, `enctype="multipart/form-data"`, "Importer un portfolio ou un CV", `name="file"`)
	sample, err := os.ReadFile("../formats/testdata/jsonresume-sample.resume.json")
	if err != nil {
		t.Fatal(err)
	}
	p := zoe.postFile("/me/import/preview", url.Values{"format": {"jsonresume"}}, "resume.json", sample)
	benWant(t, p, http.StatusOK, "Aperçu de l", "encore été ajouté", "à ajouter", "awards", "Confirmer l")
	if before := zoe.get("/me/portfolio"); strings.Contains(before.body, "CEO/President") {
		t.Fatal("the preview added something")
	}
	_, rest, _ := strings.Cut(p.body, `name="token" value="`)
	token, _, _ := strings.Cut(rest, `"`)
	luc := e.benBrowser()
	luc.login("p-luc", "/me/portfolio")
	benWant(t, luc.post("/me/import/confirm", url.Values{"token": {token}, "idem": {p.key(t)}}), http.StatusConflict, "expiré")
	done := zoe.post("/me/import/confirm", url.Values{"token": {token}, "idem": {p.key(t)}})
	benWant(t, done, http.StatusOK, "Import terminé", "ajoutés")
	benWant(t, zoe.get("/me/portfolio"), http.StatusOK, "CEO/President", "Web Development")
	benWant(t, zoe.post("/me/import/confirm", url.Values{"token": {token}, "idem": {p.key(t)}}), http.StatusConflict, "expiré")
	again := zoe.postFile("/me/import/preview", url.Values{}, "resume.json", sample)
	benWant(t, again, http.StatusOK, "<strong>0</strong> à ajouter", "déjà dans votre portfolio")
	if strings.Contains(again.body, `name="token"`) {
		t.Error("nothing to add, yet a confirm button")
	}
	bad := zoe.postFile("/me/import/preview", url.Values{}, "cv.xml",
		[]byte(`<?xml version="1.0"?><!DOCTYPE Candidate [<!ENTITY x SYSTEM "file:///etc/passwd">]><Candidate>&x;</Candidate>`))
	benWant(t, bad, http.StatusUnprocessableEntity, "ne peut pas être importé", "entities")

	eu := zoe.get("/me/cvs/cv-vente/europass?lang=fr")
	if eu.status != http.StatusOK || !strings.Contains(eu.body, "<Candidate") || !strings.Contains(eu.body, "Zoé") {
		t.Fatalf("Europass: %d %.300s", eu.status, eu.body)
	}
	lp := zoe.get("/me/cvs/cv-vente/leap2a")
	zr, err := zip.NewReader(bytes.NewReader([]byte(lp.body)), int64(len(lp.body)))
	if lp.status != http.StatusOK || err != nil || zr.File[0].Name != "leap2a.xml" {
		t.Fatalf("LEAP2A: %d %v", lp.status, err)
	}
	if p := luc.get("/me/cvs/cv-vente/europass"); p.status != http.StatusNotFound {
		t.Errorf("Luc gets Zoé's Europass CV: %d", p.status)
	}
}
