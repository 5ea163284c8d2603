package domain

import "strings"

// validate accepts an RNCP block ("BC01") or competence code within an
// RNCP certification ("RNCP37849"), an ESCO skill URI, or a ROME code.
func (f FrameworkRef) validate() error {
	switch {
	case strings.HasPrefix(f.Framework, "RNCP") && len(f.Framework) <= 10 && isDigits(f.Framework[4:]):
		if !rncpCode(f.Code) {
			return invalid("framework.code", "must be an RNCP block code (BC01) or competence code (C1, BC01.C2)")
		}
	case f.Framework == "ESCO":
		id, ok := strings.CutPrefix(f.Code, "http://data.europa.eu/esco/skill/")
		if !ok || id == "" || len(id) > 64 || strings.Trim(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") != "" {
			return invalid("framework.code", "must be an ESCO skill URI (http://data.europa.eu/esco/skill/…)")
		}
	case f.Framework == "ROME":
		if len(f.Code) != 5 || f.Code[0] < 'A' || f.Code[0] > 'N' || !isDigits(f.Code[1:]) {
			return invalid("framework.code", "must be a ROME code (K1201)")
		}
	default:
		return invalid("framework.framework", "must be an RNCP certification (RNCP37849), ESCO or ROME")
	}
	return nil
}

func isDigits(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }

// rncpCode accepts up to 32 characters of upper-case letters and digits in
// parts separated by '.', '-' or '_', starting with a letter: "BC01",
// "C1", "BC01.C2".
func rncpCode(s string) bool {
	if s == "" || len(s) > 32 || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	sep := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
			sep = false
		case (c == '.' || c == '-' || c == '_') && !sep:
			sep = true
		default:
			return false
		}
	}
	return !sep
}
