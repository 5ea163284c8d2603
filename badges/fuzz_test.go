package badges_test

import (
	"crypto/ed25519"
	"errors"
	"testing"

	"github.com/parcours/parcours/badges"
)

// FuzzVerifyCredential: whatever the file, verification answers one of
// the package's errors or a credential signed by the key, never a panic.
func FuzzVerifyCredential(f *testing.F) {
	key := testKey(1)
	good, _ := blockAward().Credential(key)
	f.Add(good, []byte(nil))
	f.Add([]byte(`{"proof":[]}`), []byte(`{"proof":{}}`))
	f.Add([]byte(`{"type":["VerifiableCredential"],"proof":{"type":"DataIntegrityProof","cryptosuite":"eddsa-jcs-2022","verificationMethod":"did:key:z6Mk","proofPurpose":"assertionMethod","proofValue":"z1"}}`), []byte(nil))
	pub := key.Public().(ed25519.PublicKey)
	f.Fuzz(func(t *testing.T, raw, list []byte) {
		_, err := badges.VerifyCredential(raw, badges.VerifyOptions{IssuerKey: pub, StatusList: list})
		if err == nil {
			return
		}
		for _, k := range []error{badges.ErrMalformed, badges.ErrBadProof, badges.ErrWrongIssuer, badges.ErrRevoked, badges.ErrNotValidNow} {
			if errors.Is(err, k) {
				return
			}
		}
		t.Errorf("unclassified error %v", err)
	})
}
