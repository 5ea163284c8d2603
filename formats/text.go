package formats

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parcours/parcours/domain"
)

// date reads the dates the formats write (YYYY, YYYY-MM, YYYY-MM-DD, or
// a date-time) as a Parcours date: a year or a month starts on its first
// day. ok is false for what is not a date.
func date(s string) (domain.Date, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 10 && (s[10] == 'T' || s[10] == ' ') {
		s = s[:10]
	}
	switch len(s) {
	case 4:
		s += "-01-01"
	case 7:
		s += "-01"
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return "", false
	}
	return domain.Date(s), true
}

// clip cuts s to at most n characters (as the domain counts them) and
// removes control characters the domain refuses; cut reports a cut.
func clip(s string, n int) (out string, cut bool) {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			return -1
		}
		return r
	}, strings.ReplaceAll(s, "\r\n", "\n"))
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s, false
	}
	return strings.TrimSpace(string([]rune(s)[:n-1])) + "…", true
}

// line folds spaces and cuts s to n characters.
func line(s string, n int) string {
	out, _ := clip(strings.Join(strings.Fields(s), " "), n)
	return out
}

// stripTags is the text of an HTML fragment sent as escaped text
// (content type="html"): tags dropped, block ends made line breaks.
func stripTags(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			break
		}
		tag := strings.ToLower(strings.Trim(s[i+1:i+j], "/ "))
		if name, _, _ := strings.Cut(tag, " "); blocks[name] {
			b.WriteByte('\n')
		}
		s = s[i+j+1:]
	}
	r := strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#039;", "'", "&#39;", "'", "&nbsp;", " ")
	var lines []string
	for _, l := range strings.Split(r.Replace(b.String()), "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// StableID is the ID an imported item gets in portfolio: derived from
// the portfolio, the format and the item's key in the file, so importing
// the same file again names the same items (and adds none).
func StableID(prefix, portfolio string, f Format, key string) string {
	h := sha256.Sum256([]byte(portfolio + "\x00" + string(f) + "\x00" + key))
	return prefix + hex.EncodeToString(h[:12])
}
