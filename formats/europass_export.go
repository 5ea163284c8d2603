package formats

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"

	"github.com/parcours/parcours/resume"
)

// Namespaces of the Europass CV of 2020 (HR-XML 3 and OAGIS 9 based).
const (
	nsEuropass = "http://www.europass.eu/1.0"
	nsHR       = "http://www.hr-xml.org/3"
	nsOA       = "http://www.openapplications.org/oagis/9"
	nsEURES    = "http://www.europass_eures.eu/1.0"
	nsXSI      = "http://www.w3.org/2001/XMLSchema-instance"
)

// WriteEuropass writes d as a Europass CV (the XML the Europass editor
// of 2020 reads and embeds in its PDFs): the candidate's name (and email
// when d has it: only for the person themself), work and volunteering
// as employment history, trainings as education history, competences as
// qualifications (an ESCO skill as its URI). Personal projects have no
// section of their own there: they are written as employment history
// entries too, their kind in the title. lang is the profile's language.
func WriteEuropass(w io.Writer, d resume.Document, lang resume.Lang) error {
	x := newXMLWriter(w)
	docID := documentID(d)
	x.raw(`<Candidate xmlns="` + nsEuropass + `" xmlns:hr="` + nsHR + `" xmlns:oa="` + nsOA + `" xmlns:eures="` + nsEURES +
		`" xmlns:xsi="` + nsXSI + `" xsi:schemaLocation="` + nsEuropass + ` Candidate.xsd">`)
	x.depth++
	x.empty("hr:DocumentID", "schemeID", docID, "schemeName", "DocumentIdentifier", "schemeAgencyName", "EUROPASS", "schemeVersionID", "4.0")
	x.start("CandidatePerson")
	given, family := splitName(d.Basics.Name)
	x.start("PersonName")
	x.leaf("oa:GivenName", given)
	x.leaf("hr:FamilyName", family)
	x.end("PersonName")
	if d.Basics.Email != "" {
		x.start("Communication")
		x.leaf("ChannelCode", "Email")
		x.leaf("oa:URI", d.Basics.Email)
		x.end("Communication")
	}
	x.end("CandidatePerson")
	x.start("CandidateProfile", "languageCode", string(lang))
	x.empty("hr:ID", "schemeID", docID, "schemeName", "CandidateProfileID", "schemeAgencyName", "EUROPASS", "schemeVersionID", "1.0")
	x.leaf("ExecutiveSummary", strings.TrimSpace(strings.Join([]string{d.Basics.Label, d.Basics.Summary}, "\n")))
	if len(d.Work)+len(d.Volunteer)+len(d.Projects) > 0 {
		x.start("EmploymentHistory")
		for _, j := range d.Work {
			x.employer(j.Name, j.Position, j.Location, j.StartDate, j.EndDate, j.Summary, j.Highlights)
		}
		for _, v := range d.Volunteer {
			x.employer(v.Organization, v.Position, "", v.StartDate, v.EndDate, v.Summary, v.Highlights)
		}
		for _, p := range d.Projects {
			title := p.Name
			if p.Type != "" {
				title += " (" + p.Type + ")"
			}
			x.employer(p.Entity, title, "", p.StartDate, p.EndDate, p.Description, p.Highlights)
		}
		x.end("EmploymentHistory")
	}
	if len(d.Education) > 0 {
		x.start("EducationHistory")
		for _, e := range d.Education {
			x.start("EducationOrganizationAttendance")
			x.leaf("hr:OrganizationName", e.Institution)
			x.leaf("ProgramName", e.Area)
			x.period("AttendancePeriod", "StartDate", "EndDate", e.StartDate, e.EndDate, "Ongoing")
			x.leaf("Description", strings.Join(e.Courses, "\n"))
			x.end("EducationOrganizationAttendance")
		}
		x.end("EducationHistory")
	}
	if len(d.Skills) > 0 {
		x.start("PersonQualifications")
		for _, s := range d.Skills {
			x.start("PersonCompetency")
			for _, k := range s.Keywords {
				if uri, ok := strings.CutPrefix(k, "ESCO "); ok {
					x.leaf("CompetencyID", uri)
					x.leaf("hr:TaxonomyID", "ESCO")
				}
			}
			x.leaf("hr:CompetencyName", s.Name)
			x.end("PersonCompetency")
		}
		x.end("PersonQualifications")
	}
	x.end("CandidateProfile")
	x.depth--
	x.raw("\n</Candidate>")
	return x.close()
}

func (x *xmlWriter) employer(org, position, place, from, to, summary string, highlights []string) {
	x.start("EmployerHistory")
	x.leaf("hr:OrganizationName", org)
	x.start("PositionHistory")
	x.leaf("PositionTitle", position, "typeCode", "FREETEXT")
	x.period("eures:EmploymentPeriod", "eures:StartDate", "eures:EndDate", from, to, "hr:CurrentIndicator")
	desc := summary
	for _, h := range highlights {
		desc = strings.TrimSpace(desc + "\n• " + h)
	}
	x.leaf("Description", desc)
	x.leaf("City", place)
	x.end("PositionHistory")
	x.end("EmployerHistory")
}

// period writes a period's dates; an open end is current (the Europass
// editor's CurrentIndicator, or Ongoing for education).
func (x *xmlWriter) period(name, startName, endName, from, to, current string) {
	x.start(name)
	if from != "" {
		x.start(startName)
		x.leaf("hr:FormattedDateTime", from)
		x.end(startName)
	}
	if to != "" {
		x.start(endName)
		x.leaf("hr:FormattedDateTime", to)
		x.end(endName)
	}
	if current == "Ongoing" {
		if to == "" && from != "" {
			x.leaf(current, "true")
		}
	} else {
		x.leaf(current, map[bool]string{true: "true", false: "false"}[to == "" && from != ""])
	}
	x.end(name)
}

// splitName cuts a full name into a given name and a family name (the
// last word); a one-word name is a given name.
func splitName(name string) (given, family string) {
	f := strings.Fields(name)
	switch len(f) {
	case 0:
		return "", ""
	case 1:
		return f[0], ""
	}
	return strings.Join(f[:len(f)-1], " "), f[len(f)-1]
}

// documentID names a document by where it was exported from.
func documentID(d resume.Document) string {
	h := sha256.Sum256([]byte(d.Meta.Canonical + "\x00" + d.Basics.Name))
	return "parcours-" + hex.EncodeToString(h[:8])
}
