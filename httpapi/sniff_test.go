package httpapi

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"
)

// zipOf builds a zip with the given entries in order; stored ones are
// not compressed (as ODF's mimetype entry).
func zipOf(t *testing.T, entries ...[3]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		method := zip.Deflate
		if e[2] == "stored" {
			method = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e[0], Method: method})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(e[1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSniff(t *testing.T) {
	contentTypes := `<?xml version="1.0"?><Types><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`
	longText := strings.Repeat("a", 511) + "é and more" // the window cuts é in two
	cases := []struct {
		name string
		body []byte
		want string
	}{
		{"pdf", []byte("%PDF-1.7\n%âãÏÓ"), typePDF},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), typePNG},
		{"jpeg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), typeJPEG},
		{"gif", []byte("GIF89a\x01\x00\x01\x00"), typeGIF},
		{"webp", []byte("RIFF\x24\x00\x00\x00WEBPVP8 "), typeWebP},
		{"mp4", []byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), typeMP4},
		{"mp3 with a tag", []byte("ID3\x04\x00\x00\x00\x00\x01\x00"), typeMP3},
		{"mp3 frame", []byte("\xff\xfb\x90\x64\x00\x00"), typeMP3},
		{"text", []byte("Compte rendu : très bien.\n"), typeText},
		{"text cut in a character", []byte(longText), typeText},
		{"text that says ID3", []byte("ID3 tags hold titles"), typeText},
		{"docx (Word)", zipOf(t, [3]string{"[Content_Types].xml", contentTypes, ""}, [3]string{"_rels/.rels", "<Relationships/>", ""}), typeDOCX},
		{"docx (parts first)", zipOf(t, [3]string{"word/document.xml", "<w:document/>", ""}), typeDOCX},
		{"odt", zipOf(t, [3]string{"mimetype", typeODT, "stored"}, [3]string{"content.xml", "<office/>", ""}), typeODT},
		{"ods", zipOf(t, [3]string{"mimetype", typeODS, "stored"}), typeODS},
		{"odf of another kind", zipOf(t, [3]string{"mimetype", "application/vnd.oasis.opendocument.graphics", "stored"}), ""},
		{"xlsx", zipOf(t, [3]string{"[Content_Types].xml", "<Types>spreadsheetml.sheet.main+xml</Types>", ""}, [3]string{"xl/workbook.xml", "<x/>", ""}), ""},
		{"a plain zip", zipOf(t, [3]string{"photos/a.jpg", "\xff\xd8\xff", ""}), ""},
		{"html", []byte("<!DOCTYPE html><p>hi"), ""},
		{"html after spaces", []byte("   \n<script>alert(1)</script>"), ""},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>`), ""},
		{"text that starts like markup", []byte(" <b>not really</b>"), ""},
		{"utf-16 text", []byte("\xff\xfeh\x00i\x00"), ""},
		{"latin-1 text", []byte("caf\xe9 cr\xe8me"), ""},
		{"elf", []byte("\x7fELF\x02\x01\x01"), ""},
		{"windows exe", []byte("MZ\x90\x00\x03\x00"), ""},
		{"empty", nil, ""},
	}
	for _, c := range cases {
		if got := sniff(c.body); got != c.want {
			t.Errorf("%s: sniffed %q, want %q", c.name, got, c.want)
		}
	}
}
