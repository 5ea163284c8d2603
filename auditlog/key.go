package auditlog

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// KeyFile is the name of the log's signing key in the data directory. It
// holds a note signer key ("PRIVATE+KEY+origin+hash+…", Ed25519), mode
// 0600, and is never written to the event store.
const KeyFile = "audit.key"

// Key is the log's signing key: its signer and the public verifier key
// ("origin+hash+base64", the form /v1/audit/public-key serves).
type Key struct {
	Signer   note.Signer
	Verifier note.Verifier
	Public   string
}

// Origin is the log's name: the key's name and the first line of every
// checkpoint.
func (k Key) Origin() string { return k.Signer.Name() }

// LoadOrCreateKey returns the signing key in dir/audit.key, creating it
// (Ed25519, mode 0600) on first start. origin names a new key ("" picks
// "parcours.audit/" and 8 random hex digits, unique per deployment); for
// an existing key it must be "" or the key's name, since a log cannot be
// renamed. A key file readable by others is refused.
func LoadOrCreateKey(dir, origin string) (Key, error) {
	path := filepath.Join(dir, KeyFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return createKey(path, origin)
	}
	if err != nil {
		return Key{}, fmt.Errorf("read audit key: %w", err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return Key{}, fmt.Errorf("stat audit key: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return Key{}, fmt.Errorf("audit key %s has mode %v: it must be readable by its owner only (chmod 600)", path, st.Mode().Perm())
	}
	k, err := ParseKey(strings.TrimSpace(string(b)))
	if err != nil {
		return Key{}, fmt.Errorf("audit key %s: %w", path, err)
	}
	if origin != "" && origin != k.Origin() {
		return Key{}, fmt.Errorf("audit key %s is for origin %q, configured origin is %q: a log cannot be renamed", path, k.Origin(), origin)
	}
	return k, nil
}

func createKey(path, configured string) (Key, error) {
	origin := configured
	if origin == "" {
		var r [4]byte
		if _, err := rand.Read(r[:]); err != nil {
			return Key{}, fmt.Errorf("generate origin: %w", err)
		}
		origin = "parcours.audit/" + hex.EncodeToString(r[:])
	}
	if err := ValidateOrigin(origin); err != nil {
		return Key{}, err
	}
	skey, _, err := note.GenerateKey(rand.Reader, origin)
	if err != nil {
		return Key{}, fmt.Errorf("generate audit key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return Key{}, fmt.Errorf("create data directory: %w", err)
	}
	// Written whole to a file of its own, then linked into place: a
	// process starting beside this one (two services on one data
	// directory) never reads half a key, and if it won the race, its key
	// is the one both use.
	f, err := os.CreateTemp(filepath.Dir(path), KeyFile+".new-*")
	if err != nil {
		return Key{}, fmt.Errorf("create audit key: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	_, err = f.WriteString(skey + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Key{}, fmt.Errorf("write audit key: %w", err)
	}
	if err := os.Link(tmp, path); errors.Is(err, fs.ErrExist) {
		return LoadOrCreateKey(filepath.Dir(path), configured)
	} else if err != nil {
		return Key{}, fmt.Errorf("create audit key: %w", err)
	}
	return ParseKey(skey)
}

// ValidateOrigin checks a log origin: 1 to 200 printable ASCII bytes
// without spaces or '+' (a note key name). Having no space, a checkpoint's
// first line never reads as a bundle statement's ("parcours bundle v1").
func ValidateOrigin(origin string) error {
	if origin == "" || len(origin) > 200 {
		return fmt.Errorf("audit origin must be 1 to 200 bytes: %w", ErrInvalid)
	}
	for i := 0; i < len(origin); i++ {
		if c := origin[i]; c <= ' ' || c >= 0x7f || c == '+' {
			return fmt.Errorf("audit origin %q: byte %d not allowed (no spaces, no '+'): %w", origin, i, ErrInvalid)
		}
	}
	return nil
}

// ParseKey reads a note signer key of algorithm Ed25519 and derives its
// verifier key.
func ParseKey(skey string) (Key, error) {
	signer, err := note.NewSigner(skey)
	if err != nil {
		return Key{}, fmt.Errorf("parse signer key: %w", err)
	}
	// PRIVATE+KEY+name+hash+base64(alg || seed); base64 may hold '+'.
	parts := strings.SplitN(skey, "+", 5)
	if len(parts) != 5 {
		return Key{}, errors.New("parse signer key: malformed")
	}
	raw, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(raw) != 1+ed25519.SeedSize || raw[0] != 1 {
		return Key{}, errors.New("parse signer key: not an Ed25519 key")
	}
	pub := ed25519.NewKeyFromSeed(raw[1:]).Public().(ed25519.PublicKey)
	vkey, err := note.NewEd25519VerifierKey(signer.Name(), pub)
	if err != nil {
		return Key{}, fmt.Errorf("derive verifier key: %w", err)
	}
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		return Key{}, fmt.Errorf("derive verifier key: %w", err)
	}
	return Key{Signer: signer, Verifier: verifier, Public: vkey}, nil
}
