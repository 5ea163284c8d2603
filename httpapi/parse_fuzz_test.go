package httpapi

import (
	"bytes"
	"errors"
	"mime"
	"net/http"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/projections"
)

func FuzzLastEventID(f *testing.F) {
	for _, s := range []string{"", "0.0", "0.42", " 3.7 ", "18446744073709551615.18446744073709551615", "1", "1.2.3", "-1.0", "+1.2", "01.2", "1.", ".1", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parseLastEventID(s)
		if err != nil {
			return
		}
		if strings.TrimSpace(s) == "" {
			if p != eventstore.Start {
				t.Fatalf("%q: %v", s, p)
			}
			return
		}
		back, err := eventstore.ParsePosition(p.String())
		if err != nil || back != p {
			t.Fatalf("%q → %v → %q → %v %v", s, p, p.String(), back, err)
		}
	})
}

func FuzzPreferWait(f *testing.F) {
	for _, s := range []string{"wait=5", "return=minimal, wait=100", "wait=0", "wait=-3", "wait=abc", "wait=1,wait=2", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if secs, ok := preferWait([]string{v}); ok && (secs < 1 || secs > 30) {
			t.Fatalf("%q: wait %d", v, secs)
		}
	})
}

func FuzzSniff(f *testing.F) {
	for _, s := range []string{"%PDF-1.7", "\x89PNG\r\n\x1a\n", "\xff\xd8\xff\xe0", "GIF89a", "RIFF\x00\x00\x00\x00WEBPVP8 ", "ID3\x03\x00\x00\x00\x00\x02\x01", "ID3 is a tag format",
		"\xff\xfb\x90\x64", "\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom", "plain text é", "<html>", "\xef\xbb\xbfBOM text",
		"PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x27\x00\x00\x00\x27\x00\x00\x00\x08\x00\x00\x00mimetypeapplication/vnd.oasis.opendocument.text",
		"PK\x03\x04\x14\x00\x08\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x13\x00\x00\x00[Content_Types].xml\x03\x00",
		"PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x11\x00\x00\x00word/document.xml"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		mt := sniff(b)
		if mt == "" {
			return
		}
		base, _, _ := strings.Cut(mt, ";")
		if !slices.Contains(allowedTypes, base) && !slices.Contains(allowedTypes, mt) {
			t.Fatalf("%q sniffed as %q, not allowed", b[:min(len(b), 40)], mt)
		}
		if again := sniff(bytes.Clone(b)); again != mt {
			t.Fatalf("not deterministic: %q then %q", mt, again)
		}
		if first := b[:min(len(b), 512)]; mt == typeText && (!utf8.Valid(trimPartialRune(first)) || bytes.IndexByte(first, 0) >= 0) {
			t.Fatalf("%q is not UTF-8 text", b[:min(len(b), 40)])
		}
		if len(b) > sniffLen && sniff(b[:sniffLen]) != mt {
			t.Fatal("sniff looked past its window")
		}
	})
}

func FuzzFileName(f *testing.F) {
	for _, s := range []string{"attestation.pdf", "../../etc/passwd", `C:\Users\zoé\CV final.docx`, "a\r\nContent-Type: text/html", "\u202egnp.exe",
		`"quoted" name;.pdf`, "...", strings.Repeat("é", 200), "\xff\xfe", " spaced out "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		clean := cleanName(name)
		if !utf8.ValidString(clean) || strings.ContainsAny(clean, "/\\") || len(clean) > 255 || strings.HasPrefix(clean, ".") ||
			clean != strings.TrimSpace(clean) || cleanName(clean) != clean {
			t.Fatalf("cleanName(%q) = %q", name, clean)
		}
		for _, r := range clean {
			if r < 0x20 || r == 0x7f || r == '\u202e' {
				t.Fatalf("cleanName(%q) keeps %U", name, r)
			}
		}
		cd := attachment(name, strings.Repeat("ab", 32), typePDF)
		if strings.ContainsAny(cd, "\r\n\x00") {
			t.Fatalf("header %q", cd)
		}
		disposition, params, err := mime.ParseMediaType(cd)
		if err != nil || disposition != "attachment" {
			t.Fatalf("%q does not parse: %v", cd, err)
		}
		if want := clean; want != "" && params["filename"] != want {
			t.Fatalf("%q names %q, want %q", cd, params["filename"], want)
		}
	})
}

func FuzzConversationParams(f *testing.F) {
	for _, q := range []string{"", "before=12&limit=5", "limit=0", "limit=201", "before=0", "before=-1", "before=x", "limit=1e3", "before=18446744073709551615", "limit=%00"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		r, err := http.NewRequest("GET", "/v1/portfolios/p-zoe/conversation?"+q, nil)
		if err != nil {
			return
		}
		before, limit, err := conversationParams(r)
		if err != nil {
			var de *domain.Error
			if !errors.As(err, &de) || de.Kind != domain.KindInvalid || de.Field != "before" && de.Field != "limit" {
				t.Fatalf("%q: %v is not a refusal of before or limit", q, err)
			}
			return
		}
		if limit < 1 || limit > projections.MaxConversationPage {
			t.Fatalf("%q: limit %d", q, limit)
		}
		if (before == 0) != (r.URL.Query().Get("before") == "") {
			t.Fatalf("%q: before %d", q, before)
		}
	})
}
