package credentials

import (
	"sync"
	"time"
)

// Rate is a token bucket's refill rate and size.
type Rate struct {
	PerMinute float64
	Burst     int
}

// limiter is a set of in-memory token buckets, one per key. A full bucket
// is the same as no bucket, so full ones are dropped when the set grows:
// memory stays proportional to the keys seen within about a minute.
// (golang.org/x/time/rate would do for one bucket; the keyed set and its
// sweeping are what this adds, in fewer lines than the adapter would be.)
type limiter struct {
	mu      sync.Mutex
	rate    Rate
	buckets map[string]*bucket
	sweepAt int
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(r Rate) *limiter {
	return &limiter{rate: r, buckets: map[string]*bucket{}, sweepAt: 1024}
}

// take spends one token of key's bucket at now. When none is left it
// says how long until one is.
func (l *limiter) take(key string, now time.Time) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buckets) >= l.sweepAt {
		l.sweep(now)
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: float64(l.rate.Burst), at: now}
		l.buckets[key] = b
	}
	b.tokens = l.level(b, now)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return 0, true
	}
	perToken := time.Duration(float64(time.Minute) / l.rate.PerMinute)
	return time.Duration((1 - b.tokens) * float64(perToken)), false
}

// level is the bucket's tokens at now.
func (l *limiter) level(b *bucket, now time.Time) float64 {
	elapsed := now.Sub(b.at)
	if elapsed < 0 {
		elapsed = 0
	}
	return min(float64(l.rate.Burst), b.tokens+elapsed.Minutes()*l.rate.PerMinute)
}

// sweep drops full buckets; if most are not full (an attack from many
// keys), the next sweep waits until the set has doubled.
func (l *limiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if l.level(b, now) >= float64(l.rate.Burst) {
			delete(l.buckets, k)
		}
	}
	l.sweepAt = max(1024, 2*len(l.buckets))
}
