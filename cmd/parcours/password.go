package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// readPassword reads the password of a new account from PARCOURS_PASSWORD
// or, when that is unset, asks for it twice on the terminal without
// echoing it. There is no flag: a flag's value would stay in the shell's
// history and be visible to other users in the process list.
func readPassword(ctx context.Context, stderr io.Writer) (string, error) {
	if pw := os.Getenv("PARCOURS_PASSWORD"); pw != "" {
		return pw, nil
	}
	noTerminal := usageError("no password: set PARCOURS_PASSWORD, or run on a terminal to be asked")
	if fi, err := os.Stdin.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return "", noTerminal
	}
	in := bufio.NewReader(os.Stdin)
	first, err := promptHidden(ctx, in, stderr, "Password: ")
	if err != nil {
		return "", err
	}
	again, err := promptHidden(ctx, in, stderr, "Password again: ")
	if err != nil {
		return "", err
	}
	if first != again {
		return "", usageError("the two passwords differ")
	}
	return first, nil
}

// promptHidden reads one line with the terminal's echo off (stty: the
// standard library has no portable way, and golang.org/x/term is not a
// dependency yet).
func promptHidden(ctx context.Context, in *bufio.Reader, stderr io.Writer, prompt string) (string, error) {
	if err := stty("-echo"); err != nil {
		return "", usageError("cannot hide the password on this terminal (%v): set PARCOURS_PASSWORD instead", err)
	}
	defer func() {
		_ = stty("echo")
		fmt.Fprintln(stderr)
	}()
	fmt.Fprint(stderr, prompt)
	type line struct {
		s   string
		err error
	}
	got := make(chan line, 1)
	go func() {
		s, err := in.ReadString('\n')
		got <- line{s, err}
	}()
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case l := <-got:
		if l.err != nil && l.s == "" {
			return "", fmt.Errorf("read password: %w", l.err)
		}
		return strings.TrimRight(l.s, "\r\n"), nil
	}
}

func stty(arg string) error {
	cmd := exec.Command("stty", arg)
	cmd.Stdin = os.Stdin
	return cmd.Run()
}
