package web

import (
	"bytes"
	"mime"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Files are typed by their bytes, never by what the browser says, and
// only these types are stored: images, PDF, UTF-8 text, MP4 video and MP3
// sound, a subset of the API's list (httpapi/sniff.go), so a file stored
// here is served the same way by the API. Office documents are stored
// through the API (its sniffer reads zip entries; it is not shared yet).
var storedTypes = map[string]bool{
	"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true,
	"application/pdf": true, "text/plain; charset=utf-8": true, "video/mp4": true, "audio/mpeg": true,
}

// inlineTypes are shown in the page (images); others are downloaded.
var inlineTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

// sniffLen is what fileType looks at, as browsers do.
const sniffLen = 512

// fileType returns the media type of a file from its first bytes, or ""
// when it is not one this site stores.
func fileType(head []byte) string {
	head = head[:min(len(head), sniffLen)]
	if len(head) == 0 {
		return ""
	}
	if bytes.HasPrefix(head, []byte("ID3")) {
		return "audio/mpeg"
	}
	t := http.DetectContentType(head)
	if t == "text/plain; charset=utf-8" && !validUTF8Head(head) {
		return ""
	}
	if !storedTypes[t] {
		return ""
	}
	return t
}

// validUTF8Head reports whether head is UTF-8 but for a character cut
// at its end.
func validUTF8Head(head []byte) bool {
	for i := 0; i < 3 && len(head) > 0 && !utf8.Valid(head); i++ {
		head = head[:len(head)-1]
	}
	return utf8.Valid(head)
}

// cleanFileName keeps the last element of a browser's file name, without
// control characters, within 255 bytes; "" if nothing is left.
func cleanFileName(name string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, name)
	name = strings.TrimLeft(strings.TrimSpace(name), ".")
	for len(name) > 255 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	return strings.TrimSpace(name)
}

// disposition is the Content-Disposition of a file served: inline for an
// image shown in a page, else an attachment under its recorded name.
func disposition(mediaType, name string) string {
	kind := "attachment"
	if inlineTypes[mediaType] {
		kind = "inline"
	}
	if name = cleanFileName(name); name == "" {
		return kind
	}
	if d := mime.FormatMediaType(kind, map[string]string{"filename": name}); d != "" {
		return d
	}
	return kind
}
