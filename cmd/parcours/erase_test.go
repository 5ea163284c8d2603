package main

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/personaldata"
)

var zoeSecrets = []string{"Zoé Kowalczyk-Ferrand", "zoe.kf@example.org", "Boulangerie du Vieux-Port", "BULLETIN-DE-SALAIRE-ZOE-7731"}

// writePerson appends sealed events and one file for subject through the
// same store and vault the service uses.
func writePerson(t *testing.T, ctx context.Context, s eventstore.Store, v *vault, subject string, personal []string) {
	t.Helper()
	stream := "portfolio-" + subject
	for i, text := range personal[:3] {
		id := eventstore.NewEventID()
		b := personaldata.Binding{Tenant: "structure-1", Stream: stream, EventID: id, Revision: uint64(i)}
		pj, _ := json.Marshal(map[string]string{"text": text})
		data, err := v.ring.SealData(ctx, b, subject, []byte(`{"experience_id":"e-1","kind":"professional"}`), pj)
		if err != nil {
			t.Fatal(err)
		}
		meta := []byte(`{"actor":"` + subject + `","role":"beneficiary","tenant":"structure-1"}`)
		exp := eventstore.Exactly(uint64(i - 1))
		if i == 0 {
			exp = eventstore.NoStream
		}
		if _, err := s.Append(ctx, stream, exp, eventstore.Proposed{ID: id, Type: "ExperienceAdded", SchemaVersion: 1, Data: data, Metadata: meta}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := v.files.Put(ctx, subject, strings.NewReader("%PDF-1.4 "+personal[3]), 1<<20); err != nil {
		t.Fatal(err)
	}
}

func wrappedKeys(t *testing.T, dir, subject string) [][]byte {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "keys.db")+"?_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var keys [][]byte
	rows, err := db.Query(`SELECT wrapped FROM person_keys WHERE subject = ? UNION ALL SELECT wrapped FROM file_keys WHERE subject = ?`, subject, subject)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k []byte
		rows.Scan(&k)
		keys = append(keys, k)
	}
	return keys
}

// findInDir returns the files under dir that contain needle.
func findInDir(t *testing.T, dir string, needle []byte) []string {
	t.Helper()
	var found []string
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, needle) {
			found = append(found, p)
		}
		return nil
	})
	return found
}

// TestErasePersonFullPath: known personal strings go through the real path
// (sealed events in the store, an encrypted file), the person is erased
// with the admin command, and then nothing of theirs is left on disk: no
// plaintext, no wrapped key, no file; chains still verify; another
// person's data is intact.
func TestErasePersonFullPath(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	if out, err := runCmd(t, "migrate", "--data", dir); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	sc := &storeConfig{Data: dir, MaxEventSize: 1 << 20, SQLiteSync: "FULL"}
	s, err := openStore(ctx, sc, false)
	if err != nil {
		t.Fatal(err)
	}
	v, err := openVault(ctx, sc, false)
	if err != nil {
		t.Fatal(err)
	}
	writePerson(t, ctx, s, v, "p-zoe", zoeSecrets)
	writePerson(t, ctx, s, v, "p-luc", []string{"Luc Arnaud-Bellamy", "luc@example.org", "Garage Central", "CONTRAT-LUC-4410"})
	s.Close()
	v.close()

	zoeKeys, lucKeys := wrappedKeys(t, dir, "p-zoe"), wrappedKeys(t, dir, "p-luc")
	if len(zoeKeys) != 2 || len(lucKeys) != 2 {
		t.Fatalf("want a person key and a file key each, got %d and %d", len(zoeKeys), len(lucKeys))
	}
	for _, k := range zoeKeys { // control: the search does find keys on disk
		if len(findInDir(t, dir, k)) == 0 {
			t.Fatal("search control: a stored wrapped key was not found on disk")
		}
	}
	for _, secret := range zoeSecrets {
		if f := findInDir(t, dir, []byte(secret)); len(f) > 0 {
			t.Fatalf("%q stored in clear in %v", secret, f)
		}
	}

	out, err := runCmd(t, "admin", "erase-person", "p-zoe", "--data", dir)
	if err != nil || !strings.Contains(out, "erased p-zoe: key destroyed, 1 files destroyed") {
		t.Fatalf("erase: %v\n%s", err, out)
	}
	for _, k := range zoeKeys {
		if f := findInDir(t, dir, k); len(f) > 0 {
			t.Fatalf("an erased wrapped key is still on disk in %v", f)
		}
	}
	for _, secret := range zoeSecrets {
		if f := findInDir(t, dir, []byte(secret)); len(f) > 0 {
			t.Fatalf("%q found after erasure in %v", secret, f)
		}
	}
	for _, k := range lucKeys {
		if len(findInDir(t, dir, k)) == 0 {
			t.Fatal("another person's key was destroyed")
		}
	}
	if out, err := runCmd(t, "verify", "--all", "--data", dir); err != nil {
		t.Fatalf("chains after erasure: %v\n%s", err, out)
	}

	// Exports: Zoé's shows her data as erased; Luc's opens with his file.
	zoe := export(t, dir, "p-zoe")
	if !strings.Contains(zoe["events.json"], `"personal_erased": true`) || strings.Contains(zoe["events.json"], "Zoé") {
		t.Fatalf("export of an erased person:\n%s", zoe["events.json"])
	}
	luc := export(t, dir, "p-luc")
	if !strings.Contains(luc["events.json"], "Luc Arnaud-Bellamy") || !strings.Contains(luc["LISEZMOI-README.txt"], "portabilité") {
		t.Fatalf("export of Luc:\n%s", luc["events.json"])
	}
	var fileFound bool
	for name, content := range luc {
		if strings.HasPrefix(name, "files/") && content == "%PDF-1.4 CONTRAT-LUC-4410" {
			fileFound = true
		}
	}
	if !fileFound {
		t.Fatalf("Luc's file is not in his export: %v", keys(luc))
	}
	// Erasing again is harmless.
	if out, err := runCmd(t, "admin", "erase-person", "p-zoe", "--data", dir); err != nil {
		t.Fatalf("erase again: %v\n%s", err, out)
	}
}

func export(t *testing.T, dir, subject string) map[string]string {
	t.Helper()
	path := filepath.Join(t.TempDir(), subject+".zip")
	if out, err := runCmd(t, "admin", "export-person", subject, "--out", path, "--data", dir); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := map[string]string{}
	for _, f := range zr.File {
		r, _ := f.Open()
		b, _ := io.ReadAll(r)
		r.Close()
		out[f.Name] = string(b)
	}
	return out
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
