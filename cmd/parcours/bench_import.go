package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/formats"
	"github.com/parcours/parcours/projections"
)

// benchImport measures the import of LEAP2A zips through the API on the
// embedded default, at two sizes: the import (items appended, files
// stored and encrypted) against its preview in the same run (the same
// file read and decided, nothing stored); the same file imported again
// (nothing to add); and the peak resident memory of the process (server
// and client: the zip is in memory on both sides).
func benchImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per result")
	entries := fs.Int("entries", 500, "entries of the large export (its files count among them)")
	files := fs.Int("files", 200, "files of the large export")
	fileKB := fs.Int("file-kb", 50, "size of each file in KiB")
	if err := fs.Parse(args); err != nil {
		return err
	}
	sys, base, stop, err := startBenchService(ctx, "import", "sqlite")
	if err != nil {
		return err
	}
	defer stop()
	token, _, err := benchSeed(ctx, sys, base)
	if err != nil {
		return err
	}
	for i, size := range [][2]int{{*entries / 5, *files / 5}, {*entries, *files}} {
		zip, err := benchLEAP2A(ctx, size[0], size[1], *fileKB<<10)
		if err != nil {
			return err
		}
		url := fmt.Sprintf("%s/v1/portfolios/p-%02d/imports", base, 10+i)
		preview, _, err := timedImport(ctx, url+"/preview", token, zip)
		if err != nil {
			return err
		}
		resetPeakRSS()
		took, body, err := timedImport(ctx, url, token, zip)
		if err != nil {
			return err
		}
		rss := peakRSSMB()
		again, body2, err := timedImport(ctx, url, token, zip)
		if err != nil {
			return err
		}
		if !bytes.Contains(body2, []byte(`"added":0`)) {
			return fmt.Errorf("bench import: the second import added something: %.300s", body2)
		}
		durability := fmt.Sprintf("WAL, synchronous=FULL (durable appends), files encrypted with the owner's key; LEAP2A zip of %d entries (%d files of %d KiB, %.1f MB); %.200s",
			size[0], size[1], *fileKB, float64(len(zip))/1e6, body[:min(len(body), 80)])
		printBench(stdout, *asJSON, benchLine{Bench: "import", Case: fmt.Sprintf("leap2a-%d-entries-%d-files", size[0], size[1]), Backend: "sqlite",
			Value: round1(took.Seconds() * 1000), Unit: "ms", Baseline: round1(preview.Seconds() * 1000), Ratio: ratio(took.Seconds(), preview.Seconds()),
			Seconds: round1(took.Seconds()), PeakRSSMB: rss, Durability: durability + "; baseline: the preview of the same file", Machine: machine()})
		printBench(stdout, *asJSON, benchLine{Bench: "import", Case: fmt.Sprintf("leap2a-%d-entries-again", size[0]), Backend: "sqlite",
			Value: round1(again.Seconds() * 1000), Unit: "ms", Baseline: round1(took.Seconds() * 1000), Ratio: ratio(again.Seconds(), took.Seconds()),
			Durability: "the same file imported a second time (nothing added) vs the first import", Machine: machine()})
	}
	return nil
}

func timedImport(ctx context.Context, url, token string, zip []byte) (time.Duration, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(zip))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/zip")
	t0 := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	took := time.Since(t0)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("bench import: %s answered %d: %.300s", url, resp.StatusCode, body)
	}
	return took, body, err
}

// benchLEAP2A is a LEAP2A zip of n entries, files of them evidence with
// a JPEG file each, written by the export: experiences with tasks,
// competences related to them, text evidence.
func benchLEAP2A(ctx context.Context, n, files, fileSize int) ([]byte, error) {
	x := formats.LEAP2AExport{PortfolioID: "p-src", Title: "Bench", Owner: projections.PersonView{ID: "p-src", Name: "Source"}, Now: time.Now()}
	rest := n - files
	nx := max(1, rest/2)
	for i := range nx {
		x.Experiences = append(x.Experiences, projections.ExperienceView{ID: fmt.Sprintf("x-%d", i), Kind: domain.KindProfessional,
			Context: domain.ContextFormal, From: "2020-01-01", To: "2021-06-30", Title: fmt.Sprintf("Poste %d", i), Organisation: "Entreprise",
			Description: "Accueil, vente, encaissement et mise en rayon.", Tasks: []projections.TaskView{{ID: "t", Title: "Tenir la caisse"}}})
	}
	for i := range max(0, rest-nx) {
		if i%2 == 0 {
			x.Competences = append(x.Competences, projections.CompetenceView{ID: fmt.Sprintf("c-%d", i), Name: fmt.Sprintf("Compétence %d", i),
				Experiences: []string{fmt.Sprintf("x-%d", i%nx)}})
			continue
		}
		ex := &x.Experiences[i%nx]
		ex.Evidence = append(ex.Evidence, projections.EvidenceView{ID: fmt.Sprintf("ev-t%d", i), Kind: domain.EvidenceOfText,
			Title: "Récit", Text: "Ce jour-là j'ai appris à gérer une file d'attente."})
	}
	for i := range files {
		ex := &x.Experiences[i%nx]
		ex.Evidence = append(ex.Evidence, projections.EvidenceView{ID: fmt.Sprintf("ev-f%d", i), Kind: domain.EvidenceOfFile, Title: "Photo",
			FileName: fmt.Sprintf("photo-%d.jpg", i), File: &domain.FileRef{FileID: fmt.Sprint(i), MediaType: "image/jpeg"}})
	}
	jpeg := append([]byte{0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'J', 'F', 'I', 'F', 0}, make([]byte, fileSize)...)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range jpeg[11:] {
		jpeg[11+i] = byte(rng.Uint32()) // a photo barely compresses
	}
	var buf bytes.Buffer
	err := formats.WriteLEAP2A(ctx, &buf, x, func(_ context.Context, id string) (io.ReadCloser, error) {
		b := bytes.Clone(jpeg)
		copy(b[12:], id) // each file its own bytes
		return io.NopCloser(bytes.NewReader(b)), nil
	})
	return buf.Bytes(), err
}
