package badges_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/parcours/parcours/badges"
)

// interop runs the second verifier (interop/verify.mjs: JCS, Ed25519,
// base58 and the schema check by other hands than ours) on a credential.
// It needs Node and `npm ci --prefix badges/interop`; without them the
// test skips, unless CI=true, where it fails.
func interop(t *testing.T) func(args ...string) (bool, string) {
	t.Helper()
	node, err := exec.LookPath("node")
	_, mods := os.Stat("interop/node_modules/canonicalize")
	if err != nil || mods != nil {
		msg := "the independent verifier needs node and `npm ci --prefix badges/interop`"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return func(args ...string) (bool, string) {
		out, err := exec.Command(node, append([]string{"interop/verify.mjs"}, args...)...).Output()
		var res struct {
			OK    bool   `json:"ok"`
			Error string `json:"error"`
		}
		if jerr := json.Unmarshal(out, &res); jerr != nil {
			t.Fatalf("verify.mjs: %v (%v)\n%s", jerr, err, out)
		}
		return res.OK && err == nil, res.Error
	}
}

// TestIndependentVerifier: what Parcours signs, the second verifier
// accepts (proof, pinned key, OB 3.0 schema, status list), and what is
// altered, revoked or signed by another key it refuses; it also accepts
// the W3C test vector, so both verifiers agree with the specification.
func TestIndependentVerifier(t *testing.T) {
	run := interop(t)
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	key, other := testKey(1), testKey(2)
	pubKey := badges.DIDKey(key.Public().(ed25519.PublicKey))
	schema := "testdata/ob_v3p0_achievementcredential_schema.json"
	other2 := blockAward()
	other2.Achievement = badges.Achievement{ID: "urn:parcours:achievement:x", Name: "Bénévolat « aide aux devoirs » & co <3", Description: "Ünïcödé 😀 \u2028 ligne", Criteria: "Reconnu"}
	for i, a := range []badges.Award{blockAward(), other2} {
		raw, _ := a.Credential(key)
		cred := write("cred.json", raw)
		if ok, why := run(cred, "--key", pubKey, "--schema", schema, "--status", write("list.json", statusList(t, key, 1, 9))); !ok {
			t.Errorf("award %d: refused: %s", i, why)
		}
	}
	raw, _ := blockAward().Credential(key)
	foreign, _ := blockAward().Credential(other)
	cred := write("cred.json", raw)
	for _, c := range []struct {
		name string
		args []string
	}{
		{"altered", []string{write("altered.json", bytes.Replace(raw, []byte("Accueillir"), []byte("Diriger"), 1))}},
		{"revoked", []string{cred, "--status", write("revoked.json", statusList(t, key, 7))}},
		{"another key", []string{write("foreign.json", foreign), "--key", pubKey}},
		{"list of another key", []string{cred, "--status", write("foreign-list.json", statusList(t, other))}},
	} {
		if ok, _ := run(c.args...); ok {
			t.Errorf("%s: accepted", c.name)
		}
	}
	if ok, why := run("testdata/eddsa-jcs-2022/signedJCS.json"); !ok {
		t.Errorf("the W3C test vector: %s", why)
	}
}
