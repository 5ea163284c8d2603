package projections

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// fold returns s lower-cased, without diacritics (é → e, ç → c) and with
// the ligatures spelt out (œ → oe), so that "educateur" finds
// "Éducateur" and "oeuvre" finds "œuvre".
func fold(s string) string {
	if ascii(s) {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'œ' || r == 'Œ':
			b.WriteString("oe")
		case r == 'æ' || r == 'Æ':
			b.WriteString("ae")
		case r == 'ß':
			b.WriteString("ss")
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// stopWords are the French and English words that say nothing of a
// competence; they are neither indexed nor searched.
var stopWords = map[string]bool{
	"de": true, "du": true, "des": true, "la": true, "le": true, "les": true, "un": true, "une": true, "et": true, "ou": true,
	"en": true, "au": true, "aux": true, "pour": true, "par": true, "sur": true, "dans": true, "avec": true, "son": true, "sa": true, "ses": true,
	"the": true, "of": true, "and": true, "or": true, "to": true, "in": true, "on": true, "for": true, "with": true, "an": true,
}

// searchWords splits s, folded, into the words that are indexed and searched:
// letters and digits, at least two of them, less the stop words, each
// once, in order.
func searchWords(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range strings.FieldsFunc(fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if len(w) < 2 || stopWords[w] || seen[w] {
			continue
		}
		if r := []rune(w); len(r) > 40 {
			w = string(r[:40])
		}
		seen[w] = true
		out = append(out, w)
	}
	return out
}

// queryWords are the words of a search: as searchWords, but the last one,
// which the person may still be typing, is kept even if it is a stop
// word of three letters or more ("for" begins "former").
func queryWords(s string) []string {
	out := searchWords(s)
	all := allWords(s)
	if n := len(all); n > 0 && stopWords[all[n-1]] && len(all[n-1]) >= 3 {
		out = append(out, all[n-1])
	}
	return out
}

// allWords splits s, folded, into all its words, stop words included (to
// match a query's stop word still being typed).
func allWords(s string) []string {
	return strings.FieldsFunc(fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
