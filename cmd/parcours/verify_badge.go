package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/parcours/parcours/badges"
)

// credentialArg finds a credential file among verify's arguments: a
// .json argument that is not a flag.
func credentialArg(args []string) (string, []string, bool) {
	for i, a := range args {
		if strings.HasSuffix(strings.ToLower(a), ".json") && !strings.HasPrefix(a, "-") && (i == 0 || !strings.HasPrefix(args[i-1], "--status") && !strings.HasPrefix(args[i-1], "-status")) {
			return a, append(args[:i:i], args[i+1:]...), true
		}
	}
	return "", args, false
}

// verifyCredential checks an Open Badges credential offline: its
// eddsa-jcs-2022 proof, the issuer key if given (--key, the did:key or
// multikey of the issuer profile's assertionMethod), and its revocation
// with a status list saved beside it (--status). Exit status 1 when it
// does not verify; the verdict is printed in French and English.
func verifyCredential(path string, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("verify CREDENTIAL.json", flag.ContinueOnError)
	fs.SetOutput(stderr)
	key := fs.String("key", env("PARCOURS_ISSUER_KEY", ""), "the issuer's key (did:key:z6Mk… or z6Mk…, from its issuer profile); without it the key the proof names is reported, not checked")
	status := fs.String("status", "", "the issuer's status list (BitstringStatusListCredential) as downloaded from the credential's statusListCredential URL; without it revocation is not checked")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("verify: unexpected argument %q", fs.Arg(0))
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	if !badges.IsCredential(raw) {
		return usageError("verify: %s is not a verifiable credential (want an Open Badges credential, a .zip evidence bundle, or --stream/--all)", path)
	}
	o := badges.VerifyOptions{Now: time.Now()}
	if *key != "" {
		vm := *key
		if !strings.HasPrefix(vm, "did:key:") {
			vm = "did:key:" + vm
		}
		if o.IssuerKey, err = badges.ResolveKeyID(vm); err != nil {
			return usageError("verify: --key: %v", err)
		}
	}
	if *status != "" {
		if o.StatusList, err = os.ReadFile(*status); err != nil {
			return fmt.Errorf("verify: --status: %w", err)
		}
	}
	v, err := badges.VerifyCredential(raw, o)
	if err != nil {
		fmt.Fprintf(stdout, "REFUSÉ / REFUSED: %s: %s\n", path, refusal(err))
		return &exitError{code: 1, err: fmt.Errorf("credential %s does not verify: %w", path, err)}
	}
	fmt.Fprintf(stdout, "OK: %s\n", path)
	fmt.Fprintf(stdout, "  badge / badge: %s (%s)\n", v.Achievement, v.HumanCode)
	fmt.Fprintf(stdout, "  émetteur / issuer: %s <%s>\n", v.IssuerName, v.IssuerID)
	fmt.Fprintf(stdout, "  délivré le / issued: %s\n", v.ValidFrom.Format(time.RFC3339))
	fmt.Fprintf(stdout, "  signé par / signed by: %s\n", v.Key)
	if o.IssuerKey == nil {
		fmt.Fprintln(stdout, "  ATTENTION / WARNING: clé de l'émetteur non vérifiée (--key) / issuer key not checked (--key)")
	}
	if v.StatusChecked {
		fmt.Fprintln(stdout, "  révocation / revocation: non révoqué / not revoked")
	} else {
		fmt.Fprintln(stdout, "  ATTENTION / WARNING: révocation non vérifiée (--status) / revocation not checked (--status)")
	}
	return nil
}

func refusal(err error) string {
	switch {
	case errors.Is(err, badges.ErrRevoked):
		return "révoqué par l'émetteur / revoked by the issuer"
	case errors.Is(err, badges.ErrBadProof):
		return "signature invalide : modifié ou non signé / bad signature: altered or unsigned (" + err.Error() + ")"
	case errors.Is(err, badges.ErrWrongIssuer):
		return "signé par une autre clé / signed by another key (" + err.Error() + ")"
	case errors.Is(err, badges.ErrNotValidNow):
		return "hors de sa période de validité / outside its validity period"
	}
	return err.Error()
}
