package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/parcours/parcours/eventstore"
)

func verify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if bundle, rest, ok := bundleArg(args); ok { // audit: parcours verify BUNDLE.zip (verify_bundle.go)
		return verifyBundle(bundle, rest, stdout, stderr)
	}
	if cred, rest, ok := credentialArg(args); ok { // badges: parcours verify CREDENTIAL.json (verify_badge.go)
		return verifyCredential(cred, rest, stdout, stderr)
	}
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stream := fs.String("stream", "", "verify the hash chain of this stream")
	all := fs.Bool("all", false, "verify every stream, reading the whole global log")
	sc := addStoreFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if (*stream == "") == !*all {
		return usageError("verify: give either --stream ID or --all")
	}
	store, err := openStore(ctx, sc, false)
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer store.Close()
	if *all {
		v, err := eventstore.VerifyLog(ctx, store)
		if err != nil {
			return verifyFailed(stdout, err)
		}
		fmt.Fprintf(stdout, "OK: %d events in %d streams verify, up to position %s\n", v.Events, v.Streams, v.Head)
		return nil
	}
	v, err := eventstore.VerifyStream(ctx, store, *stream)
	if err != nil {
		return verifyFailed(stdout, err)
	}
	fmt.Fprintf(stdout, "OK: stream %s, %d events, last hash %s\n", v.Stream, v.Events, v.LastHash)
	return nil
}

func verifyFailed(stdout io.Writer, err error) error {
	var ce *eventstore.ChainError
	if errors.As(err, &ce) {
		fmt.Fprintf(stdout, "BROKEN: stream %s, revision %d: %s\n", ce.Stream, ce.Revision, ce.Reason)
		return &exitError{code: 1, err: err}
	}
	return err
}
