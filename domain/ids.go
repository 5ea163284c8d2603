package domain

import (
	"strings"
	"time"
	"unicode/utf8"
)

// ValidID reports whether s can name an entity: 1 to 64 bytes of ASCII
// letters, digits, '-' and '_'. IDs go into stream names and URLs.
func ValidID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func checkID(field, s string) error {
	if !ValidID(s) {
		return invalid(field, "must be 1 to 64 letters, digits, '-' or '_'")
	}
	return nil
}

// checkText validates free text: valid UTF-8, trimmed length within
// [min, max] characters, no control characters but newlines and tabs.
func checkText(field, s string, min, max int) error {
	if !utf8.ValidString(s) {
		return invalid(field, "is not valid UTF-8")
	}
	n := utf8.RuneCountInString(strings.TrimSpace(s))
	if n < min {
		if min == 1 {
			return invalid(field, "is required")
		}
		return invalid(field, "must have at least %d characters", min)
	}
	if n > max {
		return invalid(field, "must have at most %d characters", max)
	}
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' && r != '\r' || r == 0x7f {
			return invalid(field, "contains a control character")
		}
	}
	return nil
}

// Date is a calendar day (YYYY-MM-DD), without time of day.
type Date string

// ParseDate checks d.
func (d Date) Time() (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, string(d))
	return t, err == nil
}

func checkDate(field string, d Date, required bool) error {
	if d == "" {
		if required {
			return invalid(field, "is required (YYYY-MM-DD)")
		}
		return nil
	}
	if _, ok := d.Time(); !ok {
		return invalid(field, "must be a date YYYY-MM-DD")
	}
	return nil
}

func checkRange(fromField string, from, to Date) error {
	if from == "" || to == "" {
		return nil
	}
	f, _ := from.Time()
	t, _ := to.Time()
	if t.Before(f) {
		return invalid(fromField, "must not be after the end date")
	}
	return nil
}

// DateOf returns the day of t.
func DateOf(t time.Time) Date { return Date(t.UTC().Format(time.DateOnly)) }
