package personaldata

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// Errors of the key ring.
var (
	// ErrErased: the person's key was destroyed (or never existed), so
	// their sealed data can no longer be read.
	ErrErased = errors.New("personal data erased")
	// ErrNoKey: the key store holds no key for the subject.
	ErrNoKey = errors.New("no key for this person")
	// ErrInvalid: malformed sealed data or subject.
	ErrInvalid = errors.New("invalid personal data")
)

// KeyStore keeps wrapped keys apart from the events. Implementations:
// SQLiteKeys and PostgresKeys; both pass the same tests.
type KeyStore interface {
	// PutIfAbsent stores wrapped as subject's key unless one is stored, and
	// returns the stored one. ErrErased if the subject was erased.
	PutIfAbsent(ctx context.Context, subject string, wrapped []byte) ([]byte, error)
	// Get returns subject's wrapped key: ErrErased if erased, ErrNoKey if none.
	Get(ctx context.Context, subject string) ([]byte, error)
	// PutFileKey stores a file's wrapped key under its owner.
	PutFileKey(ctx context.Context, fileID, subject string, wrapped []byte) error
	// GetFileKey returns a file's owner and wrapped key (ErrErased if gone).
	GetFileKey(ctx context.Context, fileID string) (subject string, wrapped []byte, err error)
	// FileIDs lists the files of subject.
	FileIDs(ctx context.Context, subject string) ([]string, error)
	// Erase destroys subject's key and file keys, records a tombstone and
	// scrubs the freed bytes from storage. It is idempotent.
	Erase(ctx context.Context, subject string) (fileKeys int, err error)
}

// Keyring hands out the data keys of people, unwrapping them with the
// master key and keeping a bounded cache of unwrapped keys.
type Keyring struct {
	store   KeyStore
	master  cipher.AEAD
	logHash []byte // the key of LogHash, derived from the master key

	mu    sync.Mutex
	cache map[string]*personKey

	sealV1 atomic.Bool // Seal writes version 1 (SetSealVersion)
}

// personKey is a person's data key: the raw bytes, from which seal v2
// derives each part's key, and the AEAD that seals v1 parts and wraps the
// person's file keys.
type personKey struct {
	prk  []byte      // HKDF-Extract of the key, for the seal v2 part keys
	aead cipher.AEAD // the key itself, for seal v1
}

const cacheSize = 4096

// NewKeyring returns a key ring over store with the 32-byte master key.
func NewKeyring(store KeyStore, masterKey []byte) (*Keyring, error) {
	aead, err := newAEAD(masterKey)
	if err != nil {
		return nil, fmt.Errorf("master key: %w", err)
	}
	logHash, err := hkdf.Key(sha256.New, masterKey, nil, "parcours.log-hash.v1", 32)
	if err != nil {
		return nil, fmt.Errorf("master key: %w", err)
	}
	return &Keyring{store: store, master: aead, logHash: logHash, cache: map[string]*personKey{}}, nil
}

// LogHash returns HMAC-SHA256 of data under a key derived from the master
// key. It is for what the event log keeps that is computed from personal
// data and must outlive an erasure, such as the hashes of a command's
// idempotency key and request: a plain hash of those could be checked
// against a guessed name or e-mail address by anyone who reads the log;
// this one only with the master key.
func (k *Keyring) LogHash(data []byte) [32]byte {
	m := hmac.New(sha256.New, k.logHash)
	m.Write(data)
	var out [32]byte
	m.Sum(out[:0])
	return out
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("key of %d bytes, want 32", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// ValidateSubject checks a data subject's ID: 1 to 200 bytes, no NUL.
func ValidateSubject(subject string) error {
	if subject == "" || len(subject) > 200 {
		return fmt.Errorf("subject must be 1 to 200 bytes: %w", ErrInvalid)
	}
	for i := 0; i < len(subject); i++ {
		if subject[i] == 0 {
			return fmt.Errorf("subject contains NUL: %w", ErrInvalid)
		}
	}
	return nil
}

// key returns subject's data key, creating the key if create is set and
// none exists.
func (k *Keyring) key(ctx context.Context, subject string, create bool) (*personKey, error) {
	if err := ValidateSubject(subject); err != nil {
		return nil, err
	}
	k.mu.Lock()
	a, ok := k.cache[subject]
	k.mu.Unlock()
	if ok {
		return a, nil
	}
	wrapped, err := k.store.Get(ctx, subject)
	if errors.Is(err, ErrNoKey) && create {
		wrapped, err = k.newKey(ctx, subject)
	}
	if errors.Is(err, ErrNoKey) {
		return nil, fmt.Errorf("key of %s: %w: %w", subject, ErrErased, err)
	}
	if err != nil {
		return nil, fmt.Errorf("key of %s: %w", subject, err)
	}
	raw, err := k.unwrap(wrapped, personKeyAD(subject))
	if err != nil {
		return nil, fmt.Errorf("unwrap key of %s: %w", subject, err)
	}
	aead, err := newAEAD(raw)
	if err != nil {
		return nil, err
	}
	a = &personKey{prk: extractKey(raw), aead: aead}
	k.mu.Lock()
	if len(k.cache) >= cacheSize {
		for s := range k.cache { // drop an arbitrary entry
			delete(k.cache, s)
			break
		}
	}
	k.cache[subject] = a
	k.mu.Unlock()
	return a, nil
}

func (k *Keyring) newKey(ctx context.Context, subject string) ([]byte, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	return k.store.PutIfAbsent(ctx, subject, k.wrap(raw, personKeyAD(subject)))
}

func personKeyAD(subject string) []byte { return []byte("parcours.person-key.v1\x00" + subject) }

func (k *Keyring) wrap(raw, ad []byte) []byte { return seal(k.master, raw, ad) }

func (k *Keyring) unwrap(wrapped, ad []byte) ([]byte, error) { return open(k.master, wrapped, ad) }

// seal returns nonce || AEAD(plaintext).
func seal(a cipher.AEAD, plaintext, ad []byte) []byte {
	nonce := make([]byte, a.NonceSize(), a.NonceSize()+len(plaintext)+a.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic("personaldata: crypto/rand failed: " + err.Error())
	}
	return a.Seal(nonce, nonce, plaintext, ad)
}

func open(a cipher.AEAD, sealed, ad []byte) ([]byte, error) {
	if len(sealed) < a.NonceSize()+a.Overhead() {
		return nil, fmt.Errorf("sealed value too short: %w", ErrInvalid)
	}
	out, err := a.Open(nil, sealed[:a.NonceSize()], sealed[a.NonceSize():], ad)
	if err != nil {
		return nil, fmt.Errorf("authentication failed (wrong key, or moved or altered data): %w", ErrInvalid)
	}
	return out, nil
}

// Erase destroys subject's key and file keys (see KeyStore.Erase) and
// forgets the cached key.
func (k *Keyring) Erase(ctx context.Context, subject string) (int, error) {
	if err := ValidateSubject(subject); err != nil {
		return 0, err
	}
	k.mu.Lock()
	delete(k.cache, subject)
	k.mu.Unlock()
	n, err := k.store.Erase(ctx, subject)
	k.mu.Lock()
	delete(k.cache, subject) // a reader may have cached it meanwhile
	k.mu.Unlock()
	if err != nil {
		return n, fmt.Errorf("erase %s: %w", subject, err)
	}
	return n, nil
}

// Forget drops a cached key, so the next use reads the key store again.
// Processes that share a key store call it when they learn of an erasure.
func (k *Keyring) Forget(subject string) {
	k.mu.Lock()
	delete(k.cache, subject)
	k.mu.Unlock()
}
