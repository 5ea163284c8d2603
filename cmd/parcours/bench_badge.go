package main

import (
	"context"
	"crypto/ed25519"
	"flag"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/parcours/parcours/badges"
	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

// benchBadge measures Open Badges on the embedded default, each case
// against a baseline in the same run: (a) issuing a badge — the command
// (authorize, decide, durable append) and the signed credential built as
// a download builds it — against a logbook entry written through the
// same command path, with the structure's registry small and then large;
// (b) verifying a credential offline with its status list — the proof,
// the issuer key and the revocation bit — against one bare Ed25519
// verification.
func benchBadge(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench badge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per result")
	n := fs.Int("n", 2000, "badges issued (the registry grows from 0 to n; the first and last 200 are compared)")
	verifies := fs.Int("verify", 2000, "verifications measured")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 400 {
		return usageError("bench badge: -n must be at least 400")
	}
	sys, stop, err := openBenchSystem(ctx, "badge", "sqlite")
	if err != nil {
		return err
	}
	defer stop()
	b := &badgeBench{ctx: ctx, sys: sys, out: stdout, json: *asJSON}
	if err := b.seed(); err != nil {
		return err
	}
	raw, err := b.issuing(*n)
	if err != nil {
		return err
	}
	return b.verifying(raw, *verifies)
}

type badgeBench struct {
	ctx  context.Context
	sys  *system
	out  io.Writer
	json bool
}

const badgePortfolios = 10

const badgeDurability = "WAL, synchronous=FULL (durable appends)"

func (b *badgeBench) call(person string, role domain.Role) commands.Call {
	return commands.Call{Actor: domain.Actor{PersonID: person, Tenant: "s-bench", Role: role}}
}

func (b *badgeBench) seed() error {
	op := commands.Call{Actor: domain.Actor{PersonID: "operator", Role: domain.RoleOperator}}
	if _, err := b.sys.h.RegisterStructure(b.ctx, op, commands.RegisterStructure{StructureID: "s-bench", Name: "Mission Locale du banc d'essai", Seats: 100}); err != nil {
		return err
	}
	for _, p := range []struct {
		id   string
		role domain.Role
	}{{"c-1", domain.RoleCounsellor}, {"a-1", domain.RoleStructureAdmin}} {
		if _, err := b.sys.h.EnrolPerson(b.ctx, op, commands.EnrolPerson{StructureID: "s-bench", PersonID: p.id, Role: p.role, Name: "Équipe"}); err != nil {
			return err
		}
	}
	for i := range badgePortfolios {
		id := fmt.Sprintf("p-%02d", i)
		if _, err := b.sys.h.EnrolPerson(b.ctx, op, commands.EnrolPerson{StructureID: "s-bench", PersonID: id, Role: domain.RoleBeneficiary, Name: "Bénéficiaire"}); err != nil {
			return err
		}
		if _, err := b.sys.h.AssignCounsellor(b.ctx, b.call("a-1", domain.RoleStructureAdmin), commands.AssignCounsellor{PortfolioID: id, CounsellorID: "c-1"}); err != nil {
			return err
		}
	}
	return nil
}

// issuing issues n badges, each followed by a logbook entry, and reports
// the first and the last 200 of each; it answers the last credential.
func (b *badgeBench) issuing(n int) ([]byte, error) {
	cons := b.call("c-1", domain.RoleCounsellor)
	var issue, journal []time.Duration
	var raw []byte
	for i := range n {
		p := fmt.Sprintf("p-%02d", i%badgePortfolios)
		t0 := time.Now()
		res, err := b.sys.h.IssueAchievementBadge(b.ctx, cons, commands.IssueAchievementBadge{PortfolioID: p,
			Name: "Animation d'atelier", Description: fmt.Sprintf("Atelier CV n° %d animé pour d'autres jeunes", i), Criteria: "Observé par son conseiller"})
		if err != nil {
			return nil, err
		}
		_, raw, err = b.sys.h.BadgeCredential(b.ctx, cons.Actor, res.ID)
		if err != nil {
			return nil, err
		}
		issue = append(issue, time.Since(t0))
		t0 = time.Now()
		if _, err := b.sys.h.WriteJournalEntry(b.ctx, cons, commands.WriteJournalEntry{PortfolioID: p, Text: fmt.Sprintf("Atelier CV n° %d", i)}); err != nil {
			return nil, err
		}
		journal = append(journal, time.Since(t0))
	}
	for _, part := range []struct {
		name    string
		from    int
		entries int
	}{{"issue-first-200", 0, 0}, {fmt.Sprintf("issue-last-200-of-%d", n), n - 200, n - 200}} {
		is, js := slices.Sorted(slices.Values(issue[part.from:part.from+200])), slices.Sorted(slices.Values(journal[part.from:part.from+200]))
		p50, base := usf(quantile(is, 0.5)), usf(quantile(js, 0.5))
		printBench(b.out, b.json, benchLine{Bench: "badge", Case: part.name, Backend: "sqlite",
			Value: msr(p50), Unit: "ms p50", Baseline: msr(base), Ratio: ratio(p50, base),
			P50ms: msr(p50), P99ms: msr(usf(quantile(is, 0.99))), MaxMs: msr(usf(quantile(is, 1))), Appends: int64(len(is)),
			Machine: machine(), Durability: fmt.Sprintf("%s; commands.IssueAchievementBadge (authorize, decide, append to structure-s-bench.badges holding %d to %d badges) then BadgeCredential (the signed OpenBadgeCredential a download answers), vs commands.WriteJournalEntry on the same portfolios (p50 is the baseline)",
				badgeDurability, part.entries, part.entries+200)})
	}
	return raw, nil
}

// verifying checks the last credential offline against the issuer key and
// the status list, against a bare Ed25519 verification of 64 bytes.
func (b *badgeBench) verifying(raw []byte, n int) error {
	key, err := b.sys.h.IssuerKey(b.ctx, "s-bench")
	if err != nil {
		return err
	}
	pub := key.Public().(ed25519.PublicKey)
	list, _, err := b.sys.h.StatusList(b.ctx, "s-bench")
	if err != nil {
		return err
	}
	msg := make([]byte, 64)
	sig := ed25519.Sign(key, msg)
	o := badges.VerifyOptions{IssuerKey: pub, StatusList: list, Now: time.Now()}
	var full, bare []time.Duration
	for range n {
		t0 := time.Now()
		if _, err := badges.VerifyCredential(raw, o); err != nil {
			return fmt.Errorf("bench badge: the credential does not verify: %w", err)
		}
		full = append(full, time.Since(t0))
		t0 = time.Now()
		if !ed25519.Verify(pub, msg, sig) {
			return fmt.Errorf("bench badge: bare verification failed")
		}
		bare = append(bare, time.Since(t0))
	}
	slices.Sort(full)
	slices.Sort(bare)
	p50, base := usf(quantile(full, 0.5)), usf(quantile(bare, 0.5))
	printBench(b.out, b.json, benchLine{Bench: "badge", Case: "verify-offline", Backend: "none",
		Value: msr(p50), Unit: "ms p50", Baseline: msr(base), Ratio: ratio(p50, base),
		P50ms: msr(p50), P99ms: msr(usf(quantile(full, 0.99))), MaxMs: msr(usf(quantile(full, 1))), Appends: int64(len(full)),
		Machine: machine(), Durability: fmt.Sprintf("in memory; badges.VerifyCredential of a %d-byte credential with its issuer key and its %d-byte status list (two eddsa-jcs-2022 proofs, JCS, the 131072-entry list inflated) vs one ed25519.Verify of 64 bytes (p50 is the baseline)", len(raw), len(list))})
	return nil
}
