package credentials

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters.
type Params struct {
	Time    uint32 // passes over the memory
	Memory  uint32 // KiB
	Threads uint8  // lanes
}

// DefaultParams are the parameters of new hashes (see the package doc for
// how they were chosen).
var DefaultParams = Params{Time: 2, Memory: 64 * 1024, Threads: 2}

const (
	saltLen = 16
	keyLen  = 32
	// Bounds of what a stored hash may ask for, so that a damaged row
	// cannot make a login allocate gigabytes.
	maxMemory  = 1 << 20 // 1 GiB
	maxTime    = 20
	maxThreads = 16
	// MaxPasswordLen bounds passwords (bytes); longer ones are refused at
	// creation and fail at login.
	MaxPasswordLen = 1024
	// MinPasswordLen is the shortest password accepted at creation.
	MinPasswordLen = 10
)

var b64 = base64.RawStdEncoding // the PHC format's base64

// hasher computes argon2id hashes, a bounded number at once.
type hasher struct {
	params Params
	slots  chan struct{}
	onHash func()
}

func newHasher(p Params, concurrent int, onHash func()) *hasher {
	if onHash == nil {
		onHash = func() {}
	}
	return &hasher{params: p, slots: make(chan struct{}, concurrent), onHash: onHash}
}

func (h *hasher) key(ctx context.Context, p Params, password, salt []byte, n int) ([]byte, error) {
	select {
	case h.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-h.slots }()
	k := argon2.IDKey(password, salt, p.Time, p.Memory, p.Threads, uint32(n))
	h.onHash()
	return k, nil
}

// hash returns the PHC string of password with the current parameters.
func (h *hasher) hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, saltLen)
	rand.Read(salt)
	k, err := h.key(ctx, h.params, []byte(password), salt, keyLen)
	if err != nil {
		return "", err
	}
	return encodePHC(h.params, salt, k), nil
}

// verify reports whether password matches the PHC string, and whether the
// hash should be remade with the current parameters.
func (h *hasher) verify(ctx context.Context, password, phc string) (ok, stale bool, err error) {
	p, salt, want, err := decodePHC(phc)
	if err != nil {
		return false, false, err
	}
	got, err := h.key(ctx, p, []byte(password), salt, len(want))
	if err != nil {
		return false, false, err
	}
	ok = subtle.ConstantTimeCompare(got, want) == 1
	return ok, p != h.params || len(salt) != saltLen || len(want) != keyLen, nil
}

// dummy does the work of a verification when there is no account, so that
// the answer takes as long as for a wrong password.
func (h *hasher) dummy(ctx context.Context, password string) error {
	var salt [saltLen]byte
	_, err := h.key(ctx, h.params, []byte(password), salt[:], keyLen)
	return err
}

func encodePHC(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

var errBadHash = errors.New("credentials: stored password hash is not an argon2id PHC string")

func decodePHC(s string) (Params, []byte, []byte, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return Params{}, nil, nil, errBadHash
	}
	var p Params
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil || n != 3 {
		return Params{}, nil, nil, errBadHash
	}
	if p.Memory < 8*uint32(max(p.Threads, 1)) || p.Memory > maxMemory || p.Time < 1 || p.Time > maxTime || p.Threads < 1 || p.Threads > maxThreads {
		return Params{}, nil, nil, fmt.Errorf("%w: parameters out of bounds", errBadHash)
	}
	salt, err1 := b64.DecodeString(parts[4])
	key, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(key) < 16 || len(key) > 64 {
		return Params{}, nil, nil, errBadHash
	}
	return p, salt, key, nil
}
