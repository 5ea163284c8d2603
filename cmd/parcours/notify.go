package main

import (
	"context"
	"flag"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/parcours/parcours/notify"
)

// notifyConfig configures the e-mail digests and the inactivity sweep of
// `parcours serve`.
type notifyConfig struct {
	SMTP      string // host:port; empty: no e-mail (notifications stay in the app and the outbox)
	SMTPUser  string
	StartTLS  string
	From      string
	PublicURL string // serve's --public-url (config.go), for the links of e-mails
	Window    time.Duration
	Sweep     time.Duration
}

func addNotifyFlags(fs *flag.FlagSet) *notifyConfig {
	c := &notifyConfig{}
	fs.StringVar(&c.SMTP, "smtp", env("PARCOURS_SMTP", ""), "SMTP server (host:port) for the notification digests; empty: no e-mail, the outbox keeps them (env PARCOURS_SMTP; the password in PARCOURS_SMTP_PASSWORD)")
	fs.StringVar(&c.SMTPUser, "smtp-user", env("PARCOURS_SMTP_USER", ""), "SMTP user name, if the server wants one (env PARCOURS_SMTP_USER)")
	fs.StringVar(&c.StartTLS, "smtp-starttls", env("PARCOURS_SMTP_STARTTLS", "opportunistic"), "STARTTLS: opportunistic, mandatory or none (env PARCOURS_SMTP_STARTTLS)")
	fs.StringVar(&c.From, "mail-from", env("PARCOURS_MAIL_FROM", "Parcours <noreply@localhost>"), "sender address of the digests (env PARCOURS_MAIL_FROM)")
	fs.DurationVar(&c.Window, "digest-window", envDuration("PARCOURS_DIGEST_WINDOW", 10*time.Minute), "how long a notification waits for others to join its digest (env PARCOURS_DIGEST_WINDOW)")
	fs.DurationVar(&c.Sweep, "inactivity-sweep", envDuration("PARCOURS_INACTIVITY_SWEEP", time.Hour), "how often inactive beneficiaries are looked for (env PARCOURS_INACTIVITY_SWEEP)")
	return c
}

// startNotify runs the digest sender (when an SMTP server is set) and the
// inactivity sweep until the returned stop is called.
func startNotify(ctx context.Context, c *notifyConfig, sys *system, addr string, log *slog.Logger) (stop func(), err error) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	run := func(f func(context.Context)) {
		wg.Add(1)
		go func() { defer wg.Done(); f(ctx) }()
	}
	run(notify.NewSweeper(sys.queries, sys.h, c.Sweep, nil, log).Run)
	if c.SMTP != "" {
		host, portText, err := net.SplitHostPort(c.SMTP)
		port, perr := strconv.Atoi(portText)
		if err != nil || perr != nil {
			cancel()
			wg.Wait()
			return nil, usageError("--smtp %q: want host:port", c.SMTP)
		}
		public := c.PublicURL
		if public == "" {
			public = "http://" + addr
		}
		run(notify.NewSender(sys.queries, notify.Config{
			SMTP: notify.SMTP{Host: host, Port: port, Username: c.SMTPUser, Password: env("PARCOURS_SMTP_PASSWORD", ""),
				StartTLS: c.StartTLS, From: c.From},
			BaseURL: public, Window: c.Window, SendNow: c.Window == 0, Log: log,
		}).Run)
		log.Info("notification digests by e-mail", slog.String("smtp", c.SMTP), slog.Duration("window", c.Window))
	}
	return func() { cancel(); wg.Wait() }, nil
}
