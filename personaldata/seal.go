package personaldata

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/parcours/parcours/eventstore"
)

// Binding is where a sealed part lives; it is the seal's associated data,
// so a sealed part copied into another event does not open.
type Binding struct {
	Tenant   string
	Stream   string
	EventID  eventstore.EventID
	Revision uint64
}

func (b Binding) ad(subject string) []byte {
	var buf bytes.Buffer
	buf.WriteString("parcours.sealed.v1\x00")
	for _, s := range []string{b.Tenant, b.Stream, subject} {
		binary.Write(&buf, binary.BigEndian, uint32(len(s)))
		buf.WriteString(s)
	}
	buf.Write(b.EventID[:])
	binary.Write(&buf, binary.BigEndian, b.Revision)
	return buf.Bytes()
}

// Sealed is the "sealed" member of an event's data.
type Sealed struct {
	V       int    `json:"v"`
	Subject string `json:"subject"`
	Box     []byte `json:"box"` // nonce || AES-256-GCM ciphertext, base64 in JSON
}

// SealedMember is the name of the member that holds the sealed part.
const SealedMember = "sealed"

// Seal encrypts personal (a JSON value) with subject's key, creating the
// key on first use; ErrErased if subject was erased.
func (k *Keyring) Seal(ctx context.Context, b Binding, subject string, personal []byte) (Sealed, error) {
	if !json.Valid(personal) {
		return Sealed{}, fmt.Errorf("seal: personal data is not JSON: %w", ErrInvalid)
	}
	a, err := k.key(ctx, subject, true)
	if err != nil {
		return Sealed{}, fmt.Errorf("seal: %w", err)
	}
	return Sealed{V: 1, Subject: subject, Box: seal(a, personal, b.ad(subject))}, nil
}

// Open decrypts a sealed part bound to b. ErrErased if the key is gone.
func (k *Keyring) Open(ctx context.Context, b Binding, s Sealed) ([]byte, error) {
	if s.V != 1 {
		return nil, fmt.Errorf("open: sealed version %d: %w", s.V, ErrInvalid)
	}
	a, err := k.key(ctx, s.Subject, false)
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	out, err := open(a, s.Box, b.ad(s.Subject))
	if err != nil {
		return nil, fmt.Errorf("open sealed part of %s in %s@%d: %w", s.Subject, b.Stream, b.Revision, err)
	}
	return out, nil
}

// SealData returns event data made of the clear JSON object with one more
// member, "sealed", holding personal sealed for subject.
func (k *Keyring) SealData(ctx context.Context, b Binding, subject string, clear, personal []byte) ([]byte, error) {
	clear = bytes.TrimSpace(clear)
	var members map[string]json.RawMessage
	if err := json.Unmarshal(clear, &members); err != nil {
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
