package auditlog

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Checkpoint is a tree head in the C2SP tlog-checkpoint form:
//
//	<origin>
//	<tree size, decimal>
//	<root hash, base64>
//	parcours-time <when it was signed, RFC 3339 UTC>
//
// signed as a note (golang.org/x/mod/sumdb/note, Ed25519) by the log's key,
// whose name is the origin. The fourth line is an extension line of the
// format: the signer states when it saw the tree, so a checkpoint that
// covers an event dates it ("existed no later than").
type Checkpoint struct {
	Origin string
	Size   int64
	Root   tlog.Hash
	Time   time.Time // zero when the line is absent
}

const timeExtension = "parcours-time "

// emptyRoot is the root of the empty tree: SHA-256 of nothing (RFC 6962).
var emptyRoot = tlog.Hash(sha256.Sum256(nil))

// Text returns the checkpoint's note text (ending in a newline).
func (c Checkpoint) Text() string {
	var b strings.Builder
	b.WriteString(c.Origin + "\n")
	b.WriteString(strconv.FormatInt(c.Size, 10) + "\n")
	b.WriteString(base64.StdEncoding.EncodeToString(c.Root[:]) + "\n")
	if !c.Time.IsZero() {
		b.WriteString(timeExtension + c.Time.UTC().Format(time.RFC3339) + "\n")
	}
	return b.String()
}

// ErrBadCheckpoint: a checkpoint that does not parse, is not in canonical
// form, or whose signature does not verify against the expected key.
var ErrBadCheckpoint = errors.New("bad checkpoint")

// ParseCheckpoint parses a checkpoint's note text. It accepts only the
// canonical form Text writes (decimal without leading zeros, padded
// base64, at most one time line), so one tree head has one text.
func ParseCheckpoint(text string) (Checkpoint, error) {
	bad := func(why string) (Checkpoint, error) {
		return Checkpoint{}, fmt.Errorf("%w: %s", ErrBadCheckpoint, why)
	}
	if !strings.HasSuffix(text, "\n") {
		return bad("text does not end with a newline")
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) < 3 || len(lines) > 4 {
		return bad(fmt.Sprintf("%d lines, want 3 or 4", len(lines)))
	}
	c := Checkpoint{Origin: lines[0]}
	if ValidateOrigin(c.Origin) != nil {
		return bad("origin line is not a log name")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return bad("tree size is not a canonical decimal")
	}
	c.Size = size
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != tlog.HashSize || base64.StdEncoding.EncodeToString(root) != lines[2] {
		return bad("root hash is not 32 bytes of canonical base64")
	}
	copy(c.Root[:], root)
	if len(lines) == 4 {
		v, ok := strings.CutPrefix(lines[3], timeExtension)
		t, err := time.Parse(time.RFC3339, v)
		if !ok || err != nil || t.UTC().Format(time.RFC3339) != v {
			return bad("unknown extension line")
		}
		c.Time = t.UTC()
	}
	return c, nil
}

// OpenCheckpoint verifies a signed checkpoint with the log's verifier key
// and parses it. The origin line must be the key's name. Errors match
// ErrBadCheckpoint.
func OpenCheckpoint(signed []byte, v note.Verifier) (Checkpoint, error) {
	n, err := openNote(signed, v)
	if err != nil {
		return Checkpoint{}, fmt.Errorf("%w: signature does not verify with key %s: %v", ErrBadCheckpoint, v.Name(), err)
	}
	c, err := ParseCheckpoint(n.Text)
	if err != nil {
		return Checkpoint{}, err
	}
	if c.Origin != v.Name() {
		return Checkpoint{}, fmt.Errorf("%w: origin %q is not the key's name %q", ErrBadCheckpoint, c.Origin, v.Name())
	}
	return c, nil
}

// openNote opens a note signed by v alone, refusing any other signature
// and signatures in non-canonical base64 (whose unused bits could be
// altered without breaking them): one signed text, one encoding.
func openNote(signed []byte, v note.Verifier) (*note.Note, error) {
	n, err := note.Open(signed, note.VerifierList(v))
	if err != nil {
		return nil, err
	}
	if len(n.Sigs) != 1 || len(n.UnverifiedSigs) != 0 {
		return nil, errors.New("want exactly one signature, by the log's key")
	}
	if _, err := base64.StdEncoding.Strict().DecodeString(n.Sigs[0].Base64); err != nil {
		return nil, errors.New("signature not in canonical base64")
	}
	return n, nil
}

// NewVerifier parses a public key as /v1/audit/public-key serves it.
func NewVerifier(vkey string) (note.Verifier, error) {
	v, err := note.NewVerifier(strings.TrimSpace(vkey))
	if err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	return v, nil
}

// VerifyInclusion checks that proof shows the event whose hash is
// eventHash at leaf index in the tree of checkpoint c.
func VerifyInclusion(c Checkpoint, index int64, eventHash [32]byte, proof []tlog.Hash) error {
	if index < 0 || index >= c.Size {
		return fmt.Errorf("leaf %d is outside a tree of size %d", index, c.Size)
	}
	if err := tlog.CheckRecord(proof, c.Size, c.Root, index, tlog.RecordHash(eventHash[:])); err != nil {
		return fmt.Errorf("inclusion of leaf %d in tree %d: %w", index, c.Size, err)
	}
	return nil
}

// VerifyConsistency checks that proof shows the tree of old is a prefix of
// the tree of new: the log only grew between them.
func VerifyConsistency(old, new Checkpoint, proof []tlog.Hash) error {
	switch {
	case old.Size > new.Size:
		return fmt.Errorf("tree shrank from %d to %d", old.Size, new.Size)
	case old.Size == new.Size:
		if old.Root != new.Root || len(proof) != 0 {
			return fmt.Errorf("two different trees of size %d: the log forked", old.Size)
		}
		return nil
	case old.Size == 0:
		if old.Root != emptyRoot || len(proof) != 0 {
			return errors.New("a tree of size 0 must have the empty root and an empty proof")
		}
		return nil // the empty tree is a prefix of every tree
	}
	if err := tlog.CheckTree(proof, new.Size, new.Root, old.Size, old.Root); err != nil {
		return fmt.Errorf("tree %d is not a prefix of tree %d: %w", old.Size, new.Size, err)
	}
	return nil
}
