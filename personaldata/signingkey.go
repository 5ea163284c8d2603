package personaldata

import (
	"context"
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/sha256"
	"fmt"
)

// SigningKey returns the Ed25519 signing key of subject (an organisation's
// issuer key, say), derived with HKDF-SHA256 from subject's data key,
// which is created on first use and kept, wrapped under the master key,
// in the key store like every person's key. The private key is never
// stored itself; erasing the subject destroys it.
func (k *Keyring) SigningKey(ctx context.Context, subject string) (ed25519.PrivateKey, error) {
	pk, err := k.key(ctx, subject, true)
	if err != nil {
		return nil, err
	}
	seed, err := hkdf.Expand(sha256.New, pk.prk, "parcours.signing-key.v1\x00"+subject, ed25519.SeedSize)
	if err != nil {
		return nil, fmt.Errorf("derive signing key of %s: %w", subject, err)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}
