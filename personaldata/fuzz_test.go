package personaldata_test

import (
	"context"
	"testing"
)

// FuzzOpenData: whatever bytes an event's data holds, opening never panics
// and never yields personal data without a valid seal.
func FuzzOpenData(f *testing.F) {
	f.Add([]byte(`{"sealed":{"v":1,"subject":"person-1","box":"AAAA"}}`))
	f.Add([]byte(`{"sealed":{"v":2,"subject":"person-1","box":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}}`))
	f.Add([]byte(`{"sealed":null}`))
	f.Add([]byte(`[1,2]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ring, _, _ := newRing(t)
		o, err := ring.OpenData(context.Background(), binding(0), data)
		if err == nil && o.Personal != nil {
			t.Fatalf("opened personal data from forged input %q", data)
		}
	})
}
