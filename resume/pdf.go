package resume

import (
	_ "embed"
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// The fonts are DejaVu Sans (see fonts/LICENSE): the PDF core fonts have
// no glyphs beyond Latin-1 and fpdf needs a TrueType font for UTF-8 text.
var (
	//go:embed fonts/DejaVuSans.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontBold []byte
)

// Page layout, in millimetres and points.
const (
	margin   = 18.0
	lineH    = 5.0
	family   = "DejaVu"
	bodySize = 10.0
)

// Colours: a dark blue for headings and links, a grey for dates.
var (
	accent = [3]int{0x1f, 0x4e, 0x79}
	muted  = [3]int{0x59, 0x59, 0x59}
	ink    = [3]int{0x1a, 0x1a, 0x1a}
)

// WritePDF draws d as an A4 CV in language l and writes the PDF to w:
// the person's name, label, email (a mailto link) and summary, then
// the sections that have entries, then a footer with the page number
// and, when set, the document's address as a link. created stamps the
// PDF's creation date (so the same CV gives the same bytes).
func WritePDF(w io.Writer, d Document, l Lang, created time.Time) error {
	d = drawable(d)
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes(family, "", fontRegular)
	pdf.AddUTF8FontFromBytes(family, "B", fontBold)
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, margin+4)
	pdf.SetCatalogSort(true) // the same CV, the same bytes
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(created)
	pdf.SetTitle(strings.Trim(d.Basics.Name+" — "+d.Basics.Label, " —"), true)
	pdf.SetAuthor(d.Basics.Name, true)
	pdf.SetCreator("Parcours", true)
	pdf.SetLang(string(l))
	pdf.AliasNbPages("{nb}")
	c := &canvas{pdf: pdf, l: l}
	pdf.SetFooterFunc(func() { c.footer(d.Meta.Canonical) })
	pdf.AddPage()
	c.basics(d.Basics)
	c.work(d.Work)
	c.volunteer(d.Volunteer)
	c.education(d.Education)
	c.skills(d.Skills)
	c.projects(d.Projects)
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("draw the PDF: %w", err)
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("write the PDF: %w", err)
	}
	return nil
}

// canvas draws the parts of a CV on one PDF.
type canvas struct {
	pdf *fpdf.Fpdf
	l   Lang
}

func (c *canvas) font(style string, size float64, colour [3]int) {
	c.pdf.SetFont(family, style, size)
	c.pdf.SetTextColor(colour[0], colour[1], colour[2])
}

// width is the width between the margins.
func (c *canvas) width() float64 {
	w, _ := c.pdf.GetPageSize()
	return w - 2*margin
}

func (c *canvas) basics(b Basics) {
	c.font("B", 22, ink)
	c.pdf.MultiCell(0, 10, b.Name, "", "L", false)
	if b.Label != "" {
		c.font("", 13, accent)
		c.pdf.MultiCell(0, 7, b.Label, "", "L", false)
	}
	if b.Email != "" {
		c.font("", bodySize, accent)
		c.pdf.WriteLinkString(lineH+1, b.Email, "mailto:"+b.Email)
		c.pdf.Ln(lineH + 1)
	}
	if b.Summary != "" {
		c.pdf.Ln(2)
		c.font("", bodySize+0.5, ink)
		c.pdf.MultiCell(0, lineH+0.5, b.Summary, "", "L", false)
	}
}

// heading starts a section: its title over a rule.
func (c *canvas) heading(key string) {
	c.pdf.Ln(4)
	_, pageH := c.pdf.GetPageSize()
	if c.pdf.GetY() > pageH-margin-30 { // no heading alone at the foot of a page
		c.pdf.AddPage()
	}
	c.font("B", 12.5, accent)
	c.pdf.CellFormat(0, 8, strings.ToUpper(c.l.word(key)), "", 1, "L", false, 0, "")
	c.pdf.SetDrawColor(accent[0], accent[1], accent[2])
	c.pdf.SetLineWidth(0.4)
	y := c.pdf.GetY()
	c.pdf.Line(margin, y, margin+c.width(), y)
	c.pdf.Ln(2)
}

// entry draws one dated entry: a bold title with its dates on the right,
// a line under it (where), a summary and bullet points.
func (c *canvas) entry(title, where, from, to, summary string, bullets []string) {
	c.pdf.Ln(1.5)
	if _, pageH := c.pdf.GetPageSize(); c.pdf.GetY() > pageH-margin-20 { // keep a title with its first lines
		c.pdf.AddPage()
	}
	dates := c.l.period(from, to)
	c.font("", bodySize-0.5, muted)
	dw := c.pdf.GetStringWidth(dates) + 2
	c.font("B", bodySize+1, ink)
	page, y := c.pdf.PageNo(), c.pdf.GetY()
	c.pdf.MultiCell(c.width()-dw, lineH+1, title, "", "L", false)
	after := c.pdf.GetY()
	switch {
	case dates == "":
	case c.pdf.PageNo() == page: // beside the title's first line
		c.pdf.SetXY(margin+c.width()-dw, y)
		c.font("", bodySize-0.5, muted)
		c.pdf.CellFormat(dw, lineH+1, dates, "", 0, "R", false, 0, "")
		c.pdf.SetXY(margin, after)
	default: // a title longer than a page: the dates under it
		c.font("", bodySize-0.5, muted)
		c.pdf.CellFormat(0, lineH+1, dates, "", 1, "R", false, 0, "")
	}
	if where != "" {
		c.font("", bodySize, muted)
		c.pdf.MultiCell(0, lineH, where, "", "L", false)
	}
	if summary != "" {
		c.font("", bodySize, ink)
		c.pdf.MultiCell(0, lineH, summary, "", "L", false)
	}
	c.bullets(bullets)
}

func (c *canvas) bullets(items []string) {
	c.font("", bodySize, ink)
	for _, b := range items {
		c.pdf.SetX(margin + 3)
		c.pdf.CellFormat(4, lineH, "•", "", 0, "L", false, 0, "")
		c.pdf.MultiCell(c.width()-7, lineH, b, "", "L", false)
	}
}

func (c *canvas) work(ws []Work) {
	if len(ws) == 0 {
		return
	}
	c.heading("work")
	for _, w := range ws {
		c.entry(cmpJoin(" — ", w.Position, w.Name), w.Location, w.StartDate, w.EndDate, w.Summary, w.Highlights)
	}
}

func (c *canvas) volunteer(vs []Volunteer) {
	if len(vs) == 0 {
		return
	}
	c.heading("volunteer")
	for _, v := range vs {
		c.entry(cmpJoin(" — ", v.Position, v.Organization), "", v.StartDate, v.EndDate, v.Summary, v.Highlights)
	}
}

func (c *canvas) education(es []Education) {
	if len(es) == 0 {
		return
	}
	c.heading("education")
	for _, e := range es {
		c.entry(cmpJoin(" — ", e.Area, e.Institution), "", e.StartDate, e.EndDate, "", e.Courses)
	}
}

func (c *canvas) projects(ps []Project) {
	if len(ps) == 0 {
		return
	}
	c.heading("projects")
	for _, p := range ps {
		c.entry(p.Name, cmpJoin(" · ", p.Entity, p.Type), p.StartDate, p.EndDate, p.Description, p.Highlights)
	}
}

// skills draws one line per competence: its name in bold, then its level
// and framework reference.
func (c *canvas) skills(ss []Skill) {
	if len(ss) == 0 {
		return
	}
	c.heading("skills")
	for _, s := range ss {
		c.pdf.Ln(0.8)
		c.font("", bodySize, ink)
		c.pdf.SetX(margin + 3)
		c.pdf.CellFormat(4, lineH, "•", "", 0, "L", false, 0, "")
		c.font("B", bodySize, ink)
		c.pdf.Write(lineH, s.Name)
		c.font("", bodySize-0.5, muted)
		sep := "  "
		if s.Level != "" {
			c.pdf.Write(lineH, sep+s.Level)
			sep = " · "
		}
		for _, k := range s.Keywords {
			c.keyword(sep, k)
			sep = ", "
		}
		c.pdf.Ln(lineH)
	}
}

// keyword draws a skill's keyword; one that ends in a web address (an
// ESCO skill URI) shows its first word as a link to it.
func (c *canvas) keyword(sep, k string) {
	name, uri, ok := strings.Cut(k, " ")
	if !ok || !strings.HasPrefix(uri, "http://") && !strings.HasPrefix(uri, "https://") {
		c.pdf.Write(lineH, sep+k)
		return
	}
	c.pdf.Write(lineH, sep)
	c.font("", bodySize-0.5, accent)
	c.pdf.WriteLinkString(lineH, name, uri)
	c.font("", bodySize-0.5, muted)
}

// footer shows where the CV comes from (a link) and the page number.
func (c *canvas) footer(canonical string) {
	_, pageH := c.pdf.GetPageSize()
	c.pdf.SetXY(margin, pageH-margin+2)
	c.font("", 8, muted)
	label := c.l.word("generated")
	if canonical != "" {
		c.pdf.WriteLinkString(4, label, canonical)
	} else {
		c.pdf.Write(4, label)
	}
	c.pdf.SetXY(margin, pageH-margin+2)
	c.pdf.CellFormat(c.width(), 4, fmt.Sprintf(c.l.word("page"), c.pdf.PageNo(), "{nb}"), "", 0, "R", false, 0, "")
}

// cmpJoin joins the parts that are not empty.
func cmpJoin(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
