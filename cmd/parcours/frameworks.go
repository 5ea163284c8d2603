package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/frameworks"
)

// frameworksCmd imports reference frameworks from their open-data files,
// as the platform operator (the same command as the API's import).
func frameworksCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		return usageError("frameworks: want a sub-command: import --kind rncp|rome|esco FILE…")
	}
	fs := flag.NewFlagSet("frameworks import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	kind := fs.String("kind", "", "rncp, rome or esco (required)")
	label := fs.String("label", "", "the publisher's name of the release (v460, ESCO 1.2.0)")
	sc := addStoreFlags(fs)
	files, err := parseWithFiles(fs, args[1:])
	if err != nil {
		return err
	}
	k := domain.FrameworkKind(*kind)
	if !k.Valid() {
		return usageError("frameworks import: --kind must be rncp, rome or esco")
	}
	var in []frameworks.File
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		in = append(in, frameworks.File{Name: filepath.Base(path), Body: f})
	}
	imp, err := frameworks.Read(k, in...)
	if err != nil {
		return err
	}
	imp.Label = *label
	sys, err := openAdminSystem(ctx, sc, stderr)
	if err != nil {
		return err
	}
	defer sys.close()
	res, err := sys.h.ImportFramework(ctx, operatorCall("import-"+imp.Checksum+"-"+imp.Label), commands.ImportFramework{Kind: k, FrameworkImport: imp})
	if err != nil {
		return fmt.Errorf("import %s: %w", k, err)
	}
	if res.Replayed {
		fmt.Fprintf(stdout, "%s: these files were already imported (%s, revision %d)\n", k, res.Stream, res.Revision)
		return nil
	}
	counts := map[domain.EntryType]int{}
	for _, e := range imp.Entries {
		counts[e.Type]++
	}
	var parts []string
	for _, t := range []domain.EntryType{domain.EntryCertification, domain.EntryBlock, domain.EntryOccupation, domain.EntryAppellation, domain.EntryCompetence, domain.EntrySkill} {
		if counts[t] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[t], t))
		}
	}
	fmt.Fprintf(stdout, "%s version %s imported: %s (%d events, checksum %s)\n", k, res.ID, strings.Join(parts, ", "), res.Events, imp.Checksum[:12])
	return nil
}

// parseWithFiles parses flags and the file names, in any order.
func parseWithFiles(fs *flag.FlagSet, args []string) ([]string, error) {
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(files) == 0 {
		return nil, usageError("%s: name the files to import", fs.Name())
	}
	return files, nil
}
