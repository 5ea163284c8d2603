package auditlog_test

import (
	"archive/zip"
	"bytes"
	"maps"
	"testing"

	"github.com/parcours/parcours/auditlog"
)

// FuzzVerifyBundle feeds altered zips to the bundle reader and verifier:
// they must never panic, must keep within their limits, and whatever
// verifies must hold exactly the honest bundle's content.
//
//	go test -run '^$' -fuzz FuzzVerifyBundle -fuzztime 30s ./auditlog/
func FuzzVerifyBundle(f *testing.F) {
	w := newWorld(f, auditlog.Config{})
	s := w.seed(1)
	raw := w.bundle(s)
	key := w.log.PublicKey()
	honest, err := auditlog.ReadBundle(bytes.NewReader(raw), int64(len(raw)), auditlog.ReadLimits{})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw)
	f.Add(storedZip(f, raw)) // uncompressed: mutations reach the documents' bytes
	f.Add([]byte("PK\x05\x06" + string(make([]byte, 18))))
	f.Add([]byte{})
	limits := auditlog.ReadLimits{MaxEntries: 64, MaxDocBytes: 1 << 20, MaxFileBytes: 1 << 20}
	f.Fuzz(func(t *testing.T, b []byte) {
		bundle, err := auditlog.ReadBundle(bytes.NewReader(b), int64(len(b)), limits)
		if err != nil {
			return
		}
		if len(bundle.Names) > limits.MaxEntries {
			t.Fatalf("%d entries read, limit %d", len(bundle.Names), limits.MaxEntries)
		}
		rep := bundle.Verify(auditlog.VerifyOptions{PublicKey: key})
		if !rep.OK() {
			return
		}
		if !maps.EqualFunc(bundle.Docs, honest.Docs, bytes.Equal) || !maps.Equal(bundle.Files, honest.Files) {
			t.Fatalf("an altered bundle verifies: %v", bundle.Names)
		}
	})
}

// storedZip rewrites a zip with every entry stored, not compressed.
func storedZip(f *testing.F, b []byte) []byte {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		f.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range zr.File {
		rc, _ := e.Open()
		out, _ := zw.CreateHeader(&zip.FileHeader{Name: e.Name, Method: zip.Store})
		var body bytes.Buffer
		body.ReadFrom(rc)
		rc.Close()
		out.Write(body.Bytes())
	}
	zw.Close()
	return buf.Bytes()
}
