package auditlog

import (
	"archive/zip"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ReadLimits bound what ReadBundle accepts from an untrusted zip.
type ReadLimits struct {
	MaxEntries  int   // default 100,000
	MaxDocBytes int64 // one document (JSON, HTML, text), default 256 MiB
	// MaxFileBytes bounds one evidence file (hashed as it streams, never
	// held in memory), default 8 GiB.
	MaxFileBytes int64
}

func (l ReadLimits) withDefaults() ReadLimits {
	if l.MaxEntries <= 0 {
		l.MaxEntries = 100_000
	}
	if l.MaxDocBytes <= 0 {
		l.MaxDocBytes = 256 << 20
	}
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = 8 << 30
	}
	return l
}

// Bundle is an evidence bundle as read from its zip, not yet verified:
// the documents' bytes, and for the evidence files their size and SHA-256.
type Bundle struct {
	Docs  map[string][]byte
	Files map[string]FileDigest
	// Names lists every entry in zip order.
	Names []string
}

// FileDigest is what the verifier needs of an evidence file.
type FileDigest struct {
	Size   int64
	SHA256 [32]byte
}

// ErrBadBundle: the zip cannot be read as a bundle (not a zip, a
// dangerous or repeated entry name, an entry over the limits).
var ErrBadBundle = errors.New("not a readable evidence bundle")

// ReadBundle reads a bundle from a zip of size bytes. It refuses entries
// whose names could escape a directory or shadow one another (absolute,
// "..", backslashes, repeated names) and anything over limits; it checks
// nothing else (Verify does).
func ReadBundle(r io.ReaderAt, size int64, limits ReadLimits) (*Bundle, error) {
	limits = limits.withDefaults()
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadBundle, err)
	}
	if len(zr.File) > limits.MaxEntries {
		return nil, fmt.Errorf("%w: %d entries, limit %d", ErrBadBundle, len(zr.File), limits.MaxEntries)
	}
	b := &Bundle{Docs: map[string][]byte{}, Files: map[string]FileDigest{}}
	seen := map[string]bool{}
	for _, f := range zr.File {
		if err := checkEntryName(f.Name); err != nil {
			return nil, err
		}
		if seen[f.Name] {
			return nil, fmt.Errorf("%w: entry %q appears twice", ErrBadBundle, f.Name)
		}
		seen[f.Name] = true
		b.Names = append(b.Names, f.Name)
		if err := b.readEntry(f, limits); err != nil {
			return nil, err
		}
	}
	return b, nil
}

func (b *Bundle) readEntry(f *zip.File, limits ReadLimits) error {
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("%w: entry %q: %v", ErrBadBundle, f.Name, err)
	}
	defer rc.Close()
	if strings.HasPrefix(f.Name, filesDir) {
		h := sha256.New()
		n, err := io.Copy(h, io.LimitReader(rc, limits.MaxFileBytes+1))
		if err != nil {
			return fmt.Errorf("%w: entry %q: %v", ErrBadBundle, f.Name, err)
		}
		if n > limits.MaxFileBytes {
			return fmt.Errorf("%w: entry %q is larger than %d bytes", ErrBadBundle, f.Name, limits.MaxFileBytes)
		}
		var d FileDigest
		d.Size = n
		h.Sum(d.SHA256[:0])
		b.Files[f.Name] = d
		return nil
	}
	data, err := io.ReadAll(io.LimitReader(rc, limits.MaxDocBytes+1))
	if err != nil {
		return fmt.Errorf("%w: entry %q: %v", ErrBadBundle, f.Name, err)
	}
	if int64(len(data)) > limits.MaxDocBytes {
		return fmt.Errorf("%w: entry %q is larger than %d bytes", ErrBadBundle, f.Name, limits.MaxDocBytes)
	}
	b.Docs[f.Name] = data
	return nil
}

// checkEntryName accepts plain relative names: no absolute path, no "."
// or ".." element, no backslash or control character, no directory
// entries, and files only one level under files/.
func checkEntryName(name string) error {
	bad := func(why string) error { return fmt.Errorf("%w: entry name %q: %s", ErrBadBundle, name, why) }
	if name == "" || len(name) > 255 {
		return bad("empty or too long")
	}
	if strings.HasPrefix(name, "/") || strings.HasSuffix(name, "/") || strings.Contains(name, "\\") {
		return bad("absolute, a directory, or with a backslash")
	}
	for _, c := range name {
		if c < 0x20 || c == 0x7f {
			return bad("control character")
		}
	}
	parts := strings.Split(name, "/")
	for _, p := range parts {
		if p == "" || p == "." || p == ".." {
			return bad("empty, . or .. element")
		}
	}
	if len(parts) > 2 || len(parts) == 2 && parts[0]+"/" != filesDir {
		return bad("only files/NAME may be in a directory")
	}
	return nil
}
