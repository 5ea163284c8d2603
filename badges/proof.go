package badges

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/gowebpki/jcs"
)

// ErrBadProof: the proof does not verify — the document or the proof was
// altered, or it was signed by another key.
var ErrBadProof = errors.New("proof does not verify")

// Cryptosuite is the only suite this package signs and verifies with.
const Cryptosuite = "eddsa-jcs-2022"

// Proof is a DataIntegrityProof as the eddsa-jcs-2022 suite writes it.
// Context is the secured document's @context, copied into the proof as
// the suite says when the document has one.
type Proof struct {
	Type               string          `json:"type"`
	Cryptosuite        string          `json:"cryptosuite"`
	Created            string          `json:"created,omitempty"`
	VerificationMethod string          `json:"verificationMethod"`
	ProofPurpose       string          `json:"proofPurpose"`
	Context            json.RawMessage `json:"@context,omitempty"`
	ProofValue         string          `json:"proofValue,omitempty"`
}

// Sign secures doc (a JSON object without a proof) with key: it returns
// the proof that eddsa-jcs-2022 computes, created at created.
func Sign(doc []byte, key ed25519.PrivateKey, created time.Time) (Proof, error) {
	fields, err := objectFields(doc)
	if err != nil {
		return Proof{}, err
	}
	if _, ok := fields["proof"]; ok {
		return Proof{}, fmt.Errorf("document already has a proof: %w", ErrMalformed)
	}
	p := Proof{
		Type: "DataIntegrityProof", Cryptosuite: Cryptosuite,
		Created:            created.UTC().Format(time.RFC3339),
		VerificationMethod: KeyID(key.Public().(ed25519.PublicKey)),
		ProofPurpose:       "assertionMethod",
		Context:            fields["@context"],
	}
	data, err := hashData(p, fields)
	if err != nil {
		return Proof{}, err
	}
	p.ProofValue = multibaseBase58(ed25519.Sign(key, data))
	return p, nil
}

// hashData is SHA-256(JCS(proof options)) || SHA-256(JCS(document)), the
// bytes the suite signs; options is the proof without its proofValue.
func hashData(options any, unsecured map[string]json.RawMessage) ([]byte, error) {
	opts, err := canonical(options)
	if err != nil {
		return nil, err
	}
	doc, err := canonical(unsecured)
	if err != nil {
		return nil, err
	}
	h1, h2 := sha256.Sum256(opts), sha256.Sum256(doc)
	return append(h1[:], h2[:]...), nil
}

// canonical is the RFC 8785 (JCS) form of v.
func canonical(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	c, err := jcs.Transform(b)
	if err != nil {
		return nil, fmt.Errorf("canonicalize: %w: %w", ErrMalformed, err)
	}
	return c, nil
}

// objectFields reads a JSON object's members, refusing anything else and
// duplicate names (which would let two readers see two documents).
func objectFields(doc []byte) (map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("document must be a JSON object: %w", ErrMalformed)
	}
	fields := map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("document: %w: %w", ErrMalformed, err)
		}
		name := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("document member %q: %w: %w", name, ErrMalformed, err)
		}
		if _, dup := fields[name]; dup {
			return nil, fmt.Errorf("document member %q appears twice: %w", name, ErrMalformed)
		}
		fields[name] = v
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("document: %w: %w", ErrMalformed, err)
	}
	if dec.More() || dec.InputOffset() != int64(len(bytes.TrimRight(doc, " \t\r\n"))) {
		return nil, fmt.Errorf("document: data after the object: %w", ErrMalformed)
	}
	return fields, nil
}

// VerifyProofs checks every eddsa-jcs-2022 proof of the secured document
// doc (its "proof" an object or an array, a proof set) and returns the
// keys that signed it. A document without a proof, a proof of another
// suite or purpose, or one that does not verify is refused.
func VerifyProofs(doc []byte) ([]ed25519.PublicKey, error) {
	fields, err := objectFields(doc)
	if err != nil {
		return nil, err
	}
	raw, ok := fields["proof"]
	if !ok {
		return nil, fmt.Errorf("no proof: %w", ErrBadProof)
	}
	delete(fields, "proof")
	var proofs []json.RawMessage
	if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("[")) {
		err = json.Unmarshal(raw, &proofs)
	} else {
		proofs = []json.RawMessage{raw}
	}
	if err != nil || len(proofs) == 0 {
		return nil, fmt.Errorf("proof: %w", ErrMalformed)
	}
	keys := make([]ed25519.PublicKey, 0, len(proofs))
	for _, p := range proofs {
		k, err := verifyProof(p, fields)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, nil
}

func verifyProof(raw json.RawMessage, unsecured map[string]json.RawMessage) (ed25519.PublicKey, error) {
	options, err := objectFields(raw)
	if err != nil {
		return nil, fmt.Errorf("proof: %w", err)
	}
	var p Proof
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, fmt.Errorf("proof: %w: %w", ErrMalformed, err)
	}
	delete(options, "proofValue")
	if p.Type != "DataIntegrityProof" || p.Cryptosuite != Cryptosuite {
		return nil, fmt.Errorf("proof type %q, cryptosuite %q: only DataIntegrityProof with %s is accepted: %w", p.Type, p.Cryptosuite, Cryptosuite, ErrBadProof)
	}
	if p.ProofPurpose != "assertionMethod" {
		return nil, fmt.Errorf("proof purpose %q is not assertionMethod: %w", p.ProofPurpose, ErrBadProof)
	}
	if p.Context != nil {
		same, err := sameJSON(p.Context, unsecured["@context"])
		if err != nil || !same {
			return nil, fmt.Errorf("the proof's @context is not the document's: %w", ErrBadProof)
		}
	}
	sig, err := decodeMultibaseBase58(p.ProofValue)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return nil, fmt.Errorf("proofValue is not an Ed25519 signature in base58btc: %w", ErrBadProof)
	}
	pub, err := ResolveKeyID(p.VerificationMethod)
	if err != nil {
		return nil, err
	}
	data, err := hashData(options, unsecured)
	if err != nil {
		return nil, err
	}
	if !ed25519.Verify(pub, data, sig) {
		return nil, ErrBadProof
	}
	return pub, nil
}

func sameJSON(a, b json.RawMessage) (bool, error) {
	if b == nil {
		return false, nil
	}
	ca, err := jcs.Transform(a)
	if err != nil {
		return false, err
	}
	cb, err := jcs.Transform(b)
	if err != nil {
		return false, err
	}
	return bytes.Equal(ca, cb), nil
}
