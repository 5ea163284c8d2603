package frameworks

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/parcours/parcours/domain"
)

// MaxInput bounds the bytes of one import: the files, and every file a
// zip holds once inflated (only the members an import reads: a zip's
// other tables are skipped unread). ESCO's skills and occupations in two
// languages are about 40 MB.
const MaxInput = 128 << 20

// maxZipFiles bounds the files a zip may hold.
const maxZipFiles = 200

// File is one file given to an import.
type File struct {
	Name string
	Body io.Reader
}

// part is one file read, a zip's member or a plain file.
type part struct {
	name  string
	data  []byte
	inZip bool // unknown members of a zip are skipped; an unknown file is an error
}

// Read reads the files of one import of kind. The checksum covers the
// names and bytes of every file (after unzipping), in name order, so the
// same release gives the same checksum however it is packed.
func Read(kind domain.FrameworkKind, files ...File) (domain.FrameworkImport, error) {
	if !kind.Valid() {
		return domain.FrameworkImport{}, &domain.Error{Kind: domain.KindInvalid, Field: "kind", Reason: "must be rncp, rome or esco"}
	}
	if len(files) == 0 {
		return domain.FrameworkImport{}, bad("", "no file given")
	}
	budget := int64(MaxInput)
	var parts []part
	for _, f := range files {
		got, err := readFile(kind, f, &budget)
		if err != nil {
			return domain.FrameworkImport{}, err
		}
		parts = append(parts, got...)
	}
	slices.SortStableFunc(parts, func(a, b part) int { return strings.Compare(a.name, b.name) })
	sum := sha256.New()
	var names []string
	for _, p := range parts {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(p.data)))
		sum.Write([]byte(p.name + "\x00"))
		sum.Write(n[:])
		sum.Write(p.data)
		names = append(names, p.name)
	}
	var entries []domain.FrameworkEntry
	var err error
	switch kind {
	case domain.FrameworkRNCP:
		entries, err = readRNCP(parts)
	case domain.FrameworkROME:
		entries, err = readROME(parts)
	case domain.FrameworkESCO:
		entries, err = readESCO(parts)
	}
	if err != nil {
		return domain.FrameworkImport{}, err
	}
	if len(entries) == 0 {
		return domain.FrameworkImport{}, bad(strings.Join(names, ", "), "no entry of "+string(kind)+" found (see which files are read in the README)")
	}
	source := strings.Join(names, ", ")
	if len(source) > 500 {
		source = source[:497] + "…"
	}
	return domain.FrameworkImport{Source: source, Checksum: hex.EncodeToString(sum.Sum(nil)), Entries: entries}, nil
}

// readFile reads f whole (within budget), unzipping it when it is a zip.
func readFile(kind domain.FrameworkKind, f File, budget *int64) ([]part, error) {
	name := path.Base(strings.ReplaceAll(f.Name, `\`, "/"))
	data, err := readBounded(f.Body, budget)
	if err != nil {
		return nil, bad(name, err.Error())
	}
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return []part{{name: name, data: data}}, nil
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, bad(name, "not a readable zip: "+err.Error())
	}
	if len(zr.File) > maxZipFiles {
		return nil, bad(name, fmt.Sprintf("holds %d files, at most %d", len(zr.File), maxZipFiles))
	}
	var out []part
	for _, zf := range zr.File {
		if zf.FileInfo().IsDir() || !wanted(kind, path.Base(zf.Name)) {
			continue
		}
		if zf.UncompressedSize64 > uint64(*budget) {
			return nil, bad(name, fmt.Sprintf("%s: the files of one import are limited to %d MiB", zf.Name, MaxInput>>20))
		}
		rc, err := zf.Open()
		if err != nil {
			return nil, bad(name, zf.Name+": "+err.Error())
		}
		data, err := readBounded(rc, budget)
		rc.Close()
		if err != nil {
			return nil, bad(name, zf.Name+": "+err.Error())
		}
		out = append(out, part{name: path.Base(zf.Name), data: data, inZip: true})
	}
	return out, nil
}

// readBounded reads r whole, taking what it reads from budget.
func readBounded(r io.Reader, budget *int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(bufio.NewReader(r), *budget+1))
	if err != nil {
		return nil, fmt.Errorf("unreadable: %w", err)
	}
	if int64(len(data)) > *budget {
		return nil, fmt.Errorf("the files of one import are limited to %d MiB", MaxInput>>20)
	}
	*budget -= int64(len(data))
	return data, nil
}

// bad reports a file that cannot be imported.
func bad(file, reason string) error {
	if file != "" {
		reason = file + ": " + reason
	}
	return &domain.Error{Kind: domain.KindInvalid, Field: "file", Reason: reason}
}

// wanted reports whether a zip's member may hold entries of kind.
func wanted(kind domain.FrameworkKind, name string) bool {
	lower := strings.ToLower(name)
	switch {
	case strings.HasPrefix(name, "."):
		return false
	case kind == domain.FrameworkESCO:
		return escoFile.MatchString(lower)
	case kind == domain.FrameworkROME:
		return strings.HasSuffix(lower, ".csv") && strings.Contains(lower, "referentiel")
	}
	return strings.HasSuffix(lower, ".xml") || strings.HasSuffix(lower, ".csv")
}
