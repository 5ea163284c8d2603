package badges_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/parcours/parcours/badges"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

var issued = time.Date(2026, 11, 20, 14, 0, 0, 0, time.UTC)

func testKey(seed byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
}

func blockAward() badges.Award {
	return badges.Award{
		ID:        "6f1c2b9e-3a55-4d0f-9a4c-0d6f3b1a2e77",
		IssuerURL: "https://parcours.example/badges/issuers/s-ml", IssuerName: "Mission Locale du Vieux-Port",
		Recipient: "p-zoe", Salt: "c2FsdA",
		Achievement: badges.Achievement{
			ID:   "urn:parcours:achievement:RNCP34567:BC01",
			Name: "Accueillir et conseiller le client", Description: "Bloc de compétences BC01 du titre professionnel Vendeur conseil en magasin",
			Criteria: "Bloc validé par le jury VAE le 2026-11-20.",
			RNCPCode: "RNCP34567", BlockCode: "BC01", CertTitle: "Vendeur conseil en magasin",
		},
		StatusListURL: "https://parcours.example/badges/status/s-ml", StatusIndex: 7,
		IssuedAt: issued,
	}
}

func compileSchema(t *testing.T, file, name string) *jsonschema.Schema {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(name, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, raw []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(inst); err != nil {
		t.Errorf("against the Open Badges 3.0 schema: %v\n%s", err, raw)
	}
}

// TestCredentialSchema checks a block's and another achievement's
// credential, and an issuer profile, against 1EdTech's schemas.
func TestCredentialSchema(t *testing.T) {
	s := compileSchema(t, "testdata/ob_v3p0_achievementcredential_schema.json", "achievementcredential.json")
	key := testKey(1)
	other := blockAward()
	other.Achievement = badges.Achievement{ID: "urn:parcours:achievement:s-ml:6f1c", Name: "Engagement bénévole", Description: "Six mois d'aide aux devoirs", Criteria: "Reconnu par sa conseillère"}
	for _, a := range []badges.Award{blockAward(), other} {
		raw, err := a.Credential(key)
		if err != nil {
			t.Fatal(err)
		}
		validate(t, s, raw)
	}
	// the schema does refuse what is not a badge
	inst, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"]}`))
	if s.Validate(inst) == nil {
		t.Error("the schema accepts a credential that is not a badge")
	}
	ps := compileSchema(t, "testdata/ob_v3p0_profile_schema.json", "profile.json")
	prof, err := badges.Profile("https://parcours.example/badges/issuers/s-ml", "Mission Locale", key.Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	validate(t, ps, prof)
}

func TestCredentialDeterministic(t *testing.T) {
	a, _ := blockAward().Credential(testKey(1))
	b, _ := blockAward().Credential(testKey(1))
	if !bytes.Equal(a, b) {
		t.Error("the same award and key give two credentials")
	}
}

func statusList(t *testing.T, key ed25519.PrivateKey, revoked ...int) []byte {
	t.Helper()
	bits := badges.NewBitstring()
	for _, i := range revoked {
		bits.Set(i)
	}
	l := badges.StatusList{URL: "https://parcours.example/badges/status/s-ml", IssuerURL: "https://parcours.example/badges/issuers/s-ml", Bits: bits, Updated: issued.Add(time.Hour)}
	raw, err := l.Credential(key)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestVerifyCredential(t *testing.T) {
	key, other := testKey(1), testKey(2)
	pub := key.Public().(ed25519.PublicKey)
	raw, err := blockAward().Credential(key)
	if err != nil {
		t.Fatal(err)
	}
	now := issued.Add(24 * time.Hour)
	v, err := badges.VerifyCredential(raw, badges.VerifyOptions{IssuerKey: pub, StatusList: statusList(t, key, 3, 8), Now: now})
	if err != nil {
		t.Fatalf("a good credential: %v", err)
	}
	if !v.StatusChecked || v.HumanCode != "RNCP34567 BC01" || v.Key != badges.DIDKey(pub) || v.IssuerName != "Mission Locale du Vieux-Port" {
		t.Errorf("verified %+v", v)
	}
	otherSigned, _ := blockAward().Credential(other)
	tests := []struct {
		name string
		raw  []byte
		o    badges.VerifyOptions
		want error
	}{
		{"name altered", bytes.Replace(raw, []byte("Accueillir"), []byte("Diriger"), 1), badges.VerifyOptions{}, badges.ErrBadProof},
		{"index altered", bytes.Replace(raw, []byte(`"statusListIndex": "7"`), []byte(`"statusListIndex": "9"`), 1), badges.VerifyOptions{}, badges.ErrBadProof},
		{"proof removed", removeProof(t, raw), badges.VerifyOptions{}, badges.ErrBadProof},
		{"other issuer's key", otherSigned, badges.VerifyOptions{IssuerKey: pub}, badges.ErrWrongIssuer},
		{"revoked", raw, badges.VerifyOptions{StatusList: statusList(t, key, 7)}, badges.ErrRevoked},
		{"status list of another key", raw, badges.VerifyOptions{StatusList: statusList(t, other)}, badges.ErrWrongIssuer},
		{"status list altered", raw, badges.VerifyOptions{StatusList: bytes.Replace(statusList(t, key), []byte(`"revocation"`), []byte(`"suspension"`), 1)}, badges.ErrBadProof},
		{"before validFrom", raw, badges.VerifyOptions{Now: issued.Add(-time.Hour)}, badges.ErrNotValidNow},
		{"not JSON", []byte("PK\x03\x04"), badges.VerifyOptions{}, badges.ErrMalformed},
		{"duplicate member", append([]byte(`{"name":"x",`), raw[1:]...), badges.VerifyOptions{}, badges.ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := badges.VerifyCredential(tc.raw, tc.o); !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func removeProof(t *testing.T, raw []byte) []byte {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "proof")
	b, _ := json.Marshal(m)
	return b
}

func TestBitstring(t *testing.T) {
	b := badges.NewBitstring()
	b.Set(0)
	b.Set(131071)
	got, err := badges.DecodeBitstring(b.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if !got.Get(0) || !got.Get(131071) || got.Get(1) || len(got) != 16384 {
		t.Error("round trip lost bits")
	}
	if got[0] != 0x80 {
		t.Errorf("index 0 is the first byte's left-most bit: %08b", got[0])
	}
	if _, err := badges.DecodeBitstring("u" + strings.Repeat("A", 10)); !errors.Is(err, badges.ErrMalformed) {
		t.Errorf("garbage: %v", err)
	}
}
