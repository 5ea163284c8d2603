package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/eventstore/postgres"
)

// The benchmarks come in pairs: the store, and the same rows inserted with
// plain INSERTs into an identical table (the limit), with the same
// concurrency. Besides ns/op they report the CPU time spent per event by
// this process (go-ns/op) and by the server (pg-ns/op; 0 if the server is
// not on this machine).
//
//	go test -run '^$' -bench . ./eventstore/postgres/

func benchEvent(i int) eventstore.Proposed {
	id := eventstore.NewEventID()
	return eventstore.Proposed{ID: id, Type: "ExperienceAdded", SchemaVersion: 1,
		Data:     []byte(fmt.Sprintf(`{"experience_id":"%s","kind":"professional","context":"formal","from":"2021-09-01","n":%d}`, id, i)),
		Metadata: []byte(`{"actor":"person-7f3a","role":"beneficiary","tenant":"structure-12"}`)}
}

const rawInsert = `INSERT INTO events (ord, stream, revision, event_id, type, schema_version, data, metadata, prev_hash, hash)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`

// cpuMeter starts measuring the CPU time this process and the server's
// sessions named app spend; report adds both, per op, to the results.
func cpuMeter(b *testing.B, app string) (report func()) {
	goStart, pgStart := processCPU(), postgres.BackendCPU(b, app)
	return func() {
		b.ReportMetric(float64(processCPU()-goStart)/float64(b.N), "go-ns/op")
		b.ReportMetric(float64(postgres.BackendCPU(b, app)-pgStart)/float64(b.N), "pg-ns/op")
	}
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkAppend: one durable append of one event at a time.
func BenchmarkAppend(b *testing.B) {
	s := postgres.OpenTestStore(b, postgres.WithParam(postgres.NewTestSchema(b), "application_name", "bench-store"), postgres.Options{})
	ctx := context.Background()
	exp := eventstore.NoStream
	report := cpuMeter(b, "bench-store")
	for i := 0; b.Loop(); i++ {
		res, err := s.Append(ctx, "bench", exp, benchEvent(i))
		if err != nil {
			b.Fatal(err)
		}
		exp = eventstore.Exactly(res.LastRevision)
	}
	report()
}

// BenchmarkRawInsert is BenchmarkAppend's limit: one single-row INSERT
// (one transaction) at a time.
func BenchmarkRawInsert(b *testing.B) {
	pool := rawPool(b, 1)
	ctx := context.Background()
	var zero eventstore.Hash
	report := cpuMeter(b, "bench-raw")
	for i := 0; b.Loop(); i++ {
		e := benchEvent(i)
		if _, err := pool.Exec(ctx, rawInsert, 0, "bench", i, e.ID, e.Type, int64(e.SchemaVersion), e.Data, e.Metadata, zero[:], zero[:]); err != nil {
			b.Fatal(err)
		}
	}
	report()
}

// BenchmarkAppend64Writers: 64 writers, each appending one event at a time
// to its own stream with an exact expectation; group commit shares the
// commits. One op is one event.
func BenchmarkAppend64Writers(b *testing.B) {
	s := postgres.OpenTestStore(b, postgres.WithParam(postgres.NewTestSchema(b), "application_name", "bench-store"), postgres.Options{})
	ctx := context.Background()
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	report := cpuMeter(b, "bench-store")
	for w := 0; w < 64; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stream := fmt.Sprintf("bench-%d", w)
			exp := eventstore.NoStream
			for i := int(next.Add(1)); i <= b.N; i = int(next.Add(1)) {
				res, err := s.Append(ctx, stream, exp, benchEvent(i))
				if err != nil {
					b.Error(err)
					return
				}
				exp = eventstore.Exactly(res.LastRevision)
			}
		}()
	}
	wg.Wait()
	report()
}

// BenchmarkRawInsert64Writers is BenchmarkAppend64Writers' limit: the same
// rows from 64 writers, 100 rows per transaction (one pipelined batch of
// INSERTs), on a pool of 16 connections.
func BenchmarkRawInsert64Writers(b *testing.B) {
	pool := rawPool(b, 16)
	ctx := context.Background()
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	report := cpuMeter(b, "bench-raw")
	for w := 0; w < 64; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stream := fmt.Sprintf("raw-%d", w)
			var zero eventstore.Hash
			for rev := 0; next.Add(100) <= int64(b.N)+99; {
				batch := &pgx.Batch{}
				for i := range 100 {
					e := benchEvent(rev)
					batch.Queue(rawInsert, i, stream, rev, e.ID, e.Type, int64(e.SchemaVersion), e.Data, e.Metadata, zero[:], zero[:])
					rev++
				}
				if err := pool.SendBatch(ctx, batch).Close(); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	report()
}

// rawPool returns a pool of size conns on a fresh migrated schema.
func rawPool(b *testing.B, conns int32) *pgxpool.Pool {
	conn := postgres.WithParam(postgres.NewTestSchema(b), "application_name", "bench-raw")
	if _, err := postgres.Migrate(context.Background(), conn); err != nil {
		b.Fatal(err)
	}
	return postgres.NewTestPool(b, conn, conns)
}
