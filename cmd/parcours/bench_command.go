package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore/sqlite"
	"github.com/parcours/parcours/personaldata"
)

// benchCommand measures command latency on a short and a long portfolio
// stream in one run: the cost must not grow with history.
func benchCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench command", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per result")
	long := fs.Int("long", 10000, "events in the long stream")
	short := fs.Int("short", 10, "events in the short stream")
	n := fs.Int("commands", 300, "commands measured on each stream (interleaved)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "parcours-bench-command-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	h, closeAll, err := benchHandler(ctx, dir)
	if err != nil {
		return err
	}
	defer closeAll()
	op := commands.Call{Actor: domain.Actor{PersonID: "operator", Role: domain.RoleOperator}}
	if _, err := h.RegisterStructure(ctx, op, commands.RegisterStructure{StructureID: "s-bench", Name: "Bench", Seats: 10}); err != nil {
		return err
	}
	sizes := map[string]int{"p-short": *short, "p-long": *long}
	for id, size := range sizes {
		if _, err := h.EnrolPerson(ctx, op, commands.EnrolPerson{StructureID: "s-bench", PersonID: id, Role: domain.RoleBeneficiary, Name: "Bench " + id}); err != nil {
			return err
		}
		if err := fillPortfolio(ctx, h, id, size); err != nil {
			return err
		}
	}
	lat := map[string][]time.Duration{}
	for i := 0; i < *n; i++ {
		for _, id := range []string{"p-short", "p-long"} {
			call := commands.Call{Actor: domain.Actor{PersonID: id, Tenant: "s-bench", Role: domain.RoleBeneficiary}}
			in := benchExperience(i)
			t0 := time.Now()
			if _, err := h.EditExperience(ctx, call, commands.EditExperience{PortfolioID: id, ExperienceID: "x-0", ExperienceInput: in}); err != nil {
				return err
			}
			lat[id] = append(lat[id], time.Since(t0))
		}
	}
	var p50 [2]float64
	for i, id := range []string{"p-short", "p-long"} {
		l := lat[id]
		slices.Sort(l)
		p50[i] = msf(quantile(l, 0.5))
		printBench(stdout, *asJSON, benchLine{Bench: "command", Case: fmt.Sprintf("%d-events", sizes[id]), Backend: "sqlite",
			Value: p50[i], Unit: "ms p50", P50ms: p50[i], P99ms: msf(quantile(l, 0.99)), MaxMs: msf(quantile(l, 1)),
			Appends: int64(len(l)), Durability: "WAL, synchronous=FULL", Machine: machine()})
	}
	printBench(stdout, *asJSON, benchLine{Bench: "command", Case: fmt.Sprintf("%d-vs-%d", *long, *short), Backend: "sqlite",
		Value: p50[1], Unit: "ms p50", Baseline: p50[0], Ratio: float64(int(p50[1]/p50[0]*1000)) / 1000,
		Durability: "WAL, synchronous=FULL", Machine: machine()})
	return nil
}

func msf(d time.Duration) float64 { return float64(d.Nanoseconds()/1000) / 1000 }

func benchHandler(ctx context.Context, dir string) (*commands.Handler, func(), error) {
	path := filepath.Join(dir, "events.db")
	if _, err := sqlite.Migrate(ctx, path); err != nil {
		return nil, nil, err
	}
	store, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		return nil, nil, err
	}
	kpath := filepath.Join(dir, "keys.db")
	if err := personaldata.MigrateSQLiteKeys(ctx, kpath); err != nil {
		store.Close()
		return nil, nil, err
	}
	keys, err := personaldata.OpenSQLiteKeys(ctx, kpath)
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	master, err := personaldata.LoadMasterKey("", dir)
	if err != nil {
		return nil, nil, err
	}
	ring, err := personaldata.NewKeyring(keys, master)
	if err != nil {
		return nil, nil, err
	}
	return commands.New(store, ring, commands.Options{}), func() { store.Close(); keys.Close() }, nil
}

// fillPortfolio brings a portfolio to size events with experiences and
// edits, through the commands.
func fillPortfolio(ctx context.Context, h *commands.Handler, id string, size int) error {
	call := commands.Call{Actor: domain.Actor{PersonID: id, Tenant: "s-bench", Role: domain.RoleBeneficiary}}
	for i := 1; i < size; i++ { // PortfolioOpened is event 0
		var err error
		if i <= 50 {
			_, err = h.AddExperience(ctx, call, commands.AddExperience{PortfolioID: id, ExperienceID: fmt.Sprintf("x-%d", i-1), ExperienceInput: benchExperience(i)})
		} else {
			_, err = h.EditExperience(ctx, call, commands.EditExperience{PortfolioID: id, ExperienceID: fmt.Sprintf("x-%d", i%50), ExperienceInput: benchExperience(i)})
		}
		if err != nil {
			return fmt.Errorf("fill %s: %w", id, err)
		}
	}
	return nil
}

func benchExperience(i int) domain.ExperienceInput {
	return domain.ExperienceInput{Kind: domain.KindProfessional, Context: domain.ContextFormal, From: "2021-09-01", To: "2023-06-30",
		Occupation: "ROME:D1106", Text: domain.ExperienceText{Title: fmt.Sprintf("Vendeuse (%d)", i), Organisation: "Boulangerie du Vieux-Port",
			Description: "Accueil des clients, encaissement, mise en rayon, préparation des commandes."}}
}
