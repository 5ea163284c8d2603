package sqlite_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/eventstore/sqlite"
)

func benchEvent(i int) eventstore.Proposed {
	return eventstore.Proposed{ID: eventstore.NewEventID(), Type: "ExperienceAdded", SchemaVersion: 1,
		Data:     []byte(fmt.Sprintf(`{"experience_id":"e-%d","kind":"professional","from":"2021-09-01"}`, i)),
		Metadata: []byte(`{"actor":"person-1","role":"beneficiary","tenant":"structure-1"}`)}
}

// BenchmarkAppend: one durable append of one event at a time.
func BenchmarkAppend(b *testing.B) {
	s := openStore(b, b.TempDir(), sqlite.Options{})
	ctx := context.Background()
	exp := eventstore.NoStream
	for i := 0; b.Loop(); i++ {
		res, err := s.Append(ctx, "bench", exp, benchEvent(i))
		if err != nil {
			b.Fatal(err)
		}
		exp = eventstore.Exactly(res.LastRevision)
	}
}

// BenchmarkAppendParallel: many writers on distinct streams share group
// commits (run with -cpu or SetParallelism to vary the writers).
func BenchmarkAppendParallel(b *testing.B) {
	s := openStore(b, b.TempDir(), sqlite.Options{})
	ctx := context.Background()
	var n atomic.Int64
	b.SetParallelism(32)
	b.RunParallel(func(pb *testing.PB) {
		stream := fmt.Sprintf("bench-%d", n.Add(1))
		for i := 0; pb.Next(); i++ {
			if _, err := s.Append(ctx, stream, eventstore.Any, benchEvent(i)); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func fill(b *testing.B, s eventstore.Store, streams, perStream int) {
	ctx := context.Background()
	for st := 0; st < streams; st++ {
		batch := make([]eventstore.Proposed, 0, 100)
		for i := 0; i < perStream; i++ {
			batch = append(batch, benchEvent(i))
			if len(batch) == cap(batch) || i == perStream-1 {
				if _, err := s.Append(ctx, fmt.Sprintf("s-%d", st), eventstore.Any, batch...); err != nil {
					b.Fatal(err)
				}
				batch = batch[:0]
			}
		}
	}
}

// BenchmarkReadStream reads a 1,000-event stream among others, at two
// stream lengths, to show the cost grows with what is read, not the log.
func BenchmarkReadStream(b *testing.B) {
	for _, streams := range []int{1, 20} {
		b.Run(fmt.Sprintf("log=%dk", streams), func(b *testing.B) {
			s := openStore(b, b.TempDir(), sqlite.Options{})
			fill(b, s, streams, 1000)
			ctx := context.Background()
			for b.Loop() {
				events, err := s.ReadStream(ctx, "s-0", eventstore.ReadOptions{Limit: 1000})
				if err != nil || len(events) != 1000 {
					b.Fatal(len(events), err)
				}
			}
			b.ReportMetric(1000, "events/op")
		})
	}
}

// BenchmarkReadAll scans the global log in pages of 1,000.
func BenchmarkReadAll(b *testing.B) {
	s := openStore(b, b.TempDir(), sqlite.Options{})
	fill(b, s, 10, 1000)
	ctx := context.Background()
	for b.Loop() {
		from, n := eventstore.Start, 0
		for {
			page, err := s.ReadAll(ctx, from, 1000)
			if err != nil {
				b.Fatal(err)
			}
			n += len(page)
			if len(page) < 1000 {
				break
			}
			from = page[len(page)-1].Position
		}
		if n != 10000 {
			b.Fatal(n)
		}
	}
	b.ReportMetric(10000, "events/op")
}
