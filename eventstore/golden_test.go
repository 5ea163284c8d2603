package eventstore_test

import (
	"crypto/sha256"
	"encoding/binary"
	"github.com/parcours/parcours/eventstore"
	"os"
	"strings"
	"testing"
)

// goldenHash reads testdata/hash-layout.golden: the two hashes that
// TestHashLayout computes, one per line.
func goldenHash(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("testdata/hash-layout.golden")
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(string(b))
}

// TestHashMatchesDocumentedLayout rebuilds the hashed bytes by hand from the
// layout in the package doc, as an auditor's tool would.
func TestHashMatchesDocumentedLayout(t *testing.T) {
	id, _ := eventstore.ParseEventID("0190f5b2-8c1e-4a7b-9d3e-5f6a7b8c9d0e")
	e := eventstore.Proposed{ID: id, Type: "ExperienceAdded", SchemaVersion: 1, Data: []byte(`{"a":1}`), Metadata: []byte(`{"actor":"p1"}`)}
	prev := eventstore.Hash{9, 8, 7}
	var buf []byte
	u64 := func(v uint64) { buf = binary.BigEndian.AppendUint64(buf, v) }
	field := func(b []byte) { u64(uint64(len(b))); buf = append(buf, b...) }
	buf = append(buf, "parcours.event.v1\n"...)
	field([]byte("portfolio-1"))
	u64(42)
	buf = append(buf, id[:]...)
	field([]byte(e.Type))
	u64(1)
	field(e.Data)
	field(e.Metadata)
	buf = append(buf, prev[:]...)
	if got, want := eventstore.ComputeHash("portfolio-1", 42, e, prev), eventstore.Hash(sha256.Sum256(buf)); got != want {
		t.Fatalf("ComputeHash %s, documented layout gives %s", got, want)
	}
}
