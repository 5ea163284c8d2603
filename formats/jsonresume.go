package formats

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/parcours/parcours/domain"
)

// jsonResume is what an import reads of a JSON Resume document
// (schema v1.0.0); the sections it does not map are counted in notes.
type jsonResume struct {
	Basics    json.RawMessage `json:"basics"`
	Work      []jrWork        `json:"work"`
	Volunteer []jrWork        `json:"volunteer"`
	Education []jrEducation   `json:"education"`
	Skills    []jrSkill       `json:"skills"`
	Projects  []jrProject     `json:"projects"`
	Other     map[string]json.RawMessage
}

type jrWork struct {
	Name         string   `json:"name"`
	Organization string   `json:"organization"` // volunteer
	Location     string   `json:"location"`
	Description  string   `json:"description"`
	Position     string   `json:"position"`
	URL          string   `json:"url"`
	StartDate    string   `json:"startDate"`
	EndDate      string   `json:"endDate"`
	Summary      string   `json:"summary"`
	Highlights   []string `json:"highlights"`
}

type jrEducation struct {
	Institution string   `json:"institution"`
	Area        string   `json:"area"`
	StudyType   string   `json:"studyType"`
	StartDate   string   `json:"startDate"`
	EndDate     string   `json:"endDate"`
	Score       string   `json:"score"`
	Courses     []string `json:"courses"`
}

type jrSkill struct {
	Name     string   `json:"name"`
	Level    string   `json:"level"`
	Keywords []string `json:"keywords"`
}

type jrProject struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Highlights  []string `json:"highlights"`
	StartDate   string   `json:"startDate"`
	EndDate     string   `json:"endDate"`
	Entity      string   `json:"entity"`
	URL         string   `json:"url"`
}

// known are the top-level keys an import reads or deliberately skips.
var known = map[string]bool{"$schema": true, "basics": true, "work": true, "volunteer": true, "education": true,
	"skills": true, "projects": true, "meta": true}

func parseJSONResume(data []byte, l Limits) (*Items, error) {
	if int64(len(data)) > l.MaxDocument {
		return nil, tooLarge("the JSON document has more than %d bytes", l.MaxDocument)
	}
	if n, err := countJSON(data, l.MaxNodes); err != nil {
		return nil, err
	} else if n > l.MaxNodes {
		return nil, tooLarge("the JSON document has more than %d values", l.MaxNodes)
	}
	var doc jsonResume
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, bad("this is not a JSON Resume document: %v", err)
	}
	if err := json.Unmarshal(data, &doc.Other); err != nil {
		return nil, bad("this is not a JSON Resume document: %v", err)
	}
	it := &Items{Format: JSONResume}
	if len(doc.Basics) > 0 && string(doc.Basics) != "null" {
		it.note("basics", "not imported: the portfolio keeps its owner's own name and contact details")
	}
	for i, w := range doc.Work {
		it.addWork(fmt.Sprintf("work[%d]", i), w, domain.KindProfessional, domain.ContextFormal, w.Name)
	}
	for i, w := range doc.Volunteer {
		it.addWork(fmt.Sprintf("volunteer[%d]", i), w, domain.KindVolunteer, domain.ContextNonFormal, w.Organization)
	}
	for i, e := range doc.Education {
		it.addEducation(fmt.Sprintf("education[%d]", i), e)
	}
	for i, p := range doc.Projects {
		it.addProject(fmt.Sprintf("projects[%d]", i), p)
	}
	for i, s := range doc.Skills {
		it.addSkill(fmt.Sprintf("skills[%d]", i), s)
	}
	for k, v := range doc.Other {
		if known[k] {
			continue
		}
		var list []json.RawMessage
		if json.Unmarshal(v, &list) == nil {
			it.note(k, "not imported: Parcours has no place for this section (%d entries)", len(list))
			continue
		}
		it.note(k, "not imported: Parcours has no place for this section")
	}
	return it, nil
}

// countJSON counts the values of a JSON document, stopping past max, so
// that a document of millions of tiny values is refused before it is
// decoded into structures.
func countJSON(data []byte, max int) (int, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	n := 0
	for {
		_, err := d.Token()
		if err != nil {
			if err.Error() == "EOF" {
				return n, nil
			}
			return n, bad("the JSON is malformed: %v", err)
		}
		if n++; n > max {
			return n, nil
		}
	}
}

// entryKey keys an entry of a section by its position and what names it,
// so that the same file names the same items.
func entryKey(at string, names ...string) string {
	return at + ":" + strings.Join(names, "|")
}

func (it *Items) dates(at, from, to string) (domain.Date, domain.Date) {
	f, okf := date(from)
	if !okf && strings.TrimSpace(from) != "" {
		it.note(at, "start date %q not understood: left empty", line(from, 40))
	}
	t, okt := date(to)
	if !okt && strings.TrimSpace(to) != "" {
		it.note(at, "end date %q not understood: left empty", line(to, 40))
	}
	if f != "" && t != "" && t < f {
		it.note(at, "ends before it starts: end date left empty")
		t = ""
	}
	return f, t
}

func (it *Items) description(at string, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			keep = append(keep, p)
		}
	}
	d, cut := clip(strings.Join(keep, "\n\n"), 10000)
	if cut {
		it.note(at, "description cut to 10,000 characters")
	}
	return d
}

func (it *Items) tasks(highlights []string) []domain.TaskText {
	var out []domain.TaskText
	for _, h := range highlights {
		if t := line(h, 200); t != "" {
			out = append(out, domain.TaskText{Title: t})
		}
	}
	return out
}

func (it *Items) addWork(at string, w jrWork, kind domain.ExperienceKind, ctx domain.LearningContext, org string) {
	title := line(w.Position, 200)
	if title == "" {
		title = line(org, 200)
	}
	if title == "" {
		it.note(at, "not imported: neither a position nor an organisation")
		return
	}
	from, to := it.dates(at, w.StartDate, w.EndDate)
	it.Experiences = append(it.Experiences, Experience{Key: entryKey(at, org, w.Position, w.StartDate),
		Input: domain.ExperienceInput{Kind: kind, Context: ctx, From: from, To: to, Text: domain.ExperienceText{
			Title: title, Organisation: line(org, 200), Place: line(w.Location, 200),
			Description: it.description(at, w.Summary, w.Description, w.URL)}},
		Tasks: it.tasks(w.Highlights)})
}

func (it *Items) addEducation(at string, e jrEducation) {
	title := line(strings.TrimSpace(e.StudyType+" "+e.Area), 200)
	if title == "" {
		title = line(e.Institution, 200)
	}
	if title == "" {
		it.note(at, "not imported: neither a study nor an institution")
		return
	}
	from, to := it.dates(at, e.StartDate, e.EndDate)
	var score string
	if e.Score != "" {
		score = "Score: " + e.Score
	}
	it.Experiences = append(it.Experiences, Experience{Key: entryKey(at, e.Institution, e.Area, e.StartDate),
		Input: domain.ExperienceInput{Kind: domain.KindTraining, Context: domain.ContextFormal, From: from, To: to,
			Text: domain.ExperienceText{Title: title, Organisation: line(e.Institution, 200), Description: it.description(at, score)}},
		Tasks: it.tasks(e.Courses)})
}

func (it *Items) addProject(at string, p jrProject) {
	title := line(p.Name, 200)
	if title == "" {
		it.note(at, "not imported: a project without a name")
		return
	}
	from, to := it.dates(at, p.StartDate, p.EndDate)
	it.Experiences = append(it.Experiences, Experience{Key: entryKey(at, p.Name, p.StartDate),
		Input: domain.ExperienceInput{Kind: domain.KindPersonal, Context: domain.ContextInformal, From: from, To: to,
			Text: domain.ExperienceText{Title: title, Organisation: line(p.Entity, 200), Description: it.description(at, p.Description, p.URL)}},
		Tasks: it.tasks(p.Highlights)})
}

func (it *Items) addSkill(at string, s jrSkill) {
	name := line(s.Name, 200)
	if name == "" {
		it.note(at, "not imported: a skill without a name")
		return
	}
	var parts []string
	if s.Level != "" {
		parts = append(parts, "Level: "+s.Level)
	}
	if len(s.Keywords) > 0 {
		parts = append(parts, strings.Join(s.Keywords, ", "))
	}
	it.Competences = append(it.Competences, Competence{Key: entryKey(at, s.Name),
		Input: domain.CompetenceInput{Text: domain.CompetenceText{Name: name, Description: it.description(at, parts...)}}})
}
