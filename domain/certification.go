package domain

import "strings"

// Bounds of an inline certification: generous for any RNCP entry, small
// enough to keep the event that holds it small.
const (
	maxBlocks           = 40
	maxBlockCompetences = 60
)

// validate checks a certification: an RNCP code, a title, at least one
// block, every block with a code unique in the certification, a title and
// at least one competence, every competence with a code unique in the
// certification and a title.
func (c Certification) validate() error {
	if err := checkRNCPCode(c.RNCPCode); err != nil {
		return err
	}
	if err := checkText("certification.title", c.Title, 1, 300); err != nil {
		return err
	}
	if len(c.Blocks) == 0 {
		return invalid("certification.blocks", "name at least one block")
	}
	if len(c.Blocks) > maxBlocks {
		return invalid("certification.blocks", "must have at most %d blocks", maxBlocks)
	}
	blocks, competences := map[string]bool{}, map[string]bool{}
	for i, b := range c.Blocks {
		field := "certification.blocks[" + itoa(i) + "]"
		if blocks[b.Code] {
			return invalid(field+".code", "block %s is named twice", b.Code)
		}
		blocks[b.Code] = true
		if err := b.validate(field, competences); err != nil {
			return err
		}
	}
	return nil
}

// validate checks block b, at field, adding its competence codes to seen.
func (b Block) validate(field string, seen map[string]bool) error {
	if err := checkCertCode(field+".code", b.Code); err != nil {
		return err
	}
	if err := checkText(field+".title", b.Title, 1, 300); err != nil {
		return err
	}
	if len(b.Competences) == 0 {
		return invalid(field+".competences", "name at least one competence")
	}
	if len(b.Competences) > maxBlockCompetences {
		return invalid(field+".competences", "must have at most %d competences", maxBlockCompetences)
	}
	for j, k := range b.Competences {
		f := field + ".competences[" + itoa(j) + "]"
		if err := checkCertCode(f+".code", k.Code); err != nil {
			return err
		}
		if seen[k.Code] {
			return invalid(f+".code", "competence %s is named twice", k.Code)
		}
		seen[k.Code] = true
		if err := checkText(f+".title", k.Title, 1, 500); err != nil {
			return err
		}
	}
	return nil
}

// checkRNCPCode accepts "RNCP" followed by 1 to 6 digits ("RNCP37849").
func checkRNCPCode(s string) error {
	digits, ok := strings.CutPrefix(s, "RNCP")
	if !ok || digits == "" || len(digits) > 6 || strings.Trim(digits, "0123456789") != "" {
		return invalid("certification.rncp_code", "must be RNCP followed by digits (RNCP37849)")
	}
	return nil
}

// checkCertCode accepts a block or competence code: 1 to 32 ASCII letters,
// digits, '.', '-' or '_' ("RNCP37849BC01", "C1.2").
func checkCertCode(field, s string) error {
	ok := s != "" && len(s) <= 32
	for i := 0; ok && i < len(s); i++ {
		c := s[i]
		ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_'
	}
	if !ok {
		return invalid(field, "must be 1 to 32 letters, digits, '.', '-' or '_'")
	}
	return nil
}
