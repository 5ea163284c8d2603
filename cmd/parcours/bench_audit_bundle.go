package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/parcours/parcours/auditlog"
	"github.com/parcours/parcours/auditlog/auditlogtest"
	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/eventcodec"
)

// benchAuditBundle seeds a submitted dossier with files evidence files of
// size bytes through the real commands, then builds its bundle and
// verifies it five times each.
func benchAuditBundle(ctx context.Context, files, size int, stdout io.Writer, asJSON bool) error {
	b, err := openAuditBench(ctx, 1000)
	if err != nil {
		return err
	}
	defer b.close()
	v, err := openVault(ctx, b.sc, true)
	if err != nil {
		return err
	}
	defer v.close()
	now := time.Now().UTC().Truncate(time.Second)
	h := commands.New(b.store, v.ring, commands.Options{Now: func() time.Time { return now }})
	s, err := auditlogtest.SeedDossier(ctx, h, v.files, auditlogtest.Options{Files: files, FileSize: size, Now: now})
	if err != nil {
		return err
	}
	if err := b.log.CatchUp(ctx, true); err != nil {
		return err
	}
	src := auditlog.Sources{Log: b.log, Store: b.store, Codec: eventcodec.New(v.ring), Files: v.files}
	var build, check []time.Duration
	var zipBytes int
	for i := 0; i < 5; i++ {
		var buf bytes.Buffer
		t0 := time.Now()
		if _, err := auditlog.BuildBundle(ctx, src, s.Portfolio, s.Dossier, &buf); err != nil {
			return err
		}
		build = append(build, time.Since(t0))
		zipBytes = buf.Len()
		t1 := time.Now()
		rep := auditlog.VerifyBundle(bytes.NewReader(buf.Bytes()), int64(buf.Len()), auditlog.VerifyOptions{PublicKey: b.log.PublicKey()})
		check = append(check, time.Since(t1))
		if !rep.OK() {
			return fmt.Errorf("the benchmark's bundle does not verify: %+v", rep.Checks)
		}
	}
	note := fmt.Sprintf("%d evidence files of %d KiB, bundle %.1f MB, in memory; build decrypts each file (AES-GCM, sio) and checks its SHA-256",
		files, size>>10, float64(zipBytes)/(1<<20))
	for _, m := range []struct {
		name string
		lat  []time.Duration
	}{{"bundle-build", build}, {"bundle-verify", check}} {
		slices.Sort(m.lat)
		printBench(stdout, asJSON, benchLine{Bench: "audit", Case: fmt.Sprintf("%s-%d-files", m.name, files), Backend: "sqlite",
			Value: ms(quantile(m.lat, 0.5)), Unit: "ms p50", Appends: int64(len(m.lat)), P50ms: ms(quantile(m.lat, 0.5)),
			P99ms: ms(quantile(m.lat, 0.99)), MaxMs: ms(quantile(m.lat, 1)), Durability: note, Machine: machine()})
	}
	return nil
}
