package notify

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/projections"
)

// SMTP is where digests are sent from and through.
type SMTP struct {
	Host     string
	Port     int
	Username string // empty: no authentication
	Password string
	// StartTLS is "opportunistic" (the default: STARTTLS when offered),
	// "mandatory", or "none" (a server on loopback, as in tests).
	StartTLS string
	From     string // the sender address
	Timeout  time.Duration
}

// Config configures a Sender.
type Config struct {
	SMTP SMTP
	// BaseURL is the service's public address, for the links of a digest.
	BaseURL string
	// Window is how long the oldest notification of a digest waits for
	// others to join it (default 10 minutes; 0 in tests: SendNow).
	Window  time.Duration
	SendNow bool
	// Every is how often the outbox is looked at (default 5 s).
	Every time.Duration
	// Backoff is the wait after a first failed attempt, doubled after
	// each until MaxBackoff (defaults 30 s and 1 h).
	Backoff, MaxBackoff time.Duration
	Now                 func() time.Time
	Log                 *slog.Logger
}

// Sender sends the digests of the outbox.
type Sender struct {
	q   *projections.Queries
	cfg Config
}

// NewSender returns a sender of the outbox q keeps.
func NewSender(q *projections.Queries, cfg Config) *Sender {
	if cfg.Window == 0 && !cfg.SendNow {
		cfg.Window = 10 * time.Minute
	}
	if cfg.Every <= 0 {
		cfg.Every = 5 * time.Second
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = 30 * time.Second
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.SMTP.Timeout <= 0 {
		cfg.SMTP.Timeout = 15 * time.Second
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	return &Sender{q: q, cfg: cfg}
}

// Run sends due digests every cfg.Every until ctx ends.
func (s *Sender) Run(ctx context.Context) {
	t := time.NewTicker(s.cfg.Every)
	defer t.Stop()
	for {
		if _, err := s.SendDue(ctx); err != nil && ctx.Err() == nil {
			s.cfg.Log.Warn("notification digests", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// SendDue sends every digest that is due, and answers how many went out.
// A digest the SMTP server refuses, or that cannot reach it, is postponed
// (its error is returned after the others were tried).
func (s *Sender) SendDue(ctx context.Context) (int, error) {
	now := s.cfg.Now().UTC()
	people, err := s.q.DueDigests(ctx, now, now.Add(-s.cfg.Window), 100)
	if err != nil {
		return 0, err
	}
	sent := 0
	var failed error
	for _, p := range people {
		ok, err := s.sendOne(ctx, p, now)
		if err != nil {
			failed = err
			continue
		}
		if ok {
			sent++
		}
	}
	return sent, failed
}

// SendPerson sends person's digest now, whatever the window; ok is false
// when nothing was sent.
func (s *Sender) SendPerson(ctx context.Context, person string) (ok bool, err error) {
	return s.sendOne(ctx, person, s.cfg.Now().UTC())
}

// sendOne claims person's digest and sends it; ok is false when nothing
// was sent (nothing pending, or no address: the digest is dropped).
func (s *Sender) sendOne(ctx context.Context, person string, now time.Time) (ok bool, err error) {
	d, found, err := s.q.ClaimDigest(ctx, person)
	if err != nil || !found {
		return false, err
	}
	actors := make([]string, 0, len(d.Items))
	for _, it := range d.Items {
		actors = append(actors, it.Actor)
	}
	rc, err := s.q.DigestRecipient(ctx, person, actors)
	if err != nil {
		return false, err
	}
	if rc.Erased || rc.Email == "" {
		s.cfg.Log.Info("notification digest dropped: no address", "person", person, "digest", d.ID)
		return false, s.q.MarkDigestSent(ctx, d, now)
	}
	msg, err := s.message(ctx, d, rc, now)
	if err != nil {
		return false, err
	}
	if err := s.deliver(ctx, msg); err != nil {
		wait := min(s.cfg.MaxBackoff, s.cfg.Backoff<<min(d.Attempts, 20))
		if perr := s.q.PostponeDigest(ctx, d, now.Add(wait)); perr != nil {
			return false, perr
		}
		s.cfg.Log.Warn("notification digest postponed", "person", person, "digest", d.ID, "attempt", d.Attempts+1, "retry_in", wait, "err", err)
		return false, fmt.Errorf("send digest %s: %w", d.ID, err)
	}
	return true, s.q.MarkDigestSent(ctx, d, now)
}

// message builds the e-mail of digest d, with a new unsubscribe token.
func (s *Sender) message(ctx context.Context, d projections.Digest, rc projections.Recipient, now time.Time) (*mail.Msg, error) {
	token, hash := newToken()
	if err := s.q.SaveUnsubscribeToken(ctx, hash, domain.Actor{PersonID: d.Person, Tenant: rc.Tenant, Role: rc.Role}, now); err != nil {
		return nil, err
	}
	centre, unsub := s.cfg.BaseURL+"/notifications", s.cfg.BaseURL+"/unsubscribe/"+token
	subject, body := digestText(d, rc.Names, centre, unsub)
	m := mail.NewMsg()
	if err := m.From(s.cfg.SMTP.From); err != nil {
		return nil, fmt.Errorf("digest sender address: %w", err)
	}
	if err := m.To(rc.Email); err != nil {
		return nil, fmt.Errorf("digest of %s: recipient address: %w", d.Person, err)
	}
	m.Subject(subject)
	m.SetMessageIDWithValue("digest-" + d.ID + "@parcours")
	m.SetDateWithValue(now)
	m.SetGenHeader(mail.HeaderContentLang, "fr, en")
	m.SetGenHeader(mail.HeaderListUnsubscribe, "<"+unsub+">")
	m.SetGenHeader(mail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	m.SetGenHeader("Auto-Submitted", "auto-generated")
	m.SetBodyString(mail.TypeTextPlain, body)
	return m, nil
}

// deliver sends m through the SMTP server, one connection per digest.
func (s *Sender) deliver(ctx context.Context, m *mail.Msg) error {
	c := s.cfg.SMTP
	policy := mail.TLSOpportunistic
	switch c.StartTLS {
	case "none":
		policy = mail.NoTLS
	case "mandatory":
		policy = mail.TLSMandatory
	}
	opts := []mail.Option{mail.WithPort(c.Port), mail.WithTLSPolicy(policy), mail.WithTimeout(c.Timeout)}
	if c.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(c.Username), mail.WithPassword(c.Password))
	}
	client, err := mail.NewClient(c.Host, opts...)
	if err != nil {
		return fmt.Errorf("smtp client: %w", err)
	}
	return client.DialAndSendWithContext(ctx, m)
}
