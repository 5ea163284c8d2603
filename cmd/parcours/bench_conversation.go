package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/projections"
)

// benchConversation measures conversations on the embedded default, each
// case against a baseline in the same run: (a) messages POSTed at a fixed
// rate through the API (p99), against logbook entries POSTed the same
// way; (b) the latest page of a long conversation against a short one;
// (c) the unread count of a counsellor in 50 conversations against a
// beneficiary's in one.
func benchConversation(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench conversation", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per result")
	dur := fs.Duration("duration", 5*time.Second, "time measured per POST phase")
	rate := fs.Int("rate", 200, "message POSTs per second")
	long := fs.Int("long", 10000, "messages in the long conversation")
	short := fs.Int("short", 10, "messages in the short conversation")
	reads := fs.Int("reads", 500, "page reads and unread counts measured per case (interleaved)")
	page := fs.Int("page", 10, "messages per page in the page case (the same on both conversations, so the ratio shows what history costs)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	sys, base, stopService, err := startBenchService(ctx, "conversation", "sqlite")
	if err != nil {
		return err
	}
	defer stopService()
	token, _, err := benchSeed(ctx, sys, base) // c-1 follows p-00 … p-49
	if err != nil {
		return err
	}
	b := &convBench{ctx: ctx, sys: sys, out: stdout, json: *asJSON}
	if err := b.posting(base, token, *rate, *dur); err != nil {
		return err
	}
	if err := b.unread(*reads); err != nil {
		return err
	}
	return b.pages(*long, *short, *page, *reads)
}

type convBench struct {
	ctx  context.Context
	sys  *system
	out  io.Writer
	json bool
}

const convDurability = "WAL, synchronous=FULL (durable appends); read models in readmodels.db"

func (b *convBench) call(person string, role domain.Role) commands.Call {
	return commands.Call{Actor: domain.Actor{PersonID: person, Tenant: "s-bench", Role: role}}
}

// posting: the counsellor's app posts messages to the 50 conversations at
// rate, then logbook entries to the same portfolios at the same rate.
func (b *convBench) posting(base, token string, rate int, d time.Duration) error {
	msgs, errs, err := openLoopOf(b.ctx, token, rate, d, func(i int) (string, []byte) {
		body, _ := json.Marshal(map[string]string{"text": fmt.Sprintf("Bonjour, point d'étape %d", i)})
		return fmt.Sprintf("%s/v1/portfolios/p-%02d/conversation/messages", base, i%benchPortfolios), body
	})
	if err != nil {
		return err
	}
	journal, jerrs, err := openLoop(b.ctx, base, token, rate, d)
	if err != nil {
		return err
	}
	slices.Sort(msgs)
	slices.Sort(journal)
	p99, jp99 := ms(quantile(msgs, 0.99)), ms(quantile(journal, 0.99))
	printBench(b.out, b.json, benchLine{Bench: "conversation", Case: fmt.Sprintf("post-%d-per-s", rate), Backend: "sqlite",
		Value: p99, Unit: "ms p99", Baseline: jp99, Ratio: ratio(p99, jp99),
		P50ms: ms(quantile(msgs, 0.5)), P99ms: p99, MaxMs: ms(quantile(msgs, 1)), Appends: int64(len(msgs)), Seconds: round1(d.Seconds()),
		Machine: machine(), Durability: fmt.Sprintf("%s; POST messages over %d conversations (%d errors) vs POST logbook entries at the same rate (%d errors, p99 is the baseline)",
			convDurability, benchPortfolios, errs, jerrs)})
	return nil
}

// unread: every beneficiary answers once, so the counsellor has unread
// messages in each of the 50 conversations; their count against one
// beneficiary's, in one conversation.
func (b *convBench) unread(n int) error {
	var last commands.Result
	for i := 0; i < benchPortfolios; i++ {
		id := fmt.Sprintf("p-%02d", i)
		res, err := b.sys.h.PostMessage(b.ctx, b.call(id, domain.RoleBeneficiary), commands.PostMessage{
			ConversationRef: commands.ConversationRef{PortfolioID: id}, Text: "Merci, à jeudi"})
		if err != nil {
			return err
		}
		last = res
	}
	if err := b.caughtUp(last); err != nil {
		return err
	}
	if total, each, err := b.sys.queries.Unread(b.ctx, "c-1"); err != nil || len(each) != benchPortfolios || total < benchPortfolios {
		return fmt.Errorf("bench conversation: the counsellor's unread count is %d in %d conversations (%v)", total, len(each), err)
	}
	var many, one []time.Duration
	for i := 0; i < n; i++ {
		for _, who := range []string{"c-1", "p-00"} {
			t0 := time.Now()
			if _, _, err := b.sys.queries.Unread(b.ctx, who); err != nil {
				return err
			}
			if who == "c-1" {
				many = append(many, time.Since(t0))
			} else {
				one = append(one, time.Since(t0))
			}
		}
	}
	slices.Sort(many)
	slices.Sort(one)
	p50, base := usf(quantile(many, 0.5)), usf(quantile(one, 0.5))
	printBench(b.out, b.json, benchLine{Bench: "conversation", Case: fmt.Sprintf("unread-%d-conversations", benchPortfolios), Backend: "sqlite",
		Value: msr(p50), Unit: "ms p50", Baseline: msr(base), Ratio: ratio(p50, base),
		P50ms: msr(p50), P99ms: msr(usf(quantile(many, 0.99))), MaxMs: msr(usf(quantile(many, 1))), Appends: int64(len(many)),
		Machine: machine(), Durability: convDurability + "; projections.Queries.Unread of a counsellor in 50 conversations vs a beneficiary in one"})
	return nil
}

// pages: a conversation of long messages and one of short, filled through
// the commands; the latest page of each, interleaved.
func (b *convBench) pages(long, short, page, n int) error {
	op := commands.Call{Actor: domain.Actor{PersonID: "operator", Role: domain.RoleOperator}}
	sizes := map[string]int{"p-long": long, "p-short": short}
	var last commands.Result
	for _, id := range []string{"p-long", "p-short"} {
		if _, err := b.sys.h.EnrolPerson(b.ctx, op, commands.EnrolPerson{StructureID: "s-bench", PersonID: id, Role: domain.RoleBeneficiary, Name: "Bench " + id}); err != nil {
			return err
		}
		if _, err := b.sys.h.AssignCounsellor(b.ctx, b.call("a-1", domain.RoleStructureAdmin), commands.AssignCounsellor{PortfolioID: id, CounsellorID: "c-1"}); err != nil {
			return err
		}
		for i := 0; i < sizes[id]; i++ {
			who, role := id, domain.RoleBeneficiary
			if i%3 == 2 {
				who, role = "c-1", domain.RoleCounsellor
			}
			res, err := b.sys.h.PostMessage(b.ctx, b.call(who, role), commands.PostMessage{ConversationRef: commands.ConversationRef{PortfolioID: id},
				Text: fmt.Sprintf("Message %d : où en est la recherche de stage ?", i)})
			if err != nil {
				return err
			}
			last = res
		}
	}
	if err := b.caughtUp(last); err != nil {
		return err
	}
	lat := map[string][]time.Duration{}
	for i := 0; i < n; i++ {
		for _, id := range []string{"p-long", "p-short"} {
			t0 := time.Now()
			acc, err := b.sys.h.OpenConversation(b.ctx, b.call("c-1", domain.RoleCounsellor).Actor, commands.ConversationRef{PortfolioID: id})
			if err != nil {
				return err
			}
			v, err := b.sys.queries.Conversation(b.ctx, acc.ID, "c-1", 0, page, acc.SeesEvidence)
			if err != nil {
				return err
			}
			lat[id] = append(lat[id], time.Since(t0))
			if want := min(page, sizes[id]); len(v.Messages) != want {
				return fmt.Errorf("bench conversation: the latest page of %s has %d messages, want %d", id, len(v.Messages), want)
			}
		}
	}
	for _, id := range []string{"p-long", "p-short"} {
		slices.Sort(lat[id])
	}
	p50, base := usf(quantile(lat["p-long"], 0.5)), usf(quantile(lat["p-short"], 0.5))
	l := lat["p-long"]
	printBench(b.out, b.json, benchLine{Bench: "conversation", Case: fmt.Sprintf("latest-page-%d-vs-%d", long, short), Backend: "sqlite",
		Value: msr(p50), Unit: "ms p50", Baseline: msr(base), Ratio: ratio(p50, base),
		P50ms: msr(p50), P99ms: msr(usf(quantile(l, 0.99))), MaxMs: msr(usf(quantile(l, 1))), Appends: int64(len(l)),
		Machine: machine(), Durability: convDurability + fmt.Sprintf("; what GET …/conversation does: commands.OpenConversation (authorize) then projections.Queries.Conversation, the latest %d messages of each, texts and names opened", page)})
	return nil
}

// caughtUp waits for the read models to apply res.
func (b *convBench) caughtUp(res commands.Result) error {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Minute)
	defer cancel()
	return b.sys.runner.WaitFor(ctx, res.Position, projections.Conversations{}.Name())
}

// usf is d in microseconds, to the nanosecond.
func usf(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1000 }

// msr is a duration in microseconds as milliseconds, to the microsecond.
func msr(us float64) float64 { return float64(int64(us)) / 1000 }

func ratio(v, base float64) float64 {
	if base == 0 {
		return 0
	}
	return float64(int(v/base*1000)) / 1000
}
