package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/parcours/parcours/projections"
)

// rebuild replays the log into fresh read-model tables and swaps them in,
// while a running service keeps serving the old ones.
func rebuild(ctx context.Context, args []string, stdout, stderr io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("rebuild", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sc := addStoreFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	sys, err := openSystem(ctx, sc, false, log)
	if err != nil {
		return err
	}
	defer sys.close()
	var chosen []projections.Projection
	all := projections.All()
	if fs.NArg() == 0 {
		chosen = all
	}
	for _, name := range fs.Args() {
		found := false
		for _, p := range all {
			if p.Name() == name {
				chosen, found = append(chosen, p), true
			}
		}
		if !found {
			names := make([]string, len(all))
			for i, p := range all {
				names[i] = p.Name()
			}
			return usageError("rebuild: no read model %q (known: %s)", name, strings.Join(names, ", "))
		}
	}
	bar := newProgressBar(stdout, time.Now())
	start := time.Now()
	if err := projections.Rebuild(ctx, sys.store, sys.codec, sys.rm, chosen, bar.update); err != nil {
		return fmt.Errorf("rebuild: %w", err)
	}
	bar.finish()
	fmt.Fprintf(stdout, "rebuilt %d read models in %s\n", len(chosen), time.Since(start).Round(time.Millisecond))
	return nil
}

// progressBar draws done/total, rate and time left: a bar redrawn in place
// on a terminal, a plain line every two seconds otherwise.
type progressBar struct {
	w        io.Writer
	tty      bool
	start    time.Time
	last     time.Time
	lastLine string
}

func newProgressBar(w io.Writer, now time.Time) *progressBar {
	tty := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	return &progressBar{w: w, tty: tty, start: now}
}

func (p *progressBar) update(done, total uint64) {
	now := time.Now()
	if !p.tty && now.Sub(p.last) < 2*time.Second && done < total {
		return
	}
	p.last = now
	p.lastLine = progressLine(done, total, now.Sub(p.start))
	if p.tty {
		fmt.Fprintf(p.w, "\r%s", p.lastLine)
		return
	}
	fmt.Fprintln(p.w, p.lastLine)
}

func (p *progressBar) finish() {
	if p.tty && p.lastLine != "" {
		fmt.Fprintln(p.w)
	}
}

// progressLine renders one state of the progress.
func progressLine(done, total uint64, elapsed time.Duration) string {
	rate := float64(done) / max(elapsed.Seconds(), 1e-3)
	if total == 0 {
		return fmt.Sprintf("%d events, %.0f events/s", done, rate)
	}
	frac := float64(done) / float64(total)
	const width = 30
	filled := int(frac * width)
	left := time.Duration(float64(total-min(done, total))/max(rate, 1)) * time.Second
	return fmt.Sprintf("[%s%s] %3.0f%% %d/%d events, %.0f events/s, %s left",
		strings.Repeat("#", filled), strings.Repeat(".", width-filled), frac*100, done, total, rate, left.Round(time.Second))
}
