package personaldata_test

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkSealData: sealing the personal part of a realistic event for
// one of 16 people whose keys exist.
//
//	go test -run '^$' -bench SealData ./personaldata
func BenchmarkSealData(b *testing.B) {
	ring, _, _ := newRing(b)
	ctx := context.Background()
	clear := []byte(`{"experience_id":"e-1","kind":"professional","context":"formal","from":"2021-09-01","to":"2023-06-30","occupation":"ROME:D1106"}`)
	personal := []byte(`{"title":"Vendeuse en boulangerie","organisation":"Boulangerie du Vieux-Port, Marseille","description":"Accueil des clients, encaissement, mise en rayon."}`)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := ring.SealData(ctx, binding(uint64(i)), fmt.Sprintf("person-%d", i%16), clear, personal); err != nil {
			b.Fatal(err)
		}
	}
}
