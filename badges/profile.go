package badges

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
)

// Profile is a structure's issuer profile: an OB 3.0 Profile that also
// names the key its credentials are signed with, as a Multikey and as an
// assertion method, so that a verifier can tie a did:key to the issuer.
func Profile(url, name string, pub ed25519.PublicKey) ([]byte, error) {
	type multikey struct {
		ID                 string `json:"id"`
		Type               string `json:"type"`
		Controller         string `json:"controller"`
		PublicKeyMultibase string `json:"publicKeyMultibase"`
	}
	doc := struct {
		Context            []string   `json:"@context"`
		ID                 string     `json:"id"`
		Type               []string   `json:"type"`
		Name               string     `json:"name"`
		VerificationMethod []multikey `json:"verificationMethod"`
		AssertionMethod    []string   `json:"assertionMethod"`
	}{
		Context: []string{ContextVC2, ContextOB3},
		ID:      url, Type: []string{"Profile"}, Name: name,
		VerificationMethod: []multikey{{ID: KeyID(pub), Type: "Multikey", Controller: DIDKey(pub), PublicKeyMultibase: PublicKeyMultibase(pub)}},
		AssertionMethod:    []string{KeyID(pub)},
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode profile: %w", err)
	}
	return b, nil
}
