package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/parcours/parcours/auditlog"
)

// bundleArg finds a positional BUNDLE.zip among verify's arguments and
// returns it with the other arguments.
func bundleArg(args []string) (string, []string, bool) {
	for i, a := range args {
		if strings.HasSuffix(strings.ToLower(a), ".zip") && !strings.HasPrefix(a, "-") {
			return a, append(args[:i:i], args[i+1:]...), true
		}
	}
	return "", args, false
}

// verifyBundle checks an evidence bundle offline (no store, no network)
// and prints the report in French and English; exit status 1 if any
// check fails.
func verifyBundle(path string, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("verify BUNDLE.zip", flag.ContinueOnError)
	fs.SetOutput(stderr)
	key := fs.String("key", env("PARCOURS_AUDIT_KEY", ""), "the log's public key as obtained from the platform (/v1/audit/public-key); without it the bundle's own key is used, with a warning")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("verify: unexpected argument %q", fs.Arg(0))
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	rep := auditlog.VerifyBundle(f, st.Size(), auditlog.VerifyOptions{PublicKey: *key})
	if *asJSON {
		b, err := rep.JSON()
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, string(b))
	} else {
		rep.WriteText(stdout)
	}
	if !rep.OK() {
		return &exitError{code: 1, err: fmt.Errorf("bundle %s does not verify", path)}
	}
	return nil
}
