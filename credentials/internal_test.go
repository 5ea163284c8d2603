package credentials

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestPHC(t *testing.T) {
	ctx := context.Background()
	h := newHasher(Params{Time: 1, Memory: 64, Threads: 1}, 1, nil)
	phc, err := h.hash(ctx, "correct horse battery")
	if err != nil || !strings.HasPrefix(phc, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hash: %q %v", phc, err)
	}
	if ok, stale, err := h.verify(ctx, "correct horse battery", phc); !ok || stale || err != nil {
		t.Fatalf("verify: %v %v %v", ok, stale, err)
	}
	if ok, _, _ := h.verify(ctx, "correct horse batterz", phc); ok {
		t.Fatal("a wrong password verified")
	}
	raised := newHasher(Params{Time: 2, Memory: 64, Threads: 1}, 1, nil)
	if ok, stale, _ := raised.verify(ctx, "correct horse battery", phc); !ok || !stale {
		t.Fatalf("older parameters: ok %v, stale %v", ok, stale)
	}
	for _, bad := range []string{
		"", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=16$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=64,t=0,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=64,t=1,p=1$!!$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA",
	} {
		if _, _, err := h.verify(ctx, "x", bad); err == nil {
			t.Errorf("%q was accepted", bad)
		}
	}
}

// FuzzDecodePHC: a stored hash never makes the decoder panic or accept
// parameters out of bounds.
func FuzzDecodePHC(f *testing.F) {
	f.Add("$argon2id$v=19$m=65536,t=2,p=2$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")
	f.Add("$argon2id$v=19$m=1,t=1,p=255$$")
	f.Fuzz(func(t *testing.T, s string) {
		p, salt, key, err := decodePHC(s)
		if err != nil {
			return
		}
		if p.Memory > maxMemory || p.Time > maxTime || p.Threads > maxThreads || p.Time < 1 || p.Threads < 1 || len(salt) < 8 || len(key) < 16 || len(key) > 64 {
			t.Fatalf("accepted %q: %+v", s, p)
		}
	})
}

// BenchmarkHash measures one login's hash with DefaultParams.
func BenchmarkHash(b *testing.B) {
	h := newHasher(DefaultParams, 1, nil)
	for b.Loop() {
		if _, err := h.hash(context.Background(), "correct horse battery"); err != nil {
			b.Fatal(err)
		}
	}
}

func TestLimiter(t *testing.T) {
	l := newLimiter(Rate{PerMinute: 5, Burst: 5})
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 5 {
		if _, ok := l.take("a", t0); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	wait, ok := l.take("a", t0)
	if ok || wait != 12*time.Second {
		t.Fatalf("6th: ok %v, wait %v", ok, wait)
	}
	if _, ok := l.take("b", t0); !ok {
		t.Fatal("another key shares the bucket")
	}
	if _, ok := l.take("a", t0.Add(11*time.Second)); ok {
		t.Fatal("refilled too early")
	}
	if _, ok := l.take("a", t0.Add(12*time.Second)); !ok {
		t.Fatal("not refilled after Retry-After")
	}
	for i := range 2000 {
		l.take(string(rune(i)), t0)
	}
	for i := range 100 {
		l.take(fmt.Sprint("late", i), t0.Add(2*time.Minute))
	}
	if len(l.buckets) > 100 {
		t.Fatalf("%d buckets kept after they all refilled", len(l.buckets))
	}
}
