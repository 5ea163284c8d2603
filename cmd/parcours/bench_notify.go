package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	mail "github.com/wneessen/go-mail"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/internal/mailpit"
	"github.com/parcours/parcours/notify"
	"github.com/parcours/parcours/projections"
)

// benchNotify measures notifications on the embedded default, each case
// against a baseline in the same run: (a) what GET /v1/me/notifications
// does (authorize, then the latest page) for a person with many
// notifications against one with few; (b) digests sent through a real
// SMTP server (Mailpit, started here), claim and mark included, against
// the same number of e-mails of the same size sent straight with go-mail.
func benchNotify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench notify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per result")
	many := fs.Int("many", 10000, "notifications of the person with many")
	few := fs.Int("few", 10, "notifications of the person with few")
	reads := fs.Int("reads", 500, "centre pages read per person (interleaved)")
	digests := fs.Int("digests", 200, "digests sent (one per person)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	sys, base, stopService, err := startBenchService(ctx, "notify", "sqlite")
	if err != nil {
		return err
	}
	defer stopService()
	if _, _, err := benchSeed(ctx, sys, base); err != nil {
		return err
	}
	b := &notifyBench{ctx: ctx, sys: sys, out: stdout, json: *asJSON}
	if err := b.centre(*many, *few, *reads); err != nil {
		return err
	}
	return b.digests(*digests)
}

type notifyBench struct {
	ctx  context.Context
	sys  *system
	out  io.Writer
	json bool
}

const notifyDurability = "WAL, synchronous=FULL (durable appends); read models and outbox in readmodels.db"

func (b *notifyBench) call(person string, role domain.Role) commands.Call {
	return commands.Call{Actor: domain.Actor{PersonID: person, Tenant: "s-bench", Role: role}}
}

func (b *notifyBench) enrol(id string, email string) error {
	op := commands.Call{Actor: domain.Actor{PersonID: "operator", Role: domain.RoleOperator}}
	if _, err := b.sys.h.EnrolPerson(b.ctx, op, commands.EnrolPerson{StructureID: "s-bench", PersonID: id, Role: domain.RoleBeneficiary,
		Name: "Camille " + id, Email: email}); err != nil {
		return err
	}
	_, err := b.sys.h.AssignCounsellor(b.ctx, b.call("a-1", domain.RoleStructureAdmin), commands.AssignCounsellor{PortfolioID: id, CounsellorID: "c-1"})
	return err
}

// centre: n-many posts many messages (her counsellor gets as many
// notifications), the counsellor answers n-few few times; the latest
// page of each centre, interleaved.
func (b *notifyBench) centre(many, few, reads int) error {
	for _, id := range []string{"n-many", "n-few"} {
		if err := b.enrol(id, ""); err != nil {
			return err
		}
	}
	post := func(who string, role domain.Role, to string, n int) (commands.Result, error) {
		var last commands.Result
		for i := 0; i < n; i++ {
			res, err := b.sys.h.PostMessage(b.ctx, b.call(who, role), commands.PostMessage{ConversationRef: commands.ConversationRef{PortfolioID: to},
				Text: fmt.Sprintf("Message %d", i)})
			if err != nil {
				return last, err
			}
			last = res
		}
		return last, nil
	}
	if _, err := post("n-many", domain.RoleBeneficiary, "n-many", many); err != nil {
		return err
	}
	last, err := post("c-1", domain.RoleCounsellor, "n-few", few)
	if err != nil {
		return err
	}
	if err := b.caughtUp(last); err != nil {
		return err
	}
	lat := map[string][]time.Duration{}
	for i := 0; i < reads; i++ {
		for _, who := range []struct {
			id   string
			role domain.Role
		}{{"c-1", domain.RoleCounsellor}, {"n-few", domain.RoleBeneficiary}} {
			t0 := time.Now()
			if err := b.sys.h.OpenNotifications(b.ctx, b.call(who.id, who.role).Actor); err != nil {
				return err
			}
			c, err := b.sys.queries.Notifications(b.ctx, who.id, 0, 30)
			if err != nil {
				return err
			}
			lat[who.id] = append(lat[who.id], time.Since(t0))
			if len(c.Notifications) == 0 {
				return fmt.Errorf("bench notify: %s has no notification", who.id)
			}
		}
	}
	m, f := lat["c-1"], lat["n-few"]
	slices.Sort(m)
	slices.Sort(f)
	p50, base := usf(quantile(m, 0.5)), usf(quantile(f, 0.5))
	printBench(b.out, b.json, benchLine{Bench: "notify", Case: fmt.Sprintf("centre-%d-vs-%d", many, few), Backend: "sqlite",
		Value: msr(p50), Unit: "ms p50", Baseline: msr(base), Ratio: ratio(p50, base),
		P50ms: msr(p50), P99ms: msr(usf(quantile(m, 0.99))), MaxMs: msr(usf(quantile(m, 1))), Appends: int64(len(m)),
		Machine: machine(), Durability: notifyDurability + "; what GET /v1/me/notifications does: commands.OpenNotifications (authorize) then the latest 30, names resolved"})
	return nil
}

// digests: n beneficiaries with an address get one message each from
// their counsellor; the sender sends their n digests through Mailpit,
// then the same n e-mails go straight through go-mail.
func (b *notifyBench) digests(n int) error {
	bin, ok := mailpit.Binary()
	if !ok {
		fmt.Fprintln(os.Stderr, "bench notify: no mailpit (go install github.com/axllent/mailpit@v1.33.1): the digest case is not measured")
		return nil
	}
	smtpPort, err := mailpit.Port()
	if err != nil {
		return err
	}
	apiPort, err := mailpit.Port()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "parcours-bench-mailpit-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	mp, err := launchMailpit(bin, smtpPort, apiPort, dir)
	if err != nil {
		return err
	}
	defer mp.Stop()
	op := commands.Call{Actor: domain.Actor{PersonID: "operator", Role: domain.RoleOperator}}
	if _, err := b.sys.h.ChangeSeats(b.ctx, op, commands.ChangeSeats{StructureID: "s-bench", Seats: n + 100}); err != nil {
		return err
	}
	var last commands.Result
	people := make([]string, n)
	for i := range people {
		people[i] = fmt.Sprintf("m-%04d", i)
		if err := b.enrol(people[i], people[i]+"@bench.example"); err != nil {
			return err
		}
		if last, err = b.sys.h.PostMessage(b.ctx, b.call("c-1", domain.RoleCounsellor), commands.PostMessage{
			ConversationRef: commands.ConversationRef{PortfolioID: people[i]}, Text: "Bonjour"}); err != nil {
			return err
		}
	}
	if err := b.caughtUp(last); err != nil {
		return err
	}
	smtp := notify.SMTP{Host: "127.0.0.1", Port: smtpPort, StartTLS: "none", From: "Parcours <noreply@bench.example>"}
	s := notify.NewSender(b.sys.queries, notify.Config{SMTP: smtp, BaseURL: "http://127.0.0.1", SendNow: true})
	var ours, raw []time.Duration
	start := time.Now()
	for _, p := range people {
		t0 := time.Now()
		if ok, err := s.SendPerson(b.ctx, p); err != nil || !ok {
			return fmt.Errorf("bench notify: digest of %s: %v %v", p, ok, err)
		}
		ours = append(ours, time.Since(t0))
	}
	oursTotal := time.Since(start)
	start = time.Now()
	for _, p := range people {
		t0 := time.Now()
		if err := rawMail(b.ctx, smtp, p+"@bench.example"); err != nil {
			return err
		}
		raw = append(raw, time.Since(t0))
	}
	rawTotal := time.Since(start)
	slices.Sort(ours)
	slices.Sort(raw)
	rate, baseRate := float64(n)/oursTotal.Seconds(), float64(n)/rawTotal.Seconds()
	printBench(b.out, b.json, benchLine{Bench: "notify", Case: fmt.Sprintf("digests-%d", n), Backend: "sqlite",
		Value: round1(rate), Unit: "digests/s", Baseline: round1(baseRate), Ratio: ratio(rate, baseRate),
		P50ms: ms(quantile(ours, 0.5)), P99ms: ms(quantile(ours, 0.99)), MaxMs: ms(quantile(ours, 1)), Appends: int64(n), Seconds: round1(oursTotal.Seconds()),
		Machine: machine(), Durability: notifyDurability + fmt.Sprintf("; one SMTP connection per digest to Mailpit on loopback (claim, recipient, token, send, mark sent) vs the same number of e-mails sent straight with go-mail (baseline: p50 %.2f ms, p99 %.2f ms)",
			ms(quantile(raw, 0.5)), ms(quantile(raw, 0.99)))})
	return nil
}

// launchMailpit starts Mailpit for the digest case.
func launchMailpit(bin string, smtpPort, apiPort int, dir string) (*mailpit.Server, error) {
	return mailpit.Launch(bin, smtpPort, apiPort, dir)
}

// rawMail sends one e-mail of a digest's shape straight through go-mail.
func rawMail(ctx context.Context, c notify.SMTP, to string) error {
	m := mail.NewMsg()
	if err := m.From(c.From); err != nil {
		return err
	}
	if err := m.To(to); err != nil {
		return err
	}
	m.Subject("Parcours : 1 nouvelle notification / 1 new notification")
	m.SetBodyString(mail.TypeTextPlain, "Bonjour,\n\nVous avez 1 nouvelle notification sur Parcours :\n- 1 nouveau message (Camille)\n\nPour les lire : http://127.0.0.1/notifications\n")
	client, err := mail.NewClient(c.Host, mail.WithPort(c.Port), mail.WithTLSPolicy(mail.NoTLS))
	if err != nil {
		return err
	}
	return client.DialAndSendWithContext(ctx, m)
}

// caughtUp waits for the notifications read model to apply res.
func (b *notifyBench) caughtUp(res commands.Result) error {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Minute)
	defer cancel()
	return b.sys.runner.WaitFor(ctx, res.Position, projections.Notifications{}.Name())
}
