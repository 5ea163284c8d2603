package badges

import (
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// StatusListSize is the number of entries of a structure's status list:
// the specification's minimum (16 KiB of bits), so that one credential's
// index says little about who holds it.
const StatusListSize = 131072

// Bitstring is a status list: bit i set means the credential at index i
// is revoked. Bit 0 is the most significant bit of the first byte, as the
// specification orders them.
type Bitstring []byte

// NewBitstring is an empty list of StatusListSize entries.
func NewBitstring() Bitstring { return make(Bitstring, StatusListSize/8) }

// Set marks index i.
func (b Bitstring) Set(i int) { b[i/8] |= 0x80 >> (i % 8) }

// Get reports whether index i is marked; an index past the list is not.
func (b Bitstring) Get(i int) bool {
	return i >= 0 && i/8 < len(b) && b[i/8]&(0x80>>(i%8)) != 0
}

// Encode is the list's encodedList: multibase base64url without padding
// ('u') of the GZIP-compressed bits.
func (b Bitstring) Encode() string {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(b)
	w.Close()
	return "u" + base64.RawURLEncoding.EncodeToString(buf.Bytes())
}

// DecodeBitstring reads an encodedList. A list shorter than the
// specification's minimum, or one that inflates past 16 MiB, is refused.
func DecodeBitstring(s string) (Bitstring, error) {
	rest, ok := strings.CutPrefix(s, "u")
	if !ok {
		return nil, fmt.Errorf("encodedList must be multibase base64url ('u'): %w", ErrMalformed)
	}
	z, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil {
		return nil, fmt.Errorf("encodedList: %w: %w", ErrMalformed, err)
	}
	r, err := gzip.NewReader(bytes.NewReader(z))
	if err != nil {
		return nil, fmt.Errorf("encodedList: %w: %w", ErrMalformed, err)
	}
	const limit = 16 << 20
	bits, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("encodedList: %w: %w", ErrMalformed, err)
	}
	if len(bits) > limit || len(bits) < StatusListSize/8 {
		return nil, fmt.Errorf("encodedList holds %d bytes: %w", len(bits), ErrMalformed)
	}
	return Bitstring(bits), nil
}

// StatusList is the facts of a structure's revocation list.
type StatusList struct {
	URL       string // where it is served, and its credential's id
	IssuerURL string // the issuer profile
	Bits      Bitstring
	Updated   time.Time // the last change, its credential's validFrom
}

type statusListCredential struct {
	Context           []string          `json:"@context"`
	ID                string            `json:"id"`
	Type              []string          `json:"type"`
	Issuer            string            `json:"issuer"`
	ValidFrom         string            `json:"validFrom"`
	CredentialSubject statusListSubject `json:"credentialSubject"`
	Proof             *Proof            `json:"proof,omitempty"`
}

type statusListSubject struct {
	ID            string `json:"id"`
	Type          string `json:"type"`
	StatusPurpose string `json:"statusPurpose"`
	EncodedList   string `json:"encodedList"`
}

// Credential is the list as a BitstringStatusListCredential signed by key.
func (l StatusList) Credential(key ed25519.PrivateKey) ([]byte, error) {
	c := statusListCredential{
		Context: []string{ContextVC2},
		ID:      l.URL, Type: []string{"VerifiableCredential", "BitstringStatusListCredential"},
		Issuer: l.IssuerURL, ValidFrom: l.Updated.UTC().Format(time.RFC3339),
		CredentialSubject: statusListSubject{
			ID: l.URL + "#list", Type: "BitstringStatusList",
			StatusPurpose: "revocation", EncodedList: l.Bits.Encode(),
		},
	}
	return secure(&c, &c.Proof, key, l.Updated)
}

// ReadStatusList verifies a BitstringStatusListCredential and returns its
// list and the key that signed it.
func ReadStatusList(raw []byte) (StatusList, ed25519.PublicKey, error) {
	keys, err := VerifyProofs(raw)
	if err != nil {
		return StatusList{}, nil, fmt.Errorf("status list: %w", err)
	}
	var c statusListCredential
	if err := json.Unmarshal(raw, &c); err != nil {
		return StatusList{}, nil, fmt.Errorf("status list: %w: %w", ErrMalformed, err)
	}
	if c.CredentialSubject.Type != "BitstringStatusList" || c.CredentialSubject.StatusPurpose != "revocation" {
		return StatusList{}, nil, fmt.Errorf("status list: not a revocation BitstringStatusList: %w", ErrMalformed)
	}
	bits, err := DecodeBitstring(c.CredentialSubject.EncodedList)
	if err != nil {
		return StatusList{}, nil, fmt.Errorf("status list: %w", err)
	}
	updated, _ := time.Parse(time.RFC3339, c.ValidFrom)
	return StatusList{URL: c.ID, IssuerURL: c.Issuer, Bits: bits, Updated: updated}, keys[0], nil
}

// secure encodes doc, signs it and encodes it again with its proof set
// through proof.
func secure[T any](doc *T, proof **Proof, key ed25519.PrivateKey, created time.Time) ([]byte, error) {
	unsigned, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	p, err := Sign(unsigned, key, created)
	if err != nil {
		return nil, err
	}
	*proof = &p
	return json.MarshalIndent(doc, "", "  ")
}
