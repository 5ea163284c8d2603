package httpapi

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"
)

// Evidence files are typed by their bytes, never by what the client says:
// a file is stored only if its type is on this list, and it is served with
// that type again (sniffed from the stored bytes), with nosniff.
const (
	typePDF  = "application/pdf"
	typePNG  = "image/png"
	typeJPEG = "image/jpeg"
	typeGIF  = "image/gif"
	typeWebP = "image/webp"
	typeMP4  = "video/mp4"
	typeMP3  = "audio/mpeg"
	typeText = "text/plain; charset=utf-8"
	typeODT  = "application/vnd.oasis.opendocument.text"
	typeODS  = "application/vnd.oasis.opendocument.spreadsheet"
	typeODP  = "application/vnd.oasis.opendocument.presentation"
	typeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)

// allowedTypes is the allow-list, as documented for downloads.
var allowedTypes = []string{typePDF, typePNG, typeJPEG, typeGIF, typeWebP, typeMP4, typeMP3, "text/plain",
	typeODT, typeODS, typeODP, typeDOCX}

// sniffLen is how much of a file sniff looks at: 512 bytes as browsers do
// (http.DetectContentType), more for office documents, whose type shows
// in the zip entries' names.
const sniffLen = 64 << 10

// sniff returns the media type of a file from its first bytes, or "" when
// it is not an allowed type (HTML, scripts, archives, executables, text
// that is not UTF-8 …).
func sniff(head []byte) string {
	first := head[:min(len(head), 512)]
	switch {
	case len(head) == 0:
		return ""
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return sniffZip(head)
	case id3Tag(head) || mpegFrame(head):
		return typeMP3
	}
	switch http.DetectContentType(first) {
	case typePDF:
		return typePDF
	case typePNG:
		return typePNG
	case typeJPEG:
		return typeJPEG
	case typeGIF:
		return typeGIF
	case typeWebP:
		return typeWebP
	case typeMP4:
		return typeMP4
	case typeText, typeMP3: // "ID3" without a tag after it may be text
		if plainText(first) {
			return typeText
		}
	}
	return ""
}

// plainText accepts UTF-8 text without the control bytes that mark binary
// data, and not markup: text whose first non-blank byte is "<" could be
// HTML or SVG, which the allow-list leaves out even though nosniff and
// the sandbox would keep a browser from running it.
func plainText(b []byte) bool {
	if !utf8.Valid(trimPartialRune(b)) {
		return false
	}
	for _, c := range b {
		if c <= 0x08 || c == 0x0B || c >= 0x0E && c <= 0x1A || c >= 0x1C && c <= 0x1F {
			return false
		}
	}
	trimmed := bytes.TrimLeft(b, "\t\n\f\r \xef\xbb\xbf")
	return len(trimmed) == 0 || trimmed[0] != '<'
}

// id3Tag reports an ID3v2 tag header (as MP3 files begin): "ID3", a
// version 2 to 4, flags, and a size in four 7-bit bytes.
func id3Tag(b []byte) bool {
	return len(b) >= 10 && bytes.HasPrefix(b, []byte("ID3")) && b[3] >= 2 && b[3] <= 4 && b[4] != 0xFF &&
		(b[6]|b[7]|b[8]|b[9])&0x80 == 0
}

// mpegFrame reports an MPEG audio layer III frame header without an ID3
// tag: sync bits, a known version, layer III, a valid bitrate and rate.
func mpegFrame(b []byte) bool {
	if len(b) < 4 || b[0] != 0xFF || b[1]&0xE0 != 0xE0 {
		return false
	}
	version, layer := b[1]>>3&3, b[1]>>1&3
	bitrate, rate := b[2]>>4, b[2]>>2&3
	return version != 1 && layer == 1 && bitrate != 0 && bitrate != 15 && rate != 3
}

// trimPartialRune drops a UTF-8 sequence cut by the end of the window.
func trimPartialRune(b []byte) []byte {
	for i := 1; i <= 3 && i <= len(b); i++ {
		c := b[len(b)-i]
		if c < 0x80 {
			return b
		}
		if c >= 0xC0 { // a lead byte: keep it only if its sequence is whole
			if utf8.FullRune(b[len(b)-i:]) {
				return b
			}
			return b[:len(b)-i]
		}
	}
	return b
}

// sniffZip types a zip: ODF puts an uncompressed "mimetype" entry first;
// a DOCX names its parts word/… (or declares its main part in a first
// [Content_Types].xml entry). Any other zip is refused.
func sniffZip(head []byte) string {
	entries := zipEntries(head)
	if len(entries) == 0 {
		return ""
	}
	if e := entries[0]; e.name == "mimetype" && e.method == 0 {
		for _, t := range []string{typeODT, typeODS, typeODP} {
			// The entry holds exactly the type: what follows is the next
			// header or a data descriptor ("PK…"), or the window's end.
			if rest, ok := bytes.CutPrefix(e.data, []byte(t)); ok && (len(rest) == 0 || bytes.HasPrefix(rest, []byte("PK"))) {
				return t
			}
		}
		return ""
	}
	for _, e := range entries {
		switch {
		case strings.HasPrefix(e.name, "word/"):
			return typeDOCX
		case e.name == "[Content_Types].xml" && bytes.Contains(inflate(e), []byte("wordprocessingml.document.main+xml")):
			return typeDOCX
		}
	}
	return ""
}

type zipEntry struct {
	name   string
	method uint16
	data   []byte // what of the entry's bytes is in the window
}

// zipEntries reads the local file headers at the start of a zip, as far
// as the window goes (at most 64 of them).
func zipEntries(b []byte) []zipEntry {
	var out []zipEntry
	for off := 0; len(out) < 64 && off+30 <= len(b) && bytes.Equal(b[off:off+4], []byte("PK\x03\x04")); {
		h := b[off : off+30]
		flags, method := binary.LittleEndian.Uint16(h[6:]), binary.LittleEndian.Uint16(h[8:])
		size := int(binary.LittleEndian.Uint32(h[18:]))
		nameLen, extraLen := int(binary.LittleEndian.Uint16(h[26:])), int(binary.LittleEndian.Uint16(h[28:]))
		start := off + 30 + nameLen + extraLen
		if start > len(b) {
			break
		}
		e := zipEntry{name: string(b[off+30 : off+30+nameLen]), method: method}
		e.data = b[start:min(len(b), start+size)]
		if flags&8 != 0 { // sizes follow the data: the end is unknown
			e.data = b[start:]
			out = append(out, e)
			break
		}
		out = append(out, e)
		off = start + size
	}
	return out
}

// inflate returns up to 64 KiB of an entry's content.
func inflate(e zipEntry) []byte {
	switch e.method {
	case 0:
		return e.data
	case 8:
		out, _ := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(e.data)), 64<<10))
		return out
	}
	return nil
}
