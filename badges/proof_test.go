package badges

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

// specKey is the key pair of the W3C test vectors (testdata/eddsa-jcs-2022).
func specKey(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	var kp struct{ PublicKeyMultibase, PrivateKeyMultibase string }
	readJSON(t, "testdata/eddsa-jcs-2022/keyPair.json", &kp)
	priv, err := decodeMultibaseBase58(kp.PrivateKeyMultibase)
	if err != nil {
		t.Fatal(err)
	}
	// multicodec ed25519-priv (0x1300, varint 0x80 0x26), then the seed
	if len(priv) != 34 || priv[0] != 0x80 || priv[1] != 0x26 {
		t.Fatalf("private key multicodec % x", priv[:2])
	}
	key := ed25519.NewKeyFromSeed(priv[2:])
	if got := PublicKeyMultibase(key.Public().(ed25519.PublicKey)); got != kp.PublicKeyMultibase {
		t.Fatalf("public key %s, the vectors say %s", got, kp.PublicKeyMultibase)
	}
	return key
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

func readText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// TestSpecVectors signs the specification's credential with its key and
// compares every intermediate value with the published ones, then
// verifies the published signed credential.
func TestSpecVectors(t *testing.T) {
	key := specKey(t)
	signed, err := os.ReadFile("testdata/eddsa-jcs-2022/signedJCS.json")
	if err != nil {
		t.Fatal(err)
	}
	fields, err := objectFields(signed)
	if err != nil {
		t.Fatal(err)
	}
	var published Proof
	if err := json.Unmarshal(fields["proof"], &published); err != nil {
		t.Fatal(err)
	}
	delete(fields, "proof")
	canonDoc, err := canonical(fields)
	if err != nil {
		t.Fatal(err)
	}
	if want := readText(t, "testdata/eddsa-jcs-2022/canonDocJCS.txt"); string(canonDoc) != want {
		t.Errorf("canonical document\n got %s\nwant %s", canonDoc, want)
	}
	unsigned, _ := json.Marshal(fields)
	created, _ := time.Parse(time.RFC3339, published.Created)
	p, err := Sign(unsigned, key, created)
	if err != nil {
		t.Fatal(err)
	}
	opts := p
	opts.ProofValue = ""
	canonProof, _ := canonical(opts)
	if want := readText(t, "testdata/eddsa-jcs-2022/proofCanonJCS.txt"); string(canonProof) != want {
		t.Errorf("canonical proof options\n got %s\nwant %s", canonProof, want)
	}
	h1, h2 := sha256.Sum256(canonProof), sha256.Sum256(canonDoc)
	if got, want := hex.EncodeToString(append(h1[:], h2[:]...)), readText(t, "testdata/eddsa-jcs-2022/combinedHashJCS.txt"); got != want {
		t.Errorf("combined hash %s, want %s", got, want)
	}
	sig, _ := decodeMultibaseBase58(p.ProofValue)
	if got, want := hex.EncodeToString(sig), readText(t, "testdata/eddsa-jcs-2022/sigHexJCS.txt"); got != want {
		t.Errorf("signature %s, want %s", got, want)
	}
	if p.ProofValue != published.ProofValue {
		t.Errorf("proofValue %s, want %s", p.ProofValue, published.ProofValue)
	}
	keys, err := VerifyProofs(signed)
	if err != nil {
		t.Fatalf("the published credential does not verify: %v", err)
	}
	if !keys[0].Equal(key.Public()) {
		t.Error("verified with another key")
	}
	tampered := bytes.Replace(signed, []byte("The School of Examples"), []byte("The School of Exampler"), 1)
	if _, err := VerifyProofs(tampered); !errors.Is(err, ErrBadProof) {
		t.Errorf("tampered vector: %v, want ErrBadProof", err)
	}
}

func TestBase58RoundTrip(t *testing.T) {
	for _, b := range [][]byte{{}, {0}, {0, 0, 1}, {0xff, 0xfe}, bytes.Repeat([]byte{7}, 64)} {
		got, err := base58Decode(base58Encode(b))
		if err != nil || !bytes.Equal(got, b) {
			t.Errorf("% x → %q → % x, %v", b, base58Encode(b), got, err)
		}
	}
	if _, err := base58Decode("0OIl"); !errors.Is(err, ErrMalformed) {
		t.Errorf("bad alphabet: %v", err)
	}
}
