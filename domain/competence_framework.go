package domain

import "strings"

// validate accepts an RNCP block or competence code ("BC01", "C1.2") within
// an RNCP certification ("RNCP37849"), an ESCO skill URI, or a ROME code:
// an occupation's ("K1201") or, in ROME 4.0, a competence's OGR number
// ("121357").
func (f FrameworkRef) validate() error {
	switch {
	case strings.HasPrefix(f.Framework, "RNCP") && len(f.Framework) <= 10 && isDigits(f.Framework[4:]):
		// The same codes as a dossier's certification blocks and competences.
		return checkCertCode("framework.code", f.Code)
	case f.Framework == "ESCO":
		id, ok := strings.CutPrefix(f.Code, "http://data.europa.eu/esco/skill/")
		if !ok || id == "" || len(id) > 64 || strings.Trim(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") != "" {
			return invalid("framework.code", "must be an ESCO skill URI (http://data.europa.eu/esco/skill/…)")
		}
	case f.Framework == "ROME":
		occupation := len(f.Code) == 5 && f.Code[0] >= 'A' && f.Code[0] <= 'N' && isDigits(f.Code[1:])
		switch {
		case occupation, len(f.Code) <= 9 && isDigits(f.Code):
		case isDigits(f.Code):
			return invalid("framework.code", "must be a ROME competence number (121357)")
		default:
			return invalid("framework.code", "must be a ROME code (K1201)")
		}
	default:
		return invalid("framework.framework", "must be an RNCP certification (RNCP37849), ESCO or ROME")
	}
	return nil
}

func isDigits(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }
