package domain

import (
	"net/mail"
	"net/url"
	"strconv"
	"strings"
)

func itoa(n int) string { return strconv.Itoa(n) }

func checkEmail(s string) error {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 {
		return invalid("email", "is not an email address")
	}
	return nil
}

// checkURL accepts absolute http and https links only.
func checkURL(field, s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(s) > 2000 || strings.ContainsAny(s, " \n\t") {
		return invalid(field, "must be an http(s) link")
	}
	return nil
}
