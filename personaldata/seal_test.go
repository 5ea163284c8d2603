package personaldata_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/personaldata"
)

func newRing(t testing.TB) (*personaldata.Keyring, *personaldata.Files, string) {
	t.Helper()
	dir := t.TempDir()
	master, err := personaldata.LoadMasterKey("", dir)
	if err != nil {
		t.Fatal(err)
	}
	ring, err := personaldata.NewKeyring(sqliteKeys(t, dir), master)
	if err != nil {
		t.Fatal(err)
	}
	files, err := personaldata.NewFiles(filepath.Join(dir, "files"), ring)
	if err != nil {
		t.Fatal(err)
	}
	return ring, files, dir
}

func binding(rev uint64) personaldata.Binding {
	return personaldata.Binding{Tenant: "structure-1", Stream: "portfolio-1", EventID: eventstore.NewEventID(), Revision: rev}
}

func TestSealData(t *testing.T) {
	ring, _, _ := newRing(t)
	ctx := context.Background()
	b := binding(3)
	personal := []byte(`{"name":"Zoé Martin","note":"a parlé de sa santé"}`)
	for _, clear := range []string{`{"experience_id":"e1","from":"2024-01-01"}`, `{}`, " {\"a\" : 1}\n"} {
		data, err := ring.SealData(ctx, b, "person-1", []byte(clear), personal)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte("Zoé")) || bytes.Contains(data, []byte("santé")) {
			t.Fatalf("personal text in clear: %s", data)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("sealed data is not JSON: %s", data)
		}
		if clear != `{}` && !strings.Contains(string(data), strings.TrimSuffix(strings.TrimSpace(clear), "}")) {
			t.Fatalf("clear part changed: %s", data)
		}
		o, err := ring.OpenData(ctx, b, data)
		if err != nil || o.Erased || o.Subject != "person-1" || !bytes.Equal(o.Personal, personal) {
			t.Fatalf("open: %+v %v", o, err)
		}
	}
	data, _ := ring.SealData(ctx, b, "person-1", []byte(`{"x":1}`), personal)
	// Moved to another event, stream, revision or tenant: does not open.
	moved := []personaldata.Binding{b, b, b, b}
	moved[0].EventID = eventstore.NewEventID()
	moved[1].Stream = "portfolio-2"
	moved[2].Revision = 4
	moved[3].Tenant = "structure-2"
	for i, m := range moved {
		if _, err := ring.OpenData(ctx, m, data); !errors.Is(err, personaldata.ErrInvalid) {
			t.Errorf("moved sealed part %d opened: %v", i, err)
		}
	}
	// Another person's name on the seal: does not open.
	swapped := bytes.Replace(data, []byte(`"subject":"person-1"`), []byte(`"subject":"person-2"`), 1)
	ring.SealData(ctx, b, "person-2", []byte(`{}`), []byte(`{}`))
	if _, err := ring.OpenData(ctx, b, swapped); err == nil {
		t.Error("sealed part with another subject opened")
	}
	// Refusals.
	if _, err := ring.SealData(ctx, b, "person-1", []byte(`{"sealed":1}`), personal); !errors.Is(err, personaldata.ErrInvalid) {
		t.Errorf("clear part with a sealed member: %v", err)
	}
	for _, clear := range []string{`[1]`, `null`, ` null `, `"x"`, `{}x`, ``} {
		if _, err := ring.SealData(ctx, b, "person-1", []byte(clear), personal); !errors.Is(err, personaldata.ErrInvalid) {
			t.Errorf("clear part %q not an object: %v", clear, err)
		}
	}
	if _, err := ring.SealData(ctx, b, "", []byte(`{}`), personal); !errors.Is(err, personaldata.ErrInvalid) {
		t.Errorf("empty subject: %v", err)
	}
	// Data with nothing sealed opens as nothing.
	if o, err := ring.OpenData(ctx, b, []byte(`{"a":1}`)); err != nil || o.Subject != "" || o.Personal != nil {
		t.Errorf("plain data: %+v %v", o, err)
	}
}

func TestErasure(t *testing.T) {
	ring, files, _ := newRing(t)
	ctx := context.Background()
	b := binding(0)
	data, err := ring.SealData(ctx, b, "person-1", []byte(`{}`), []byte(`{"name":"Zoé"}`))
	if err != nil {
		t.Fatal(err)
	}
	other, _ := ring.SealData(ctx, b, "person-2", []byte(`{}`), []byte(`{"name":"Luc"}`))
	ref, err := files.Put(ctx, "person-1", strings.NewReader("bulletin de salaire"), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := personaldata.ErasePerson(ctx, ring, files, "person-1")
	if err != nil || rep.Files != 1 {
		t.Fatalf("erase: %+v %v", rep, err)
	}
	o, err := ring.OpenData(ctx, b, data)
	if err != nil || !o.Erased || o.Personal != nil || o.Subject != "person-1" {
		t.Fatalf("an erased person's data: %+v %v", o, err)
	}
	if o, err := ring.OpenData(ctx, b, other); err != nil || string(o.Personal) != `{"name":"Luc"}` {
		t.Fatalf("another person's data after erasure: %+v %v", o, err)
	}
	if _, err := ring.SealData(ctx, b, "person-1", []byte(`{}`), []byte(`{}`)); !errors.Is(err, personaldata.ErrErased) {
		t.Fatalf("sealing for an erased person: %v", err)
	}
	if _, _, err := files.Open(ctx, ref.ID); !errors.Is(err, personaldata.ErrErased) {
		t.Fatalf("opening an erased person's file: %v", err)
	}
}

func TestFiles(t *testing.T) {
	_, files, dir := newRing(t)
	ctx := context.Background()
	content := bytes.Repeat([]byte("attestation de stage — "), 10000) // several 64 KiB packages
	ref, err := files.Put(ctx, "person-1", bytes.NewReader(content), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if ref.Size != int64(len(content)) || len(ref.ID) != 64 {
		t.Fatalf("ref %+v", ref)
	}
	r, owner, err := files.Open(ctx, ref.ID)
	if err != nil || owner != "person-1" {
		t.Fatal(owner, err)
	}
	got, err := io.ReadAll(r)
	r.Close()
	if err != nil || !bytes.Equal(got, content) {
		t.Fatalf("read back %d bytes, %v", len(got), err)
	}
	// Stored encrypted: the plaintext is nowhere under the directory.
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			b, _ := os.ReadFile(p)
			if bytes.Contains(b, []byte("attestation de stage")) {
				t.Errorf("plaintext found in %s", p)
			}
		}
		return nil
	})
	// Too large: refused, nothing kept.
	if _, err := files.Put(ctx, "person-1", bytes.NewReader(content), 1000); !errors.Is(err, personaldata.ErrFileTooLarge) {
		t.Fatalf("oversized file: %v", err)
	}
	if left, _ := os.ReadDir(filepath.Join(dir, "files", "tmp")); len(left) != 0 {
		t.Fatalf("refused upload left %d temporary files", len(left))
	}
	// A flipped byte in the stored file fails the read.
	path := filepath.Join(dir, "files", ref.ID[:2], ref.ID)
	b, _ := os.ReadFile(path)
	b[len(b)/2] ^= 1
	os.WriteFile(path, b, 0o600)
	r, _, err = files.Open(ctx, ref.ID)
	if err == nil {
		_, err = io.ReadAll(r)
		r.Close()
	}
	if err == nil {
		t.Fatal("altered file read without error")
	}
	if _, _, err := files.Open(ctx, "../../etc/passwd"); !errors.Is(err, personaldata.ErrInvalid) {
		t.Fatalf("path in file id: %v", err)
	}
}
