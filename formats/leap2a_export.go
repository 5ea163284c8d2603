package formats

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/projections"
)

// LEAP2AExport is what a LEAP2A zip holds: a CV's or a whole portfolio's
// experiences and competences, their live evidence (files inside the zip)
// and goals.
type LEAP2AExport struct {
	PortfolioID string
	Title       string
	Owner       projections.PersonView
	// Email is the owner's address: set it only when the reader is the
	// owner themself.
	Email       string
	Experiences []projections.ExperienceView
	Competences []projections.CompetenceView
	Goals       []projections.GoalView
	Now         time.Time
}

// OpenFile reads a stored evidence file by its ID.
type OpenFile func(ctx context.Context, fileID string) (io.ReadCloser, error)

// WriteLEAP2A writes x as a LEAP2A zip (leap2a.xml, and the evidence files
// under files/), the export Mahara imports: experiences are activities
// (their kind as a life area; tasks listed in their content), competences
// abilities related to their experiences, evidence resources or entries
// that are evidence of their item, goals plans. The zip is streamed: a
// failure mid-way leaves it cut, and the caller must not answer it as
// whole.
func WriteLEAP2A(ctx context.Context, w io.Writer, x LEAP2AExport, open OpenFile) error {
	zw := zip.NewWriter(w)
	type file struct{ id, name string }
	var files []file
	feed, err := zw.Create(feedName)
	if err != nil {
		return err
	}
	fx := newXMLWriter(feed)
	fx.raw(`<feed xmlns="http://www.w3.org/2005/Atom" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"` +
		` xmlns:leap2="http://terms.leapspecs.org/" xmlns:categories="http://wiki.leapspecs.org/2A/categories/"` +
		` xmlns:portfolio="urn:parcours:portfolio:` + x.PortfolioID + `/">`)
	fx.depth++
	now := x.Now.UTC().Format(time.RFC3339)
	fx.leaf("leap2:version", "http://www.leapspecs.org/2010-07/2A/")
	fx.leaf("id", "urn:parcours:portfolio:"+x.PortfolioID)
	fx.leaf("title", x.Title)
	fx.leaf("updated", now)
	fx.leaf("generator", "Parcours", "uri", "https://parcours.invalid/")
	fx.start("author")
	fx.leaf("name", x.Owner.Name)
	fx.leaf("email", x.Email)
	fx.end("author")
	evidence := func(of string, evs []projections.EvidenceView) {
		for _, e := range evs {
			if e.Erased || !e.Live() {
				continue
			}
			var enclosure []string
			typ := "leap2:resource"
			switch {
			case e.File != nil:
				name := fmt.Sprintf("files/%d-%s", len(files), safeFileName(cmpOr(e.FileName, e.ID)))
				files = append(files, file{e.File.FileID, name})
				enclosure = []string{"rel", "enclosure", "type", e.File.MediaType, "href", name}
			case e.Kind == domain.EvidenceOfText:
				typ = "leap2:entry"
			}
			fx.start("entry")
			fx.leaf("title", cmpOr(e.Title, e.FileName))
			fx.leaf("id", "portfolio:"+e.ID)
			fx.leaf("updated", now)
			if e.Kind == domain.EvidenceOfLink {
				fx.empty("content", "src", e.URL)
			} else {
				fx.leaf("content", e.Text)
			}
			fx.empty("rdf:type", "rdf:resource", typ)
			if enclosure != nil {
				fx.empty("link", enclosure...)
			}
			fx.empty("link", "rel", "leap2:is_evidence_of", "href", "portfolio:"+of)
			fx.end("entry")
		}
	}
	for _, e := range x.Experiences {
		if e.Erased {
			continue
		}
		fx.start("entry")
		fx.leaf("title", e.Title)
		fx.leaf("id", "portfolio:"+e.ID)
		fx.leaf("updated", now)
		fx.leaf("content", experienceContent(e))
		fx.empty("rdf:type", "rdf:resource", "leap2:activity")
		fx.empty("category", "term", lifeArea(e.Kind), "scheme", "categories:life_area#")
		if e.From != "" {
			fx.leaf("leap2:date", string(e.From), "leap2:point", "start")
		}
		if e.To != "" {
			fx.leaf("leap2:date", string(e.To), "leap2:point", "end")
		}
		fx.end("entry")
		evidence(e.ID, e.Evidence)
		for _, t := range e.Tasks {
			evidence(e.ID, t.Evidence)
		}
	}
	for _, c := range x.Competences {
		if c.Erased || c.Name == "" {
			continue
		}
		fx.start("entry")
		fx.leaf("title", c.Name)
		fx.leaf("id", "portfolio:"+c.ID)
		fx.leaf("updated", now)
		fx.leaf("content", c.Description)
		fx.empty("rdf:type", "rdf:resource", "leap2:ability")
		for _, xid := range c.Experiences {
			fx.empty("link", "rel", "leap2:relation", "href", "portfolio:"+xid)
		}
		fx.end("entry")
		evidence(c.ID, c.Evidence)
	}
	for _, g := range x.Goals {
		if g.Erased || g.Title == "" {
			continue
		}
		fx.start("entry")
		fx.leaf("title", g.Title)
		fx.leaf("id", "portfolio:"+g.ID)
		fx.leaf("updated", now)
		fx.leaf("content", g.Description)
		fx.empty("rdf:type", "rdf:resource", "leap2:plan")
		fx.leaf("leap2:date", string(g.Target), "leap2:point", "target")
		fx.end("entry")
	}
	fx.depth--
	fx.raw("\n</feed>")
	if err := fx.close(); err != nil {
		return err
	}
	for _, f := range files {
		if err := copyFile(ctx, zw, f.name, f.id, open); err != nil {
			return err
		}
	}
	return zw.Close()
}

func copyFile(ctx context.Context, zw *zip.Writer, name, id string, open OpenFile) error {
	rc, err := open(ctx, id)
	if err != nil {
		return fmt.Errorf("export file %s: %w", id, err)
	}
	defer rc.Close()
	w, err := zw.Create(name)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, rc); err != nil {
		return fmt.Errorf("export file %s: %w", id, err)
	}
	return nil
}

// experienceContent is an experience's description, organisation, place
// and tasks as text.
func experienceContent(e projections.ExperienceView) string {
	var parts []string
	if where := strings.TrimSpace(strings.Join([]string{e.Organisation, e.Place}, ", ")); strings.Trim(where, ", ") != "" {
		parts = append(parts, strings.Trim(where, ", "))
	}
	if e.Description != "" {
		parts = append(parts, e.Description)
	}
	for _, t := range e.Tasks {
		if !t.Erased && t.Title != "" {
			parts = append(parts, "• "+strings.TrimSpace(t.Title+" "+t.Description))
		}
	}
	return strings.Join(parts, "\n")
}

func lifeArea(k domain.ExperienceKind) string {
	switch k {
	case domain.KindProfessional:
		return "Work"
	case domain.KindTraining:
		return "Education"
	case domain.KindVolunteer:
		return "Voluntary"
	case domain.KindLeisure:
		return "Leisure"
	}
	return "Personal"
}

// safeFileName keeps a stored file's name fit for a zip entry.
func safeFileName(s string) string {
	s = path.Base(strings.ReplaceAll(s, `\`, "/"))
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`/:*?"<>|`, r) {
			return '_'
		}
		return r
	}, s)
	if s == "." || s == ".." || s == "" {
		return "file"
	}
	return line(s, 120)
}

// PortfolioLEAP2A is the LEAP2A export of a whole portfolio (items read
// with their evidence); email only for the owner.
func PortfolioLEAP2A(items projections.PortfolioItems, email, title string, now time.Time) LEAP2AExport {
	return LEAP2AExport{PortfolioID: items.PortfolioID, Title: title, Owner: items.Owner, Email: email,
		Experiences: items.Experiences, Competences: items.Competences, Now: now}
}

// CVLEAP2A is the LEAP2A export of a CV: its experiences, trainings and
// competences, taken from the portfolio's items (read with their
// evidence); email only for the owner.
func CVLEAP2A(cv projections.CVView, items projections.PortfolioItems, email, title string, now time.Time) LEAP2AExport {
	chosen := map[string]bool{}
	for _, x := range cv.Experiences {
		chosen[x.ID] = true
	}
	for _, x := range cv.Education {
		chosen[x.ID] = true
	}
	for _, c := range cv.Competences {
		chosen[c.ID] = true
	}
	x := LEAP2AExport{PortfolioID: cv.PortfolioID, Title: title, Owner: cv.Owner, Email: email, Now: now}
	for _, e := range items.Experiences {
		if chosen[e.ID] {
			x.Experiences = append(x.Experiences, e)
		}
	}
	for _, c := range items.Competences {
		if chosen[c.ID] {
			x.Competences = append(x.Competences, c)
		}
	}
	return x
}
