package badges

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// ErrMalformed: the input is not a credential, proof, key or list this
// package can read.
var ErrMalformed = errors.New("malformed")

const b58alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

var b58index = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(b58alphabet); i++ {
		t[b58alphabet[i]] = int8(i)
	}
	return t
}()

// base58Encode is the Bitcoin base58 alphabet's encoding: leading zero
// bytes become '1's, the rest is the number in base 58.
func base58Encode(b []byte) string {
	zeros := 0
	for zeros < len(b) && b[zeros] == 0 {
		zeros++
	}
	n := new(big.Int).SetBytes(b)
	var out []byte
	mod, base := new(big.Int), big.NewInt(58)
	for n.Sign() > 0 {
		n.DivMod(n, base, mod)
		out = append(out, b58alphabet[mod.Int64()])
	}
	for range zeros {
		out = append(out, '1')
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return string(out)
}

func base58Decode(s string) ([]byte, error) {
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}
	n, base := new(big.Int), big.NewInt(58)
	for i := zeros; i < len(s); i++ {
		d := b58index[s[i]]
		if d < 0 {
			return nil, fmt.Errorf("base58: character %q: %w", s[i], ErrMalformed)
		}
		n.Mul(n, base).Add(n, big.NewInt(int64(d)))
	}
	return append(make([]byte, zeros), n.Bytes()...), nil
}

// multibaseBase58 and its inverse: the 'z' prefix of multibase names
// base58btc.
func multibaseBase58(b []byte) string { return "z" + base58Encode(b) }

func decodeMultibaseBase58(s string) ([]byte, error) {
	if !strings.HasPrefix(s, "z") {
		return nil, fmt.Errorf("multibase value must be base58btc ('z'): %w", ErrMalformed)
	}
	if len(s) > 200 { // keys and signatures are short; base58 decoding is quadratic
		return nil, fmt.Errorf("multibase value of %d characters: %w", len(s), ErrMalformed)
	}
	return base58Decode(s[1:])
}

// ed25519Multicodec prefixes an Ed25519 public key in a Multikey
// (the varint of 0xed).
var ed25519Multicodec = []byte{0xed, 0x01}

// PublicKeyMultibase is an Ed25519 public key as a Multikey's
// publicKeyMultibase ("z6Mk…").
func PublicKeyMultibase(pub ed25519.PublicKey) string {
	return multibaseBase58(append(append([]byte(nil), ed25519Multicodec...), pub...))
}

// ParsePublicKeyMultibase reads a "z6Mk…" Ed25519 Multikey value.
func ParsePublicKeyMultibase(s string) (ed25519.PublicKey, error) {
	b, err := decodeMultibaseBase58(s)
	if err != nil {
		return nil, err
	}
	if len(b) != 2+ed25519.PublicKeySize || b[0] != ed25519Multicodec[0] || b[1] != ed25519Multicodec[1] {
		return nil, fmt.Errorf("not an Ed25519 multikey: %w", ErrMalformed)
	}
	return ed25519.PublicKey(b[2:]), nil
}

// DIDKey is the did:key of an Ed25519 public key, and KeyID its
// verification method ("did:key:z6Mk…#z6Mk…").
func DIDKey(pub ed25519.PublicKey) string { return "did:key:" + PublicKeyMultibase(pub) }

// KeyID is the verification method of pub: its did:key and, as fragment,
// the same multikey.
func KeyID(pub ed25519.PublicKey) string {
	return DIDKey(pub) + "#" + PublicKeyMultibase(pub)
}

// ResolveKeyID returns the public key a did:key verification method names.
// Other methods (an https URL to fetch) are refused: verification here is
// offline.
func ResolveKeyID(vm string) (ed25519.PublicKey, error) {
	rest, ok := strings.CutPrefix(vm, "did:key:")
	if !ok {
		return nil, fmt.Errorf("verification method %q is not a did:key: %w", vm, ErrMalformed)
	}
	mk, frag, hasFrag := strings.Cut(rest, "#")
	if hasFrag && frag != mk {
		return nil, fmt.Errorf("verification method %q: fragment is not the key: %w", vm, ErrMalformed)
	}
	return ParsePublicKeyMultibase(mk)
}
