package main

import (
	"bytes"
	"crypto/ed25519"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parcours/parcours/badges"
)

// TestVerifyCredential: parcours verify FILE.json checks a badge offline,
// with the issuer's key and a saved status list; altered, revoked and
// foreign-key credentials exit 1.
func TestVerifyCredential(t *testing.T) {
	dir := t.TempDir()
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, 32))
	other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{8}, 32))
	at := time.Date(2026, 11, 20, 14, 0, 0, 0, time.UTC)
	award := badges.Award{ID: "6f1c2b9e-3a55-4d0f-9a4c-0d6f3b1a2e77", IssuerURL: "https://parcours.example/v1/badges/issuers/s-ml", IssuerName: "Mission Locale",
		Recipient: "p-zoe", Salt: "sel", StatusListURL: "https://parcours.example/v1/badges/status/s-ml", StatusIndex: 3, IssuedAt: at,
		Achievement: badges.Achievement{ID: "urn:parcours:rncp:RNCP34567:BC01", Name: "Accueillir", Description: "Bloc BC01", Criteria: "Jury VAE", RNCPCode: "RNCP34567", BlockCode: "BC01"}}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cred, _ := award.Credential(key)
	foreign, _ := award.Credential(other)
	list := func(revoked ...int) []byte {
		bits := badges.NewBitstring()
		for _, i := range revoked {
			bits.Set(i)
		}
		b, _ := badges.StatusList{URL: award.StatusListURL, IssuerURL: award.IssuerURL, Bits: bits, Updated: at}.Credential(key)
		return b
	}
	good, revoked := write("status.json", list(1)), write("status-revoked.json", list(3))
	pub := badges.PublicKeyMultibase(key.Public().(ed25519.PublicKey))
	badge := write("badge.json", cred)

	out, err := runCmd(t, "verify", badge, "--key", pub, "--status", good)
	if err != nil || !strings.Contains(out, "OK:") || !strings.Contains(out, "non révoqué / not revoked") || strings.Contains(out, "WARNING") {
		t.Fatalf("a good badge: %v\n%s", err, out)
	}
	out, err = runCmd(t, "verify", badge)
	if err != nil || !strings.Contains(out, "issuer key not checked") || !strings.Contains(out, "revocation not checked") {
		t.Fatalf("without key and list: %v\n%s", err, out)
	}
	for _, c := range []struct {
		name string
		args []string
		says string
	}{
		{"altered", []string{write("altered.json", bytes.Replace(cred, []byte("Accueillir"), []byte("Diriger"), 1)), "--key", pub}, "altered or unsigned"},
		{"revoked", []string{badge, "--key", pub, "--status", revoked}, "revoked by the issuer"},
		{"another issuer", []string{write("foreign.json", foreign), "--key", pub}, "signed by another key"},
		{"list of another issuer", []string{badge, "--status", write("foreign-status.json", func() []byte {
			b, _ := badges.StatusList{URL: award.StatusListURL, IssuerURL: award.IssuerURL, Bits: badges.NewBitstring(), Updated: at}.Credential(other)
			return b
		}())}, "signed by another key"},
	} {
		out, err := runCmd(t, append([]string{"verify"}, c.args...)...)
		if exitCode(err) != 1 || !strings.Contains(out, "REFUSED") || !strings.Contains(out, c.says) {
			t.Errorf("%s: exit %d\n%s", c.name, exitCode(err), out)
		}
	}
	if _, err := runCmd(t, "verify", write("not-a-badge.json", []byte(`{"hello":"world"}`))); exitCode(err) != 2 {
		t.Errorf("not a credential: %v", err)
	}
}
