package formats

import (
	"archive/zip"
	"path"
	"strings"

	"github.com/parcours/parcours/domain"
)

// feedName is the feed of a LEAP2A zip (Mahara writes it at the root).
const feedName = "leap2a.xml"

func parseLEAP2AZip(data []byte, l Limits) (*Items, error) {
	zr, err := openZip(data, l)
	if err != nil {
		return nil, err
	}
	var feed *zip.File
	for _, f := range zr.File {
		if f.Name == feedName || path.Base(f.Name) == feedName && (feed == nil || len(f.Name) < len(feed.Name)) {
			feed = f
		}
	}
	if feed == nil {
		return nil, unsupported("the zip has no %s: it is not a LEAP2A export", feedName)
	}
	raw, err := readEntry(feed, l.MaxDocument)
	if err != nil {
		return nil, err
	}
	root, err := parseTree(raw, l.MaxNodes)
	if err != nil {
		return nil, err
	}
	if root.name != "feed" {
		return nil, unsupported("%s is not an Atom feed (its root is %q)", feedName, safeName(root.name))
	}
	dir := path.Dir(feed.Name)
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, "/") {
			rel := strings.TrimPrefix(f.Name, dir+"/")
			files[path.Clean(rel)] = f
		}
	}
	return readLEAP2A(root, files, l)
}

// leapEntry is an Atom entry as LEAP2A types it.
type leapEntry struct {
	n          *node
	id, title  string
	typ        string // the last part of rdf:type's resource: activity, ability, resource …
	lifeArea   string
	start, end string
}

func newLeapEntry(n *node) leapEntry {
	e := leapEntry{n: n, id: n.child("id").value(), title: n.child("title").value(), typ: lastPart(n.child("type").attr("resource"))}
	for _, c := range n.all("category") {
		if strings.Contains(c.attr("scheme"), "life_area") {
			e.lifeArea = strings.ToLower(c.attr("term"))
		}
	}
	for _, d := range n.all("date") {
		switch d.attr("point") {
		case "start":
			e.start = d.value()
		case "end", "target":
			e.end = d.value()
		}
	}
	return e
}

// lastPart is what follows the last ':', '/' or '#' ("leap2:activity",
// "leaptype:activity" and full URIs alike).
func lastPart(s string) string {
	return s[strings.LastIndexAny(s, ":/#")+1:]
}

// content is the entry's content as plain text.
func (e leapEntry) content() string {
	c := e.n.child("content")
	if c == nil {
		return ""
	}
	switch c.attr("type") {
	case "xhtml":
		return c.plain()
	case "html":
		return stripTags(c.text.String())
	}
	return strings.TrimSpace(c.text.String())
}

// links are the entry's hrefs for rel (by the rel's last part).
func (e leapEntry) links(rel string) []string {
	var out []string
	for _, l := range e.n.all("link") {
		if lastPart(l.attr("rel")) == rel {
			out = append(out, l.attr("href"))
		}
	}
	return out
}

// readLEAP2A maps a LEAP2A feed's entries: activities are experiences
// (their life area gives the kind), achievements trainings, abilities
// competences, plans goals, resources with an enclosure file evidence,
// journal entries text evidence. What an entry is attached to, or
// supports, is the evidence's target; evidence of nothing imported goes
// on the import's own experience. files are the zip's entries by name
// (nil for a feed sent alone: its files are then notes).
func readLEAP2A(root *node, files map[string]*zip.File, l Limits) (*Items, error) {
	it := &Items{Format: LEAP2A}
	entries := root.all("entry")
	if len(entries) > l.MaxItems {
		return nil, tooLarge("the feed has %d entries, more than %d", len(entries), l.MaxItems)
	}
	kinds := map[string]string{} // entry ID → "experience" or "competence"
	var leaps []leapEntry
	for _, n := range entries {
		e := newLeapEntry(n)
		if e.id == "" {
			it.note(line(e.title, 80), "not imported: an entry without an id")
			continue
		}
		leaps = append(leaps, e)
		switch e.typ {
		case "activity", "achievement":
			kinds[e.id] = "experience"
		case "ability":
			kinds[e.id] = "competence"
		}
	}
	// What each file or post is evidence of: its own links, or the
	// links to it of what it is attached to.
	targets := map[string]string{}
	for _, e := range leaps {
		for _, rel := range []string{"has_attachment", "supported_by", "has_evidence"} {
			for _, href := range e.links(rel) {
				if kinds[e.id] != "" {
					targets[href] = e.id
				}
			}
		}
		for _, rel := range []string{"is_attachment_of", "supports", "is_evidence_of"} {
			for _, href := range e.links(rel) {
				if kinds[href] != "" {
					targets[e.id] = href
				}
			}
		}
	}
	for _, e := range leaps {
		it.leapEntry(e, targets[e.id], files)
	}
	for _, e := range leaps {
		if e.typ != "ability" {
			continue
		}
		for _, rel := range []string{"is_evidenced_by", "supported_by", "relation"} {
			for _, href := range e.links(rel) {
				if i := indexOf(it.Competences, e.id); i >= 0 && kinds[href] == "experience" {
					it.Competences[i].Experiences = append(it.Competences[i].Experiences, href)
				}
			}
		}
	}
	return it, nil
}

func indexOf(cs []Competence, key string) int {
	for i, c := range cs {
		if c.Key == key {
			return i
		}
	}
	return -1
}

func (it *Items) leapEntry(e leapEntry, target string, files map[string]*zip.File) {
	where := e.id
	title := line(e.title, 200)
	switch e.typ {
	case "activity", "achievement":
		if title == "" {
			it.note(where, "not imported: an activity without a title")
			return
		}
		kind, ctx := domain.KindPersonal, domain.ContextInformal
		switch {
		case e.typ == "achievement" || strings.Contains(e.lifeArea, "educ") || strings.Contains(e.lifeArea, "train"):
			kind, ctx = domain.KindTraining, domain.ContextFormal
		case strings.Contains(e.lifeArea, "work") || strings.Contains(e.lifeArea, "employ"):
			kind, ctx = domain.KindProfessional, domain.ContextFormal
		case strings.Contains(e.lifeArea, "volunt"):
			kind, ctx = domain.KindVolunteer, domain.ContextNonFormal
		case strings.Contains(e.lifeArea, "leisure"):
			kind = domain.KindLeisure
		}
		from, to := it.dates(where, e.start, e.end)
		it.Experiences = append(it.Experiences, Experience{Key: e.id, Input: domain.ExperienceInput{Kind: kind, Context: ctx,
			From: from, To: to, Text: domain.ExperienceText{Title: title, Description: it.description(where, e.content())}}})
	case "ability":
		if title == "" {
			it.note(where, "not imported: an ability without a title")
			return
		}
		it.Competences = append(it.Competences, Competence{Key: e.id,
			Input: domain.CompetenceInput{Text: domain.CompetenceText{Name: title, Description: it.description(where, e.content())}}})
	case "plan":
		if title == "" {
			it.note(where, "not imported: a plan without a title")
			return
		}
		g := Goal{Key: e.id, Input: domain.GoalInput{Kind: domain.GoalOther, Text: domain.GoalText{Title: title}}}
		g.Input.Text.Description, _ = clip(e.content(), 2000)
		if d, ok := date(e.end); ok {
			g.Input.Target = d
		}
		it.Goals = append(it.Goals, g)
	case "resource":
		it.leapResource(e, title, target, files)
	case "entry":
		text, cut := clip(e.content(), 10000)
		if cut {
			it.note(where, "text cut to 10,000 characters")
		}
		if text == "" {
			it.note(where, "not imported: a journal entry without text")
			return
		}
		it.Evidence = append(it.Evidence, Evidence{Key: e.id, Target: target, Input: domain.EvidenceInput{Kind: domain.EvidenceOfText,
			Text: domain.EvidenceText{Title: cmpOr(title, "Journal"), Text: text}}})
	case "selection":
		it.note(where, "not imported: %q is a page, a journal or a collection; the items in it are imported on their own", line(e.title, 80))
	case "person":
		it.note(where, "not imported: the portfolio keeps its owner's own name and contact details")
	default:
		it.note(where, "not understood: an entry of type %q", safeName(cmpOr(e.typ, "none")))
	}
}

func (it *Items) leapResource(e leapEntry, title, target string, files map[string]*zip.File) {
	where := e.id
	for _, l := range e.n.all("link") {
		if l.attr("rel") != "enclosure" {
			continue
		}
		href := l.attr("href")
		if files == nil {
			it.note(where, "file %q not imported: the feed was sent without its zip", safeName(href))
			return
		}
		f := files[path.Clean(strings.TrimPrefix(href, "./"))]
		if f == nil || strings.Contains(href, "..") {
			it.note(where, "file %q not imported: it is not in the zip", safeName(href))
			return
		}
		name := line(cmpOr(title, path.Base(href)), 255)
		it.Evidence = append(it.Evidence, Evidence{Key: e.id, Target: target,
			Input: domain.EvidenceInput{Kind: domain.EvidenceOfFile, Text: domain.EvidenceText{Title: line(cmpOr(title, name), 200), FileName: name}},
			File:  zipFile(f, name, l.attr("type"))})
		return
	}
	if u := e.n.child("content").attr("src"); strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") {
		it.Evidence = append(it.Evidence, Evidence{Key: e.id, Target: target, Input: domain.EvidenceInput{Kind: domain.EvidenceOfLink,
			Text: domain.EvidenceText{Title: cmpOr(title, "Lien"), URL: u}}})
		return
	}
	it.note(where, "not imported: a resource with no file and no web address")
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
