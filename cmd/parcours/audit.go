package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/parcours/parcours/auditlog"
	"github.com/parcours/parcours/eventcodec"
	"github.com/parcours/parcours/eventstore"
)

// auditConfig configures the signed Merkle log (package auditlog).
type auditConfig struct {
	// Origin names a new log (its key's name, the first line of its
	// checkpoints); empty picks a unique one on first start.
	Origin string
	// Every and Interval: a checkpoint is signed every Every events or
	// Interval, whichever comes first.
	Every    int
	Interval time.Duration
}

func addAuditFlags(fs *flag.FlagSet) *auditConfig {
	c := &auditConfig{}
	fs.StringVar(&c.Origin, "audit-origin", env("PARCOURS_AUDIT_ORIGIN", ""), "name of the audit log, fixed when its key is created (env PARCOURS_AUDIT_ORIGIN)")
	fs.IntVar(&c.Every, "audit-checkpoint-every", envInt("PARCOURS_AUDIT_CHECKPOINT_EVERY", 1000), "sign an audit checkpoint every N events (env PARCOURS_AUDIT_CHECKPOINT_EVERY)")
	fs.DurationVar(&c.Interval, "audit-checkpoint-interval", envDuration("PARCOURS_AUDIT_CHECKPOINT_INTERVAL", 10*time.Second), "or after this long, if events were added (env PARCOURS_AUDIT_CHECKPOINT_INTERVAL)")
	return c
}

func (c *auditConfig) validate() error {
	if c.Every <= 0 || c.Interval <= 0 {
		return usageError("--audit-checkpoint-every and --audit-checkpoint-interval must be positive")
	}
	if c.Origin != "" {
		return auditlog.ValidateOrigin(c.Origin)
	}
	return nil
}

// openAuditLog opens the audit log of the data directory: its signing key
// (audit.key, created on first start, mode 0600) and its tree
// (auditlog.db). Both are local files of the data directory whatever the
// event store, so they are created here rather than by `parcours migrate`.
func openAuditLog(ctx context.Context, sc *storeConfig, ac *auditConfig, store eventstore.Store, log *slog.Logger) (*auditlog.Log, error) {
	if err := ac.validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(sc.Data, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	key, err := auditlog.LoadOrCreateKey(sc.Data, ac.Origin)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(sc.Data, "auditlog.db")
	if err := auditlog.Migrate(ctx, path); err != nil {
		return nil, err
	}
	return auditlog.Open(ctx, path, store, key, auditlog.Config{CheckpointEvery: ac.Every, CheckpointInterval: ac.Interval, Log: log})
}

func audit(ctx context.Context, args []string, stdout, stderr io.Writer, log *slog.Logger) error {
	if len(args) == 0 {
		return usageError("audit: want a sub-command: public-key, watch, bundle")
	}
	switch args[0] {
	case "public-key":
		return auditPublicKey(args[1:], stdout, stderr)
	case "watch":
		return auditWatch(ctx, args[1:], stdout, stderr, log)
	case "bundle":
		return auditBundle(ctx, args[1:], stdout, stderr, log)
	}
	return usageError("audit: unknown sub-command %q (want public-key, watch, bundle)", args[0])
}

// auditPublicKey prints the log's verifier key, creating the key if this
// is the first start.
func auditPublicKey(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("audit public-key", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sc := addStoreFlags(fs)
	ac := addAuditFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := os.MkdirAll(sc.Data, 0o700); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	key, err := auditlog.LoadOrCreateKey(sc.Data, ac.Origin)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, key.Public)
	return nil
}

// auditWatch polls a server's checkpoint and checks each new one against
// the last one seen; a rewritten history ends it with exit status 1.
func auditWatch(ctx context.Context, args []string, stdout, stderr io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("audit watch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", env("PARCOURS_AUDIT_URL", ""), "base URL of the Parcours server (env PARCOURS_AUDIT_URL)")
	state := fs.String("state", env("PARCOURS_AUDIT_WATCH_STATE", "audit-watch.json"), "file keeping the last checkpoint seen (env PARCOURS_AUDIT_WATCH_STATE)")
	key := fs.String("key", env("PARCOURS_AUDIT_KEY", ""), "the log's public key, as obtained from the platform (default: the one kept in --state, or the server's on first run)")
	every := fs.Duration("every", time.Minute, "time between polls")
	once := fs.Bool("once", false, "poll once and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *url == "" {
		return usageError("audit watch: --url is required")
	}
	w := &auditlog.Watcher{URL: *url, StatePath: *state, PublicKey: *key}
	for {
		res, err := w.Check(ctx)
		var fork *auditlog.ForkError
		switch {
		case errors.As(err, &fork):
			fmt.Fprintf(stdout, "ALERTE : le journal a réécrit son historique / ALERT: the log rewrote its history\n%s\n\n"+
				"Point de contrôle conservé / kept checkpoint:\n%s\nNouveau / new:\n%s", fork.Reason, fork.Old, fork.New)
			return &exitError{code: 1, err: err}
		case err != nil && *once:
			return err
		case err != nil:
			log.Warn("audit watch: poll failed", slog.Any("err", err))
		default:
			printWatch(stdout, res)
		}
		if *once {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(*every):
		}
	}
}

func printWatch(w io.Writer, res auditlog.WatchResult) {
	c := res.Current
	switch {
	case res.KeyFromServer:
		fmt.Fprintf(w, "clé du serveur retenue, à comparer avec celle publiée / server key kept, compare it with the published one: %s\n", res.PublicKey)
		fallthrough
	case res.First:
		fmt.Fprintf(w, "OK: premier point de contrôle / first checkpoint: %d entrées/leaves, %s\n", c.Size, c.Time.Format(time.RFC3339))
	case res.Previous.Size == c.Size:
		fmt.Fprintf(w, "OK: inchangé / unchanged: %d\n", c.Size)
	default:
		fmt.Fprintf(w, "OK: %d → %d, preuve de cohérence vérifiée / consistency proof verified (%s)\n", res.Previous.Size, c.Size, c.Time.Format(time.RFC3339))
	}
}

// auditBundle builds the evidence bundle of a submitted dossier from the
// data directory (an operator's tool; auditors download theirs over HTTP
// with a grant). It first brings the log up to date and signs a
// checkpoint, so it works while the service is stopped too.
func auditBundle(ctx context.Context, args []string, stdout, stderr io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("audit bundle", flag.ContinueOnError)
	fs.SetOutput(stderr)
	portfolio := fs.String("portfolio", "", "portfolio ID (the beneficiary's person ID)")
	dossier := fs.String("dossier", "", "dossier ID")
	out := fs.String("out", "", "zip file to write (default dossier-PORTFOLIO-DOSSIER.zip)")
	sc := addStoreFlags(fs)
	ac := addAuditFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *portfolio == "" || *dossier == "" {
		return usageError("audit bundle: --portfolio and --dossier are required")
	}
	if *out == "" {
		*out = fmt.Sprintf("dossier-%s-%s.zip", *portfolio, *dossier)
	}
	store, err := openStore(ctx, sc, false)
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer store.Close()
	v, err := openVault(ctx, sc, false)
	if err != nil {
		return fmt.Errorf("open personal-data keys: %w", err)
	}
	defer v.close()
	l, err := openAuditLog(ctx, sc, ac, store, log)
	if err != nil {
		return err
	}
	defer l.Close()
	if err := l.CatchUp(ctx, true); err != nil {
		return err
	}
	src := auditlog.Sources{Log: l, Store: store, Codec: eventcodec.New(v.ring), Files: v.files}
	sum, err := writeBundle(ctx, src, *portfolio, *dossier, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d événements/events, %d parties divulguées/disclosed parts, %d fichiers/files, point de contrôle/checkpoint %d\n",
		*out, sum.Events, sum.Disclosed, sum.Files, sum.TreeSize)
	fmt.Fprintf(stdout, "clé publique / public key: %s\n", l.PublicKey())
	return nil
}

// writeBundle writes the bundle to a temporary file renamed to out once
// complete, so a failed build leaves no partial zip.
func writeBundle(ctx context.Context, src auditlog.Sources, portfolio, dossier, out string) (auditlog.BundleSummary, error) {
	tmp, err := os.CreateTemp(filepath.Dir(out), ".bundle-*.zip")
	if err != nil {
		return auditlog.BundleSummary{}, err
	}
	defer os.Remove(tmp.Name())
	sum, err := auditlog.BuildBundle(ctx, src, portfolio, dossier, tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), out)
	}
	return sum, err
}

// startAuditLog opens the audit log and runs its follower until stop is
// called; serve starts it next to the projections' runner. A follower
// that stops on its own (an event that does not match its hash) is
// logged as an error: the service keeps serving, without new checkpoints.
func startAuditLog(ctx context.Context, sc *storeConfig, ac *auditConfig, store eventstore.Store, log *slog.Logger) (*auditlog.Log, func(), error) {
	l, err := openAuditLog(ctx, sc, ac, store, log)
	if err != nil {
		return nil, nil, fmt.Errorf("audit log: %w", err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := l.Run(runCtx); err != nil && !errors.Is(err, context.Canceled) {
			log.Error("audit log stopped: no new checkpoints", slog.Any("err", err))
		}
	}()
	log.Info("audit log following", slog.String("origin", l.Origin()), slog.String("public_key", l.PublicKey()))
	return l, func() { cancel(); <-done; l.Close() }, nil
}
