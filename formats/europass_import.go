package formats

import (
	"fmt"
	"strings"

	"github.com/parcours/parcours/domain"
)

// parseXML reads an XML import: a Europass CV (root Candidate) or a
// LEAP2A feed sent without its zip (root feed).
func parseXML(data []byte, format Format, l Limits) (*Items, error) {
	if int64(len(data)) > l.MaxDocument {
		return nil, tooLarge("the XML document has more than %d bytes", l.MaxDocument)
	}
	root, err := parseTree(data, l.MaxNodes)
	if err != nil {
		return nil, err
	}
	switch {
	case root.name == "Candidate" && format != LEAP2A:
		return readEuropass(root), nil
	case root.name == "feed" && format != Europass:
		return readLEAP2A(root, nil, l)
	case root.name == "Europass":
		return nil, unsupported("this is a Europass CV of the 2013–2020 schema (root Europass): only the Europass CV of 2020 (root Candidate) is read")
	}
	return nil, unsupported("the XML's root is %q: a Europass CV has Candidate, a LEAP2A feed has feed", safeName(root.name))
}

// readEuropass maps a Europass CV's profile: employment history
// (experiences), education history (trainings), qualifications
// (competences, an ESCO skill URI as their framework element). The
// candidate's personal details are not imported.
func readEuropass(root *node) *Items {
	it := &Items{Format: Europass}
	if root.child("CandidatePerson") != nil {
		it.note("CandidatePerson", "not imported: the portfolio keeps its owner's own name and contact details")
	}
	for pi, profile := range root.all("CandidateProfile") {
		at := fmt.Sprintf("CandidateProfile[%d]", pi)
		for _, k := range profile.kids {
			switch k.name {
			case "ID", "ExecutiveSummary":
			case "EmploymentHistory":
				for i, e := range k.all("EmployerHistory") {
					it.europassEmployer(fmt.Sprintf("%s/EmployerHistory[%d]", at, i), e)
				}
			case "EducationHistory":
				for i, e := range k.all("EducationOrganizationAttendance") {
					it.europassEducation(fmt.Sprintf("%s/EducationOrganizationAttendance[%d]", at, i), e)
				}
			case "PersonQualifications":
				for i, q := range k.all("PersonCompetency") {
					it.europassCompetency(fmt.Sprintf("%s/PersonCompetency[%d]", at, i), q)
				}
			default:
				it.note(at+"/"+k.name, "not imported: Parcours has no place for this section")
			}
		}
	}
	for _, k := range root.kids {
		switch k.name {
		case "DocumentID", "CandidatePerson", "CandidateProfile", "RenderingInformation":
		default:
			it.note(k.name, "not imported")
		}
	}
	return it
}

func (it *Items) europassEmployer(at string, e *node) {
	org := e.child("OrganizationName").value()
	city := e.path("OrganizationContact", "Communication", "Address", "CityName").value()
	positions := e.all("PositionHistory")
	if len(positions) == 0 {
		it.note(at, "not imported: an employer without a position")
	}
	for i, p := range positions {
		pat := fmt.Sprintf("%s/PositionHistory[%d]", at, i)
		title := line(p.child("PositionTitle").value(), 200)
		if title == "" {
			title = line(org, 200)
		}
		if title == "" {
			it.note(pat, "not imported: neither a position title nor an employer")
			continue
		}
		period := p.child("EmploymentPeriod")
		from, to := it.dates(pat, period.path("StartDate", "FormattedDateTime").value(), period.path("EndDate", "FormattedDateTime").value())
		place := p.child("City").value()
		if place == "" {
			place = city
		}
		if c := p.child("Country").value(); c != "" {
			place = strings.TrimSpace(place + " (" + strings.ToUpper(c) + ")")
		}
		in := domain.ExperienceInput{Kind: domain.KindProfessional, Context: domain.ContextFormal, From: from, To: to,
			Text: domain.ExperienceText{Title: title, Organisation: line(org, 200), Place: line(place, 200),
				Description: it.description(pat, p.child("Description").plain())}}
		if uri := p.child("PositionTitle").attr("languageID"); strings.HasPrefix(uri, "http://data.europa.eu/esco/occupation/") && len(uri) < 200 {
			in.Occupation = uri // the Europass editor puts the ESCO occupation there
		}
		var tasks []domain.TaskText
		for _, d := range p.all("Duty") {
			if t := line(d.plain(), 200); t != "" {
				tasks = append(tasks, domain.TaskText{Title: t})
			}
		}
		it.Experiences = append(it.Experiences, Experience{Key: entryKey(pat, org, title, string(from)), Input: in, Tasks: tasks})
	}
}

func (it *Items) europassEducation(at string, e *node) {
	org := e.child("OrganizationName").value()
	title := line(e.child("ProgramName").value(), 200)
	if title == "" {
		title = line(e.path("EducationDegree", "DegreeName").value(), 200)
	}
	if title == "" {
		title = line(org, 200)
	}
	if title == "" {
		it.note(at, "not imported: neither a programme nor an organisation")
		return
	}
	period := e.child("AttendancePeriod")
	from, to := it.dates(at, period.path("StartDate", "FormattedDateTime").value(), period.path("EndDate", "FormattedDateTime").value())
	var parts []string
	if lvl := e.child("EducationLevelCode").value(); lvl != "" {
		parts = append(parts, "EQF "+lvl)
	}
	if g := e.path("EducationDegree", "FinalGrade", "ScoreText").value(); g != "" {
		parts = append(parts, "Grade: "+g)
	}
	parts = append(parts, e.child("Description").plain())
	it.Experiences = append(it.Experiences, Experience{Key: entryKey(at, org, title, string(from)),
		Input: domain.ExperienceInput{Kind: domain.KindTraining, Context: domain.ContextFormal, From: from, To: to,
			Text: domain.ExperienceText{Title: title, Organisation: line(org, 200),
				Place:       line(e.path("OrganizationContact", "Communication", "Address", "CityName").value(), 200),
				Description: it.description(at, parts...)}}})
}

func (it *Items) europassCompetency(at string, q *node) {
	name := line(q.child("CompetencyName").value(), 200)
	id := q.child("CompetencyID").value()
	in := domain.CompetenceInput{Text: domain.CompetenceText{Name: name}}
	if strings.HasPrefix(id, "http://data.europa.eu/esco/skill/") {
		in.Framework = &domain.FrameworkRef{Framework: "ESCO", Code: id}
	}
	if name == "" && in.Framework == nil {
		it.note(at, "not imported: a competency without a name")
		return
	}
	var levels []string
	for _, d := range q.all("ProficiencyLevelCode") {
		levels = append(levels, d.value())
	}
	if len(levels) > 0 {
		in.Text.Description = it.description(at, "Level: "+strings.Join(levels, ", "))
	}
	it.Competences = append(it.Competences, Competence{Key: entryKey(at, id, name), Input: in})
}
