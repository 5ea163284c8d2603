package httpapi

import (
	"fmt"
	"mime"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"
)

// uploadName is the name the client gives an upload: ?name=, else the
// filename of a Content-Disposition header; made safe by cleanName.
func uploadName(r *http.Request) string {
	if n := r.URL.Query().Get("name"); n != "" {
		return cleanName(n)
	}
	if _, params, err := mime.ParseMediaType(r.Header.Get("Content-Disposition")); err == nil {
		return cleanName(params["filename"]) // the mime package decodes filename* into filename
	}
	return ""
}

// cleanName makes a client's file name safe to record and to send back:
// valid UTF-8, the last path element only, no control or format
// character, no leading dot, trimmed, at most 255 bytes (cut on a
// character boundary). It may return "".
func cleanName(name string) string {
	name = strings.ToValidUTF8(name, "\uFFFD")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError || unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r) {
			return -1
		}
		if unicode.IsSpace(r) {
			return ' '
		}
		return r
	}, name)
	name = trimName(name)
	for len(name) > 255 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = trimName(name[:len(name)-size])
	}
	return name
}

// trimName drops spaces around a name and dots before it, until none is
// left (".  ." must not end as ".").
func trimName(name string) string {
	for {
		t := strings.TrimLeft(strings.TrimSpace(name), ".")
		if t == name {
			return t
		}
		name = t
	}
}

// attachment is a Content-Disposition (RFC 6266) that makes browsers save
// the file: an ASCII filename for old clients and the exact UTF-8 one in
// filename* (RFC 8187). Without a name, the file's ID stands in.
func attachment(name, fileID, mediaType string) string {
	name = cleanName(name)
	if name == "" {
		name = "file-" + fileID[:min(12, len(fileID))] + extension(mediaType)
	}
	var ascii, enc strings.Builder
	for _, r := range name {
		switch {
		case r < 0x80 && r >= 0x20 && r != '"' && r != '\\' && r != 0x7f:
			ascii.WriteRune(r)
		default:
			ascii.WriteByte('_')
		}
	}
	for _, b := range []byte(name) {
		if b < 0x80 && (b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || strings.IndexByte("!#$&+-.^_`|~", b) >= 0) {
			enc.WriteByte(b)
		} else {
			fmt.Fprintf(&enc, "%%%02X", b)
		}
	}
	return `attachment; filename="` + ascii.String() + `"; filename*=UTF-8''` + enc.String()
}

// extension names a media type's usual file extension.
func extension(mediaType string) string {
	switch mediaType {
	case typePDF:
		return ".pdf"
	case typePNG:
		return ".png"
	case typeJPEG:
		return ".jpg"
	case typeGIF:
		return ".gif"
	case typeWebP:
		return ".webp"
	case typeMP4:
		return ".mp4"
	case typeMP3:
		return ".mp3"
	case typeText:
		return ".txt"
	case typeODT:
		return ".odt"
	case typeODS:
		return ".ods"
	case typeODP:
		return ".odp"
	case typeDOCX:
		return ".docx"
	}
	return ""
}
