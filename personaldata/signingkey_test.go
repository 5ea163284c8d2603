package personaldata_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"testing"

	"github.com/parcours/parcours/personaldata"
)

// TestSigningKey, on SQLite and PostgreSQL: a subject's signing key is
// created once and found again by another key ring on the same store (a
// restart, another process), differs between subjects and master keys,
// and is gone once the subject is erased.
func TestSigningKey(t *testing.T) {
	stores := map[string]func(t *testing.T) personaldata.KeyStore{
		"sqlite": func(t *testing.T) personaldata.KeyStore { return sqliteKeys(t, t.TempDir()) },
		"postgres": func(t *testing.T) personaldata.KeyStore {
			pool := postgresPool(t)
			if err := personaldata.MigratePostgresKeys(context.Background(), pool); err != nil {
				t.Fatal(err)
			}
			k, err := personaldata.NewPostgresKeys(context.Background(), pool)
			if err != nil {
				t.Fatal(err)
			}
			return k
		},
	}
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			ks := open(t)
			master := bytes.Repeat([]byte{3}, 32)
			ring := func(m []byte) *personaldata.Keyring {
				r, err := personaldata.NewKeyring(ks, m)
				if err != nil {
					t.Fatal(err)
				}
				return r
			}
			a, err := ring(master).SigningKey(ctx, "badge-issuer:s-ml")
			if err != nil {
				t.Fatal(err)
			}
			again, err := ring(master).SigningKey(ctx, "badge-issuer:s-ml")
			if err != nil || !a.Equal(again) {
				t.Fatalf("another ring finds another key (%v)", err)
			}
			other, _ := ring(master).SigningKey(ctx, "badge-issuer:s-other")
			if a.Equal(other) {
				t.Fatal("two subjects share a key")
			}
			msg := []byte("credential")
			if !ed25519.Verify(a.Public().(ed25519.PublicKey), msg, ed25519.Sign(again, msg)) {
				t.Fatal("the key does not sign")
			}
			if _, err := ring(bytes.Repeat([]byte{4}, 32)).SigningKey(ctx, "badge-issuer:s-ml"); err == nil {
				t.Fatal("another master key unwraps the key")
			}
			if _, err := ring(master).Erase(ctx, "badge-issuer:s-ml"); err != nil {
				t.Fatal(err)
			}
			if _, err := ring(master).SigningKey(ctx, "badge-issuer:s-ml"); !errors.Is(err, personaldata.ErrErased) {
				t.Fatalf("after erasure: %v", err)
			}
		})
	}
}
