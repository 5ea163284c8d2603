package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/demo"
	"github.com/parcours/parcours/domain"
)

// The demo's VAE dossier, once Léa submits it, gives a bundle that
// `parcours verify` accepts: the path an auditor's bundle takes, on the
// data every newcomer sees.
func TestAuditBundleOfTheDemo(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	sc := &storeConfig{Data: dir, MaxEventSize: 1 << 20, SQLiteSync: "FULL"}
	sys, err := openSystem(ctx, sc, true, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(ctx, demo.Deps{Commands: sys.h, Creds: sys.creds, Files: sys.vault.files}, dir); err != nil {
		sys.close()
		t.Fatal(err)
	}
	lea := domain.Actor{PersonID: demo.Beneficiary, Tenant: demo.StructureID, Role: domain.RoleBeneficiary}
	_, err = sys.h.SubmitDossier(ctx, commands.Call{Actor: lea}, commands.SubmitDossier{PortfolioID: demo.Beneficiary, DossierID: demo.Dossier})
	sys.close()
	if err != nil {
		t.Fatalf("submit the demo's dossier: %v", err)
	}
	out := filepath.Join(t.TempDir(), "demo.zip")
	if res, err := runCmd(t, "audit", "bundle", "--data", dir, "--portfolio", demo.Beneficiary, "--dossier", demo.Dossier, "--out", out); err != nil {
		t.Fatalf("audit bundle: %v\n%s", err, res)
	}
	key, _ := runCmd(t, "audit", "public-key", "--data", dir)
	res, err := runCmd(t, "verify", out, "--key", strings.TrimSpace(key))
	if err != nil || !strings.Contains(res, "RESULT: the bundle is intact") {
		t.Fatalf("verify the demo's bundle: %v\n%s", err, res)
	}
	// The demo's parts are sealed in version 2: every disclosed text is
	// proven by its part key, none only attested.
	if !strings.Contains(res, "proven by their part key, 0 only attested by the platform's signature (seal v1)") {
		t.Fatalf("the demo's disclosed texts are not all proven by key:\n%s", res)
	}
}
