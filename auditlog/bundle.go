package auditlog

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/parcours/parcours/eventstore"
	"golang.org/x/mod/sumdb/tlog"
)

// The entries of an evidence bundle (a zip file). See the package doc for
// what each one is for and how `parcours verify BUNDLE.zip` checks it.
const (
	BundleFormat = "parcours.bundle.v1"

	entryReadme     = "LISEZMOI-README.txt"
	entryManifest   = "manifest.json"
	entryManifestSg = "manifest.sig"
	entryEvents     = "events.jsonl"
	entryProofs     = "proofs.json"
	entryCheckpoint = "checkpoint.txt"
	entryPublicKey  = "public-key.txt"
	entryDisclosure = "disclosure.json"
	entryDossier    = "dossier.json"
	entryDossierHTM = "dossier.html"
	filesDir        = "files/"
)

// bundleStatement is the first line of the note that signs a manifest;
// it has spaces, so no checkpoint (whose origin has none) reads as one.
const bundleStatement = "parcours bundle v1"

// manifest lists every other entry of the bundle with its SHA-256; its
// own hash is signed by the log's key (manifest.sig).
type manifest struct {
	Format      string          `json:"format"`
	Origin      string          `json:"origin"`
	PortfolioID string          `json:"portfolio_id"`
	DossierID   string          `json:"dossier_id"`
	Stream      string          `json:"stream"`
	Events      int             `json:"events"`
	HeadHash    string          `json:"head_hash"` // the last event of the stream in the bundle
	TreeSize    int64           `json:"tree_size"`
	CreatedAt   time.Time       `json:"created_at"`
	Entries     []manifestEntry `json:"entries"`
}

type manifestEntry struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// eventRecord is one line of events.jsonl: a stored event with data and
// metadata as the exact stored bytes (base64), and its leaf in the log.
type eventRecord struct {
	LeafIndex     int64  `json:"leaf_index"`
	Stream        string `json:"stream"`
	Revision      uint64 `json:"revision"`
	ID            string `json:"id"`
	Type          string `json:"type"`
	SchemaVersion uint32 `json:"schema_version"`
	Data          []byte `json:"data"`
	Metadata      []byte `json:"metadata"`
	PrevHash      string `json:"prev_hash"`
	Hash          string `json:"hash"`
}

func recordOf(e eventstore.Event, leaf int64) eventRecord {
	return eventRecord{LeafIndex: leaf, Stream: e.Stream, Revision: e.Revision, ID: e.ID.String(), Type: e.Type,
		SchemaVersion: e.SchemaVersion, Data: e.Data, Metadata: e.Metadata, PrevHash: e.PrevHash.String(), Hash: e.Hash.String()}
}

func (r eventRecord) event() (eventstore.Event, error) {
	e := eventstore.Event{Stream: r.Stream, Revision: r.Revision, Type: r.Type, SchemaVersion: r.SchemaVersion, Data: r.Data, Metadata: r.Metadata}
	var err error
	if e.ID, err = eventstore.ParseEventID(r.ID); err != nil {
		return e, err
	}
	if e.PrevHash, err = eventstore.ParseHash(r.PrevHash); err != nil {
		return e, err
	}
	if e.Hash, err = eventstore.ParseHash(r.Hash); err != nil {
		return e, err
	}
	if e.ID.String() != r.ID || e.PrevHash.String() != r.PrevHash || e.Hash.String() != r.Hash {
		return e, fmt.Errorf("event %s: IDs and hashes must be lower-case: %w", r.ID, errNotCanonical)
	}
	if e.Data == nil {
		e.Data = []byte{}
	}
	return e, nil
}

// proofsDoc is proofs.json.
type proofsDoc struct {
	TreeSize int64 `json:"tree_size"`
	// Inclusion has one proof per line of events.jsonl, in the same order.
	Inclusion []leafProof `json:"inclusion"`
	Anchor    anchorDoc   `json:"anchor"`
}

type leafProof struct {
	EventID   string      `json:"event_id"`
	LeafIndex int64       `json:"leaf_index"`
	Proof     []tlog.Hash `json:"proof"`
}

// anchorDoc proves the submission was in the first checkpoint that
// covered it, and that the bundle's tree extends that checkpoint's.
type anchorDoc struct {
	EventID     string      `json:"event_id"`
	LeafIndex   int64       `json:"leaf_index"`
	Checkpoint  string      `json:"checkpoint"`  // the signed note
	Inclusion   []tlog.Hash `json:"inclusion"`   // the submission in the anchor's tree
	Consistency []tlog.Hash `json:"consistency"` // the anchor's tree in the bundle's
}

// disclosureDoc is disclosure.json: the opened personal parts of exactly
// the events the dossier refers to, each with its part key when it was
// sealed in version 2 (no person's key, ever).
type disclosureDoc struct {
	Subject string          `json:"subject"`
	Parts   []disclosedPart `json:"parts"`
}

type disclosedPart struct {
	EventID  string `json:"event_id"`
	Revision uint64 `json:"revision"`
	Type     string `json:"type"`
	Erased   bool   `json:"erased,omitempty"`
	// PartKey opens this event's sealed part, and no other
	// (personaldata.OpenWithPartKey); absent for a part sealed in version
	// 1, which has none, and for an erased part.
	PartKey  []byte          `json:"part_key,omitempty"`
	Personal json.RawMessage `json:"personal,omitempty"`
}

// errNotCanonical: a JSON entry that decodes but is not byte for byte the
// form the builder writes (extra members, other spacing or escapes,
// upper-case hex, non-canonical base64): refused, so that one bundle
// has one reading.
var errNotCanonical = errors.New("not in canonical form")

// decodeCanonical decodes b into v and checks that encoding v again gives
// b exactly.
func decodeCanonical(b []byte, v any) error {
	if err := json.Unmarshal(b, v); err != nil {
		return err
	}
	again, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if !bytes.Equal(again, b) {
		return errNotCanonical
	}
	return nil
}

// decodeEvents reads events.jsonl: canonical lines, each ending in "\n".
func decodeEvents(b []byte) ([]eventRecord, error) {
	if len(b) == 0 || b[len(b)-1] != '\n' {
		return nil, errors.New("events.jsonl must be lines ending in a newline")
	}
	var out []eventRecord
	for i, line := range bytes.Split(b[:len(b)-1], []byte("\n")) {
		var r eventRecord
		if err := decodeCanonical(line, &r); err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
		out = append(out, r)
	}
	return out, nil
}

func encodeEvents(records []eventRecord) ([]byte, error) {
	var buf bytes.Buffer
	for _, r := range records {
		b, err := json.Marshal(r)
		if err != nil {
			return nil, err
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	return buf.Bytes(), nil
}

func sha256Hex(sum [32]byte) string { return hex.EncodeToString(sum[:]) }
