package web

import (
	"strings"
	"time"

	"github.com/parcours/parcours/domain"
)

// Dates as people read them: 02/03/2026 in French, 2 Mar 2026 in
// English; periods by month.

var monthsFR = [12]string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."}

// day formats a day.
func day(l Lang, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if l == EN {
		return t.Format("2 Jan 2006")
	}
	return t.Format("02/01/2006")
}

// dayOf formats a domain date ("" stays "").
func dayOf(l Lang, d domain.Date) string {
	t, ok := d.Time()
	if !ok {
		return ""
	}
	return day(l, t)
}

// month formats the month of a domain date.
func month(l Lang, d domain.Date) string {
	t, ok := d.Time()
	if !ok {
		return ""
	}
	if l == EN {
		return t.Format("Jan 2006")
	}
	return monthsFR[t.Month()-1] + " " + t.Format("2006")
}

// period says when an experience took place.
func period(l Lang, from, to domain.Date) string {
	f, t := month(l, from), month(l, to)
	switch {
	case f != "" && t != "":
		if f == t {
			return f
		}
		return f + " – " + t
	case f != "":
		return words.T(l, "pv.since") + " " + f
	case t != "":
		return words.T(l, "pv.until") + " " + t
	}
	return ""
}

// joined joins the non-empty parts with sep.
func joined(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// frameworkLabel names a framework element: "RNCP37849 · BC01", "ROME
// · K1201"; an ESCO skill by its framework only (its code is a long URI).
func frameworkLabel(f *domain.FrameworkRef) string {
	switch {
	case f == nil:
		return ""
	case f.Framework == "ESCO":
		return "ESCO"
	}
	return joined(" · ", f.Framework, f.Code)
}
