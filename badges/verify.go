package badges

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Errors of verification, besides ErrMalformed and ErrBadProof.
var (
	// ErrRevoked: the issuer's status list marks the credential revoked.
	ErrRevoked = errors.New("credential revoked")
	// ErrWrongIssuer: the credential, or its status list, is signed by
	// another key than the one the verifier trusts for the issuer.
	ErrWrongIssuer = errors.New("not signed by the expected issuer key")
	// ErrNotValidNow: the credential is not yet, or no longer, valid.
	ErrNotValidNow = errors.New("credential not valid at this time")
)

// VerifyOptions say what a verifier trusts and knows besides the
// credential.
type VerifyOptions struct {
	// IssuerKey pins the issuer's key; nil accepts the key the proof
	// names, which Verified.Key reports for the verifier to judge.
	IssuerKey ed25519.PublicKey
	// StatusList is the issuer's BitstringStatusListCredential, as served
	// at the credential's statusListCredential URL; nil skips the
	// revocation check (Verified.StatusChecked is then false).
	StatusList []byte
	// Now is the time the credential must be valid at.
	Now time.Time
}

// Verified is what a verified credential says.
type Verified struct {
	ID            string
	Name          string
	IssuerID      string
	IssuerName    string
	Achievement   string
	HumanCode     string
	ValidFrom     time.Time
	Key           string // did:key of the signer
	StatusChecked bool
}

// IsCredential reports whether raw looks like a verifiable credential (a
// JSON object whose type includes VerifiableCredential), so that a tool
// can tell it from other files.
func IsCredential(raw []byte) bool {
	var head struct {
		Type []string `json:"type"`
	}
	return json.Unmarshal(raw, &head) == nil && slices.Contains(head.Type, "VerifiableCredential")
}

// VerifyCredential checks an OpenBadgeCredential: its proof
// (eddsa-jcs-2022), the issuer key if pinned, the validity period, and
// its revocation status if a status list is given. Errors wrap
// ErrMalformed, ErrBadProof, ErrWrongIssuer, ErrNotValidNow or ErrRevoked.
func VerifyCredential(raw []byte, o VerifyOptions) (Verified, error) {
	keys, err := VerifyProofs(raw)
	if err != nil {
		return Verified{}, err
	}
	var c struct {
		credential
		ValidUntil string `json:"validUntil"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return Verified{}, fmt.Errorf("credential: %w: %w", ErrMalformed, err)
	}
	if !slices.Contains(c.Type, "OpenBadgeCredential") && !slices.Contains(c.Type, "AchievementCredential") {
		return Verified{}, fmt.Errorf("not an OpenBadgeCredential: %w", ErrMalformed)
	}
	if o.IssuerKey != nil && !hasKey(keys, o.IssuerKey) {
		return Verified{}, fmt.Errorf("credential signed by %s: %w", DIDKey(keys[0]), ErrWrongIssuer)
	}
	v := Verified{
		ID: c.ID, Name: c.Name, IssuerID: c.Issuer.ID, IssuerName: c.Issuer.Name,
		Achievement: c.CredentialSubject.Achievement.Name, HumanCode: c.CredentialSubject.Achievement.HumanCode,
		Key: DIDKey(keys[0]),
	}
	if v.ValidFrom, err = time.Parse(time.RFC3339, c.ValidFrom); err != nil {
		return Verified{}, fmt.Errorf("validFrom: %w: %w", ErrMalformed, err)
	}
	if !o.Now.IsZero() && o.Now.Before(v.ValidFrom) {
		return v, fmt.Errorf("valid from %s: %w", c.ValidFrom, ErrNotValidNow)
	}
	if c.ValidUntil != "" {
		until, err := time.Parse(time.RFC3339, c.ValidUntil)
		if err != nil {
			return Verified{}, fmt.Errorf("validUntil: %w: %w", ErrMalformed, err)
		}
		if !o.Now.IsZero() && o.Now.After(until) {
			return v, fmt.Errorf("valid until %s: %w", c.ValidUntil, ErrNotValidNow)
		}
	}
	if o.StatusList == nil {
		return v, nil
	}
	if err := checkStatus(c.CredentialStatus, keys, o.StatusList); err != nil {
		return v, err
	}
	v.StatusChecked = true
	return v, nil
}

// checkStatus reads the credential's entry in list, which must be the
// list the credential names and be signed by the credential's signer.
func checkStatus(st credentialStatus, keys []ed25519.PublicKey, raw []byte) error {
	if st.Type != "BitstringStatusListEntry" || st.StatusPurpose != "revocation" {
		return fmt.Errorf("credentialStatus is not a revocation BitstringStatusListEntry: %w", ErrMalformed)
	}
	index, err := strconv.Atoi(st.StatusListIndex)
	if err != nil || index < 0 {
		return fmt.Errorf("statusListIndex %q: %w", st.StatusListIndex, ErrMalformed)
	}
	list, key, err := ReadStatusList(raw)
	if err != nil {
		return err
	}
	if list.URL != st.StatusListCredential {
		return fmt.Errorf("status list %s is not the credential's (%s): %w", list.URL, st.StatusListCredential, ErrMalformed)
	}
	if !hasKey(keys, key) {
		return fmt.Errorf("status list signed by %s: %w", DIDKey(key), ErrWrongIssuer)
	}
	if index >= len(list.Bits)*8 {
		return fmt.Errorf("statusListIndex %d past the list: %w", index, ErrMalformed)
	}
	if list.Bits.Get(index) {
		return ErrRevoked
	}
	return nil
}

func hasKey(keys []ed25519.PublicKey, k ed25519.PublicKey) bool {
	for _, x := range keys {
		if x.Equal(k) {
			return true
		}
	}
	return false
}
