package formats

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Limits bound what an import reads, so that a hostile file costs a
// bounded amount of memory and time.
type Limits struct {
	MaxFile     int64 // the uploaded file
	MaxEntries  int   // entries of a zip
	MaxUnzipped int64 // the sum of a zip's entries, uncompressed
	MaxRatio    int64 // uncompressed / compressed, for an entry past 1 MiB
	MaxDocument int64 // the XML or JSON document itself (a zip's leap2a.xml too)
	MaxNodes    int   // XML elements, or JSON values, of the document
	MaxItems    int   // items an import makes
}

// DefaultLimits are those of the API and the pages.
func DefaultLimits() Limits {
	return Limits{MaxFile: 64 << 20, MaxEntries: 2000, MaxUnzipped: 512 << 20, MaxRatio: 100,
		MaxDocument: 8 << 20, MaxNodes: 200_000, MaxItems: 5000}
}

// FileError is a file an import refuses, before anything was changed.
type FileError struct {
	// TooLarge: past a limit; Unsupported: not the format it was sent
	// as, or no format that an import reads. Otherwise the file is
	// malformed.
	TooLarge, Unsupported bool
	Reason                string
}

func (e *FileError) Error() string { return "import file: " + e.Reason }

func sprintf(format string, args ...any) string {
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}

func bad(format string, args ...any) error { return &FileError{Reason: sprintf(format, args...)} }

func tooLarge(format string, args ...any) error {
	return &FileError{TooLarge: true, Reason: sprintf(format, args...)}
}

func unsupported(format string, args ...any) error {
	return &FileError{Unsupported: true, Reason: sprintf(format, args...)}
}

// Detect names the format of a file from its bytes: a zip is LEAP2A, a
// JSON object JSON Resume, an XML document Europass or a LEAP2A feed
// (ParseXML tells them apart by their root).
func Detect(data []byte) (Format, error) {
	head := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return LEAP2A, nil
	case bytes.HasPrefix(head, []byte("{")):
		return JSONResume, nil
	case bytes.HasPrefix(head, []byte("<")):
		return Europass, nil // or a LEAP2A feed: Parse reads the root
	case len(data) == 0:
		return "", bad("the file is empty")
	}
	return "", unsupported("the file is neither a zip (LEAP2A), a JSON document (JSON Resume) nor an XML document (Europass, LEAP2A)")
}

// describe says what a file's bytes are, for an error.
func describe(f Format) string {
	switch f {
	case LEAP2A:
		return "a zip archive"
	case JSONResume:
		return "a JSON document"
	}
	return "an XML document"
}

// Parse reads an import file sent as format ("" to tell it from the
// bytes), within l.
func Parse(data []byte, format Format, l Limits) (*Items, error) {
	if int64(len(data)) > l.MaxFile {
		return nil, tooLarge("the file has more than %d bytes", l.MaxFile)
	}
	got, err := Detect(data)
	if err != nil {
		return nil, err
	}
	xmlDoc := got == Europass
	switch {
	case format == "":
	case format == LEAP2A && (got == LEAP2A || xmlDoc):
	case format != got:
		return nil, unsupported("the file was sent as %s but it is %s", format, describe(got))
	}
	var it *Items
	switch {
	case got == LEAP2A:
		it, err = parseLEAP2AZip(data, l)
	case got == JSONResume:
		it, err = parseJSONResume(data, l)
	default:
		it, err = parseXML(data, format, l)
	}
	if err != nil {
		return nil, err
	}
	if n := len(it.Experiences) + len(it.Competences) + len(it.Evidence) + len(it.Goals); n > l.MaxItems {
		return nil, tooLarge("the file has %d items, more than %d", n, l.MaxItems)
	}
	return it, nil
}

// openZip reads a zip's directory within l: entry count (read from the
// end record before the directory is parsed), total size and ratio.
func openZip(data []byte, l Limits) (*zip.Reader, error) {
	n, err := zipEntries(data)
	if err != nil {
		return nil, err
	}
	if n > l.MaxEntries {
		return nil, tooLarge("the zip has %d entries, more than %d", n, l.MaxEntries)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, bad("the zip cannot be read: %v", err)
	}
	if len(zr.File) > l.MaxEntries {
		return nil, tooLarge("the zip has more than %d entries", l.MaxEntries)
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > uint64(l.MaxUnzipped) {
			return nil, tooLarge("the zip unpacks to more than %d bytes", l.MaxUnzipped)
		}
		if f.UncompressedSize64 > 1<<20 && f.UncompressedSize64 > f.CompressedSize64*uint64(l.MaxRatio) {
			return nil, tooLarge("the zip entry %q unpacks %d times larger than it is stored: refused as a zip bomb",
				safeName(f.Name), f.UncompressedSize64/max(f.CompressedSize64, 1))
		}
	}
	return zr, nil
}

// zipEntries reads the entry count of a zip's end-of-central-directory
// record; ZIP64 archives are refused.
func zipEntries(data []byte) (int, error) {
	const eocd = 22
	if len(data) < eocd {
		return 0, bad("the zip is cut short")
	}
	from := max(0, len(data)-eocd-0xffff)
	i := bytes.LastIndex(data[from:], []byte("PK\x05\x06"))
	if i < 0 || from+i+eocd > len(data) {
		return 0, bad("the zip has no end record: it is cut short or not a zip")
	}
	rec := data[from+i:]
	n := binary.LittleEndian.Uint16(rec[10:12])
	if n == 0xffff || binary.LittleEndian.Uint32(rec[16:20]) == 0xffffffff {
		return 0, unsupported("ZIP64 archives are not read")
	}
	return int(n), nil
}

// zipFile is entry f as a File that reads no more than f declares.
func zipFile(f *zip.File, name, typ string) *File {
	size := int64(f.UncompressedSize64)
	return &File{Name: name, Type: typ, Size: size, open: func() (io.ReadCloser, error) {
		rc, err := f.Open()
		if err != nil {
			return nil, bad("the zip entry %q cannot be read: %v", safeName(f.Name), err)
		}
		return &boundedReader{rc: rc, left: size, name: f.Name}, nil
	}}
}

// boundedReader fails once more bytes come than the entry declared.
type boundedReader struct {
	rc   io.ReadCloser
	left int64
	name string
}

func (b *boundedReader) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return 0, tooLarge("the zip entry %q holds more than it declares", safeName(b.name))
	}
	return n, err
}

func (b *boundedReader) Close() error { return b.rc.Close() }

// readEntry reads a whole entry of at most max bytes.
func readEntry(f *zip.File, max int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(max) {
		return nil, tooLarge("%q has more than %d bytes", safeName(f.Name), max)
	}
	rc, err := zipFile(f, f.Name, "").Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		if _, ok := err.(*FileError); ok {
			return nil, err
		}
		return nil, bad("the zip entry %q cannot be read: %v", safeName(f.Name), err)
	}
	return b, nil
}

// safeName is a name from a file, fit to quote in a message.
func safeName(s string) string {
	s = strings.ToValidUTF8(s, "?")
	if utf8.RuneCountInString(s) > 120 {
		s = string([]rune(s)[:120]) + "…"
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}
