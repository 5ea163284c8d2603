package frameworks

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"regexp"
	"strings"

	"github.com/parcours/parcours/domain"
)

// rncpFiche is the part of an RNCP XML fiche that Parcours reads.
type rncpFiche struct {
	Number string `xml:"NUMERO_FICHE"`
	Title  string `xml:"INTITULE"`
	Blocks []struct {
		Code        string `xml:"CODE"`
		Label       string `xml:"LIBELLE"`
		Competences string `xml:"LISTE_COMPETENCES"`
	} `xml:"BLOCS_COMPETENCES>BLOC_COMPETENCES"`
}

var (
	rncpNumber = regexp.MustCompile(`^RNCP[0-9]{1,6}$`)
	// A block's code in the exports is the fiche's number and the block's
	// own code ("RNCP37849BC01"); competences reference the block's own.
	rncpBlock = regexp.MustCompile(`^(RNCP[0-9]{1,6})?(BC[0-9]{1,3})$`)
)

// readRNCP reads certifications and their blocks: France Compétences' XML
// export, or its CSV files (Standard and Blocs_De_Compétences). In the
// XML, a block's LISTE_COMPETENCES (a list in text or HTML) gives its
// competences, numbered in order under the block (BC01-C1, BC01-C2 …).
func readRNCP(parts []part) ([]domain.FrameworkEntry, error) {
	var out []domain.FrameworkEntry
	for _, p := range parts {
		data := bytes.TrimLeft(bytes.TrimPrefix(p.data, []byte("\xef\xbb\xbf")), " \t\r\n")
		var got []domain.FrameworkEntry
		var err error
		if bytes.HasPrefix(data, []byte("<")) {
			got, err = readRNCPXML(p)
		} else {
			got, err = readRNCPCSV(p)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	return mergeCertifications(out), nil
}

func readRNCPXML(p part) ([]domain.FrameworkEntry, error) {
	dec := xml.NewDecoder(bytes.NewReader(p.data))
	var out []domain.FrameworkEntry
	fiches := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, bad(p.name, fmt.Sprintf("not well-formed XML (line %d): %v", lineOf(dec, p.data), err))
		}
		start, ok := tok.(xml.StartElement)
		if !ok || start.Name.Local != "FICHE" {
			continue
		}
		var f rncpFiche
		if err := dec.DecodeElement(&f, &start); err != nil {
			return nil, bad(p.name, fmt.Sprintf("fiche %d: %v", fiches+1, err))
		}
		fiches++
		got, err := ficheEntries(f)
		if err != nil {
			return nil, bad(p.name, fmt.Sprintf("fiche %d: %s", fiches, err))
		}
		out = append(out, got...)
	}
	if fiches == 0 && !p.inZip {
		return nil, bad(p.name, "no FICHE element: expected France Compétences' XML export (FICHES/FICHE)")
	}
	return out, nil
}

func lineOf(dec *xml.Decoder, data []byte) int {
	off := min(int(dec.InputOffset()), len(data))
	return 1 + bytes.Count(data[:off], []byte("\n"))
}

func ficheEntries(f rncpFiche) ([]domain.FrameworkEntry, error) {
	num, title := strings.TrimSpace(f.Number), strings.Join(strings.Fields(f.Title), " ")
	if !rncpNumber.MatchString(num) {
		return nil, fmt.Errorf("NUMERO_FICHE %q is not an RNCP number (RNCP37849)", num)
	}
	out := []domain.FrameworkEntry{{Type: domain.EntryCertification, Framework: num, Code: num, Labels: map[string]string{"fr": title}}}
	for _, b := range f.Blocks {
		code, err := blockCode(num, b.Code)
		if err != nil {
			return nil, err
		}
		label := strings.Join(strings.Fields(b.Label), " ")
		out = append(out, domain.FrameworkEntry{Type: domain.EntryBlock, Framework: num, Code: code, Parent: num, Labels: map[string]string{"fr": label}})
		for i, c := range competenceList(b.Competences) {
			out = append(out, domain.FrameworkEntry{Type: domain.EntryCompetence, Framework: num, Code: fmt.Sprintf("%s-C%d", code, i+1),
				Parent: code, Labels: map[string]string{"fr": c}})
		}
	}
	return out, nil
}

// blockCode returns a block's own code ("BC01") from the export's.
func blockCode(num, raw string) (string, error) {
	m := rncpBlock.FindStringSubmatch(strings.TrimSpace(raw))
	if m == nil || m[1] != "" && m[1] != num {
		return "", fmt.Errorf("block code %q is not a block of %s (%sBC01)", raw, num, num)
	}
	return m[2], nil
}

var (
	listBreak = regexp.MustCompile(`(?i)<\s*(/?p|br\s*/?|/?li|/?ul|/?ol|/?div)\s*>`)
	tag       = regexp.MustCompile(`<[^>]*>`)
)

// competenceList splits a block's list of competences into its items:
// lines or HTML paragraphs and list items, less their bullets. At most
// 100, each at most 2,000 characters.
func competenceList(s string) []string {
	s = listBreak.ReplaceAllString(html.UnescapeString(s), "\n")
	s = html.UnescapeString(tag.ReplaceAllString(s, ""))
	var out []string
	for _, line := range strings.Split(s, "\n") {
		line = strings.Join(strings.Fields(strings.TrimLeft(strings.TrimSpace(line), "-–•*·")), " ")
		if len([]rune(line)) < 3 || strings.HasSuffix(line, ":") && len(out) == 0 {
			continue // a heading ("Compétences :")
		}
		if r := []rune(line); len(r) > 2000 {
			line = string(r[:2000])
		}
		out = append(out, line)
		if len(out) == 100 {
			break
		}
	}
	return out
}

// readRNCPCSV reads the CSV export: Standard (Numero_Fiche, Intitule)
// gives certifications, Blocs_De_Compétences (Numero_Fiche,
// Bloc_Competences_Code, Bloc_Competences_Libelle) their blocks. Other
// files of the export are skipped inside a zip.
func readRNCPCSV(p part) ([]domain.FrameworkEntry, error) {
	t, err := openTable(p)
	if err != nil {
		if p.inZip {
			return nil, nil
		}
		return nil, err
	}
	blocks := t.has("Numero_Fiche", "Bloc_Competences_Code", "Bloc_Competences_Libelle")
	if !blocks && !t.has("Numero_Fiche", "Intitule") {
		if p.inZip {
			return nil, nil
		}
		return nil, bad(p.name, "not an RNCP export: expected the XML export, or the CSV files Standard (Numero_Fiche, Intitule) "+
			"and Blocs_De_Compétences (Numero_Fiche, Bloc_Competences_Code, Bloc_Competences_Libelle)")
	}
	var out []domain.FrameworkEntry
	for {
		more, err := t.next()
		if err != nil {
			return nil, err
		}
		if !more {
			return out, nil
		}
		num := t.get("Numero_Fiche")
		if !rncpNumber.MatchString(num) {
			return nil, t.fail("Numero_Fiche %q is not an RNCP number (RNCP37849)", num)
		}
		if !blocks {
			out = append(out, domain.FrameworkEntry{Type: domain.EntryCertification, Framework: num, Code: num, Labels: map[string]string{"fr": t.get("Intitule")}})
			continue
		}
		code, err := blockCode(num, t.get("Bloc_Competences_Code"))
		if err != nil {
			return nil, t.fail("%s", err)
		}
		out = append(out, domain.FrameworkEntry{Type: domain.EntryBlock, Framework: num, Code: code, Parent: num,
			Labels: map[string]string{"fr": strings.Join(strings.Fields(t.get("Bloc_Competences_Libelle")), " ")}})
	}
}

// mergeCertifications keeps one entry per certification, block or
// competence (a certification may be in the Standard CSV and the XML).
func mergeCertifications(in []domain.FrameworkEntry) []domain.FrameworkEntry {
	seen := map[domain.FrameworkRef]bool{}
	out := in[:0]
	for _, e := range in {
		if !seen[e.Ref()] {
			seen[e.Ref()] = true
			out = append(out, e)
		}
	}
	return out
}
