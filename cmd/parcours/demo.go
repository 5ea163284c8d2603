package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/parcours/parcours/demo"
)

// demoDataDir is where `serve --demo` keeps its data unless --data is
// given (PARCOURS_DATA is not followed): a directory of its own, so that
// the demo never mixes with real data.
const demoDataDir = "./parcours-demo"

// demoConfig points the store flags at the demo's data directory; the
// demo runs on the embedded default only.
func demoConfig(fs *flag.FlagSet, sc *storeConfig) error {
	if kind, err := sc.kind(); err != nil || kind != "sqlite" {
		return usageError("--demo runs on the embedded default: leave --store empty")
	}
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "data" })
	if !given {
		sc.Data = demoDataDir
	}
	return nil
}

// shownDemo is what serve prints of the demo; the zero value, without
// --demo, prints nothing.
type shownDemo struct {
	dir string
	demo.Seeded
}

// startDemo seeds the demo (on a restart, nothing new is written) and
// waits until the read models show all of it.
func startDemo(ctx context.Context, sys *system, dir string) (shownDemo, error) {
	s, err := demo.Seed(ctx, demo.Deps{Commands: sys.h, Creds: sys.creds, Files: sys.vault.files}, dir)
	if err != nil {
		return shownDemo{}, err
	}
	head, err := sys.store.Head(ctx)
	if err != nil {
		return shownDemo{}, fmt.Errorf("demo: %w", err)
	}
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := sys.runner.WaitFor(wctx, head); err != nil {
		return shownDemo{}, fmt.Errorf("demo: wait for the read models: %w", err)
	}
	return shownDemo{dir: dir, Seeded: s}, nil
}

// print tells a newcomer where to go and how to log in, base being the
// address the service answers on.
func (d shownDemo) print(w io.Writer, base string) {
	if d.dir == "" {
		return
	}
	fmt.Fprintf(w, "\nDemo data in %s (for trying only; remove the directory to start afresh).\n", d.dir)
	fmt.Fprintf(w, "Log in at %s/login as anyone below, password %s:\n", base, demo.Password)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, p := range d.People {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", strings.ReplaceAll(string(p.Role), "_", " "), p.Email, p.Name, p.About)
	}
	tw.Flush()
	fmt.Fprintf(w, "Published page, as a recruiter sees it (no login): %s%s\n", base, d.PagePath)
	if d.NewLink {
		fmt.Fprintf(w, "(a new link: the earlier one's token went with %s, and that link is revoked)\n", demo.StateFile)
	}
}
