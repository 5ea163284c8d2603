package personaldata

import (
	"bytes"
	"context"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/parcours/parcours/eventstore"
)

// Binding is where a sealed part lives; it is the seal's associated data
// (and, in seal v2, the info its key is derived with), so a sealed part
// copied into another event does not open.
type Binding struct {
	Tenant   string
	Stream   string
	EventID  eventstore.EventID
	Revision uint64
}

// Seal versions. Version 1 seals every part of a person under their data
// key; version 2 seals each part under its own key, derived from the
// person's key and the part's binding, so that one part's key can be
// handed over without opening any other part.
const (
	SealV1 = 1
	SealV2 = 2
)

// PartKeySize is the length of a seal v2 part key.
const PartKeySize = 32

// ErrNoPartKey: a version 1 sealed part has no key of its own (only the
// person's key, which opens all their parts, opens it).
var ErrNoPartKey = errors.New("sealed part of version 1 has no part key")

// ad is the associated data of a part sealed in version v for subject:
// a domain label, then tenant, stream and subject (each length-prefixed),
// event ID and revision.
func (b Binding) ad(v int, subject string) []byte {
	label := "parcours.sealed.v1\x00"
	if v == SealV2 {
		label = "parcours.sealed.v2\x00"
	}
	var buf bytes.Buffer
	buf.Grow(len(label) + 12 + len(b.Tenant) + len(b.Stream) + len(subject) + len(b.EventID) + 8)
	buf.WriteString(label)
	for _, s := range []string{b.Tenant, b.Stream, subject} {
		binary.Write(&buf, binary.BigEndian, uint32(len(s)))
		buf.WriteString(s)
	}
	buf.Write(b.EventID[:])
	binary.Write(&buf, binary.BigEndian, b.Revision)
	return buf.Bytes()
}

// derivePartKey is a seal v2 part's key: HKDF-SHA256 of the person's key
// with the part's associated data as info (and no salt: the person's key
// is uniformly random). prk is the HKDF-Extract step of the person's key
// (personKey.prk), which depends on the person only and is kept with the
// key; this is the Expand step.
func derivePartKey(prk, ad []byte) []byte {
	pk, err := hkdf.Expand(sha256.New, prk, string(ad), PartKeySize)
	if err != nil { // only for an output longer than 255 hashes
		panic("personaldata: hkdf: " + err.Error())
	}
	return pk
}

// extractKey is the HKDF-Extract step of a person's key, with no salt.
func extractKey(personKey []byte) []byte {
	prk, err := hkdf.Extract(sha256.New, personKey, nil)
	if err != nil {
		panic("personaldata: hkdf: " + err.Error())
	}
	return prk
}

// Sealed is the "sealed" member of an event's data.
type Sealed struct {
	V       int    `json:"v"`
	Subject string `json:"subject"`
	Box     []byte `json:"box"` // nonce || AES-256-GCM ciphertext, base64 in JSON
}

// SealedMember is the name of the member that holds the sealed part.
const SealedMember = "sealed"

// SetSealVersion chooses the version Seal writes: SealV2, the default, or
// SealV1, for a rolling upgrade during which processes of a release before
// seal v2 (which cannot open version 2 parts) still read the same events,
// and for tests of readers of both versions.
func (k *Keyring) SetSealVersion(v int) error {
	if v != SealV1 && v != SealV2 {
		return fmt.Errorf("seal version %d: %w", v, ErrInvalid)
	}
	k.sealV1.Store(v == SealV1)
	return nil
}

// Seal encrypts personal (a JSON value) for subject, creating their key on
// first use; ErrErased if subject was erased. It writes seal version 2
// (unless SetSealVersion said otherwise): AES-256-GCM under the part's own
// key, derived from the person's key and b, with b as associated data.
func (k *Keyring) Seal(ctx context.Context, b Binding, subject string, personal []byte) (Sealed, error) {
	if !json.Valid(personal) {
		return Sealed{}, fmt.Errorf("seal: personal data is not JSON: %w", ErrInvalid)
	}
	pk, err := k.key(ctx, subject, true)
	if err != nil {
		return Sealed{}, fmt.Errorf("seal: %w", err)
	}
	if k.sealV1.Load() {
		return Sealed{V: SealV1, Subject: subject, Box: seal(pk.aead, personal, b.ad(SealV1, subject))}, nil
	}
	ad := b.ad(SealV2, subject)
	a, err := newAEAD(derivePartKey(pk.prk, ad))
	if err != nil {
		return Sealed{}, fmt.Errorf("seal: %w", err)
	}
	return Sealed{V: SealV2, Subject: subject, Box: seal(a, personal, ad)}, nil
}

// Open decrypts a sealed part (version 1 or 2) bound to b. ErrErased if
// the key is gone.
func (k *Keyring) Open(ctx context.Context, b Binding, s Sealed) ([]byte, error) {
	if s.V != SealV1 && s.V != SealV2 {
		return nil, fmt.Errorf("open: sealed version %d: %w", s.V, ErrInvalid)
	}
	pk, err := k.key(ctx, s.Subject, false)
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	var out []byte
	if s.V == SealV1 {
		out, err = open(pk.aead, s.Box, b.ad(SealV1, s.Subject))
	} else {
		ad := b.ad(SealV2, s.Subject)
		out, err = openPart(derivePartKey(pk.prk, ad), ad, s.Box)
	}
	if err != nil {
		return nil, fmt.Errorf("open sealed part of %s in %s@%d: %w", s.Subject, b.Stream, b.Revision, err)
	}
	return out, nil
}

// PartKey returns the key of a version 2 sealed part bound to b: the
// 32 bytes that open this part, and no other, with OpenWithPartKey. It
// checks that the key opens the part. ErrErased once the person's key is
// gone; ErrNoPartKey for a version 1 part. A part key handed over stays
// valid after the person's erasure: it is a disclosure of that part.
func (k *Keyring) PartKey(ctx context.Context, b Binding, s Sealed) ([]byte, error) {
	switch s.V {
	case SealV2:
	case SealV1:
		return nil, fmt.Errorf("part key of %s in %s@%d: %w", s.Subject, b.Stream, b.Revision, ErrNoPartKey)
	default:
		return nil, fmt.Errorf("part key: sealed version %d: %w", s.V, ErrInvalid)
	}
	pk, err := k.key(ctx, s.Subject, false)
	if err != nil {
		return nil, fmt.Errorf("part key: %w", err)
	}
	ad := b.ad(SealV2, s.Subject)
	key := derivePartKey(pk.prk, ad)
	if _, err := openPart(key, ad, s.Box); err != nil {
		return nil, fmt.Errorf("part key of %s in %s@%d: %w", s.Subject, b.Stream, b.Revision, err)
	}
	return key, nil
}

// OpenWithPartKey opens a version 2 sealed part bound to b with its part
// key (from PartKey), without a key ring: what an offline verifier does.
// It fails (ErrInvalid) for a wrong key, a key of another part, a part
// moved to another binding or altered, and for a version 1 part
// (ErrNoPartKey).
func OpenWithPartKey(partKey []byte, b Binding, s Sealed) ([]byte, error) {
	out, err := openWithPartKey(partKey, b, s)
	if err != nil {
		return nil, fmt.Errorf("open sealed part of %s in %s@%d with its part key: %w", s.Subject, b.Stream, b.Revision, err)
	}
	return out, nil
}

func openWithPartKey(partKey []byte, b Binding, s Sealed) ([]byte, error) {
	switch {
	case s.V == SealV1:
		return nil, ErrNoPartKey
	case s.V != SealV2:
		return nil, fmt.Errorf("sealed version %d: %w", s.V, ErrInvalid)
	case len(partKey) != PartKeySize:
		return nil, fmt.Errorf("part key of %d bytes, want %d: %w", len(partKey), PartKeySize, ErrInvalid)
	}
	return openPart(partKey, b.ad(SealV2, s.Subject), s.Box)
}

// openPart opens a version 2 box with its part key and associated data.
func openPart(partKey, ad, box []byte) ([]byte, error) {
	a, err := newAEAD(partKey)
	if err != nil {
		return nil, fmt.Errorf("%v: %w", err, ErrInvalid)
	}
	return open(a, box, ad)
}

// SealData returns event data made of the clear JSON object with one more
// member, "sealed", holding personal sealed for subject.
func (k *Keyring) SealData(ctx context.Context, b Binding, subject string, clear, personal []byte) ([]byte, error) {
	clear = bytes.TrimSpace(clear)
	var members map[string]json.RawMessage
	if err := json.Unmarshal(clear, &members); err != nil || members == nil { // nil: null
		return nil, fmt.Errorf("seal: clear part is not a JSON object: %w", ErrInvalid)
	}
	if _, taken := members[SealedMember]; taken {
		return nil, fmt.Errorf("seal: clear part already has a %q member: %w", SealedMember, ErrInvalid)
	}
	s, err := k.Seal(ctx, b, subject, personal)
	if err != nil {
		return nil, err
	}
	sj, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	out := make([]byte, 0, len(clear)+len(sj)+12)
	out = append(out, clear[:len(clear)-1]...)
	if len(members) > 0 {
		out = append(out, ',')
	}
	out = append(out, `"`+SealedMember+`":`...)
	out = append(out, sj...)
	return append(out, '}'), nil
}

// Opened is event data split into its parts.
type Opened struct {
	// Subject is the person the sealed part belongs to ("" if none).
	Subject string
	// Personal is the opened personal JSON; nil if there is no sealed part
	// or it was erased.
	Personal []byte
	// Erased is set when the sealed part can no longer be opened because
	// the person's key was destroyed.
	Erased bool
}

// OpenData opens the "sealed" member of event data bound to b, if any. An
// erased person is not an error: Opened.Erased is set. Other failures
// (altered or moved sealed part) are errors.
func (k *Keyring) OpenData(ctx context.Context, b Binding, data []byte) (Opened, error) {
	var env struct {
		Sealed *Sealed `json:"sealed"`
	}
	if err := json.Unmarshal(data, &env); err != nil || env.Sealed == nil {
		return Opened{}, nil // not an object, or nothing sealed
	}
	out := Opened{Subject: env.Sealed.Subject}
	p, err := k.Open(ctx, b, *env.Sealed)
	switch {
	case errors.Is(err, ErrErased):
		out.Erased = true
		return out, nil
	case err != nil:
		return out, err
	}
	out.Personal = p
	return out, nil
}

// BindingOf returns the binding of a stored event, with tenant from its
// metadata.
func BindingOf(e eventstore.Event) Binding {
	var m struct {
		Tenant string `json:"tenant"`
	}
	_ = json.Unmarshal(e.Metadata, &m)
	return Binding{Tenant: m.Tenant, Stream: e.Stream, EventID: e.ID, Revision: e.Revision}
}
