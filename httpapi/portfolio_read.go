package httpapi

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/parcours/parcours/domain"
)

func (s *Server) readRoutes() []route {
	return []route{
		{Method: "GET", Pattern: pp, ID: "getPortfolio", Summary: "The portfolio as the caller may see it (ETag: its revision)", Tag: "portfolios",
			Response: PortfolioView{}, Status: http.StatusOK, Handle: s.getPortfolio},
	}
}

func (s *Server) getPortfolio(w http.ResponseWriter, r *http.Request) error {
	a, _ := actorFrom(r.Context())
	var view PortfolioView
	err := s.deps.Commands.ReadPortfolio(r.Context(), a, pid(r), "", func(p *domain.Portfolio, rev uint64) error {
		if a.Role == domain.RoleAuditor {
			return &domain.Error{Kind: domain.KindForbidden, Reason: "auditors read the VAE dossier they were granted, not the portfolio"}
		}
		view = buildView(p, a, rev, time.Now())
		return nil
	})
	if err != nil {
		return err
	}
	etag := fmt.Sprintf(`"%d"`, view.Revision)
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "private, no-cache")
	if m := r.Header.Get("If-None-Match"); m != "" && strings.Contains(m, etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	writeJSON(w, http.StatusOK, view)
	return nil
}

// buildView copies what a may see of p.
func buildView(p *domain.Portfolio, a domain.Actor, rev uint64, now time.Time) PortfolioView {
	full := a.PersonID == p.Owner() || (a.Role == domain.RoleCounsellor && p.IsCounsellor(a.PersonID))
	sees := func(ref domain.ItemRef) bool { return full || p.TutorCovers(a.PersonID, ref, now) }
	v := PortfolioView{ID: p.ID(), Owner: p.Owner(), Revision: rev, Experiences: []ExperienceView{}, Competences: []CompetenceView{},
		Evidence: []EvidenceView{}, Comments: []CommentView{}, Attestations: []AttestationView{}}
	for _, id := range sortedKeys(p.Experiences()) {
		x := p.Experiences()[id]
		if x.Removed || !sees(domain.ItemRef{Kind: domain.ItemExperience, ID: id}) {
			continue
		}
		ev := ExperienceView{ID: id, Kind: string(x.Kind), Context: string(x.Context), From: string(x.From), To: string(x.To), Occupation: x.Occupation, Text: x.Personal}
		for _, tid := range sortedKeys(x.Tasks) {
			if t := x.Tasks[tid]; !t.Removed {
				ev.Tasks = append(ev.Tasks, TaskView{ID: tid, Text: t.Personal})
			}
		}
		v.Experiences = append(v.Experiences, ev)
	}
	for _, id := range sortedKeys(p.Competences()) {
		c := p.Competences()[id]
		if !sees(domain.ItemRef{Kind: domain.ItemCompetence, ID: id}) {
			continue
		}
		cv := CompetenceView{ID: id, Framework: c.Framework, State: string(c.State(p)), SelfLevel: c.SelfLevel, Experiences: c.Experiences, Tasks: c.Tasks, Text: c.Personal}
		for _, as := range c.Assessments {
			cv.Assessments = append(cv.Assessments, AssessmentView{By: as.By, Role: string(as.Role), Result: string(as.Result), At: as.At, Comment: as.Personal.Text})
		}
		if c.Validation != nil {
			cv.ValidatedBy = c.Validation.By
		}
		v.Competences = append(v.Competences, cv)
	}
	for _, id := range sortedKeys(p.Evidence()) {
		e := p.Evidence()[id]
		if !sees(domain.ItemRef{Kind: domain.ItemEvidence, ID: id}) {
			continue
		}
		v.Evidence = append(v.Evidence, EvidenceView{ID: id, Target: e.Target, Kind: string(e.Kind), File: e.File, ContentHash: e.ContentHash,
			Live: e.Live(), SupersededBy: e.SupersededBy, Text: e.Personal})
	}
	for _, id := range sortedKeys(p.Comments()) {
		c := p.Comments()[id]
		if sees(c.Target) {
			v.Comments = append(v.Comments, CommentView{ID: id, Target: c.Target, Author: c.Author, Role: string(c.Role), At: c.At, Text: c.Personal.Text})
		}
	}
	for _, id := range sortedKeys(p.Attestations()) {
		at := p.Attestations()[id]
		if sees(at.Target) {
			v.Attestations = append(v.Attestations, AttestationView{ID: id, Target: at.Target, Tutor: at.Tutor, At: at.At, Status: string(at.Status(p)), Statement: at.Personal.Text})
		}
	}
	if full {
		addPrivate(&v, p, a, now)
	}
	return v
}

// addPrivate adds what only the owner and their counsellors see.
func addPrivate(v *PortfolioView, p *domain.Portfolio, a domain.Actor, now time.Time) {
	today := domain.DateOf(now)
	v.Counsellors = sortedKeys(p.Counsellors())
	for _, id := range sortedKeys(p.Grants()) {
		g := p.Grants()[id]
		v.Grants = append(v.Grants, GrantView{ID: id, Kind: string(g.Kind), Grantee: g.Grantee, AllItems: g.AllItems, Experiences: g.Experiences,
			Competences: g.Competences, DossierID: g.DossierID, Until: g.Until, Revoked: g.Revoked})
	}
	for _, id := range sortedKeys(p.Goals()) {
		g := p.Goals()[id]
		gv := GoalView{ID: id, Kind: string(g.Kind), Target: string(g.Target), Achieved: g.Achieved, Title: g.Personal.Title}
		overdue := map[string]bool{}
		for _, m := range g.Overdue(today) {
			overdue[m.ID] = true
		}
		for _, mid := range sortedKeys(g.Milestones) {
			if m := g.Milestones[mid]; !m.Removed {
				gv.Milestones = append(gv.Milestones, MilestoneView{ID: mid, Due: string(m.Due), Reached: string(m.Reached), Overdue: overdue[mid], Title: m.Personal.Title})
			}
		}
		v.Goals = append(v.Goals, gv)
	}
	for _, id := range sortedKeys(p.Journal()) {
		j := p.Journal()[id]
		v.Journal = append(v.Journal, JournalView{ID: id, Day: string(j.Day), Author: j.Author, Role: string(j.Role), Text: j.Personal.Text})
	}
	for _, id := range sortedKeys(p.Documents()) {
		if d := p.Documents()[id]; p.MaySeeDocument(a, id) {
			v.Documents = append(v.Documents, DocumentView{ID: id, Kind: string(d.Kind), Shared: d.Shared, File: d.File, Text: d.Personal})
		}
	}
	for _, id := range sortedKeys(p.CVs()) {
		if c := p.CVs()[id]; !c.Removed {
			v.CVs = append(v.CVs, NamedView{ID: id, Title: c.Personal.Title})
		}
	}
	for _, id := range sortedKeys(p.Pages()) {
		pg := p.Pages()[id]
		if pg.Removed {
			continue
		}
		pv := PageView{ID: id, Title: pg.Personal.Title, Items: len(pg.Items)}
		for _, lid := range sortedKeys(pg.Links) {
			l := pg.Links[lid]
			pv.Links = append(pv.Links, ShareLinkView{ID: lid, Until: l.Until, Public: l.Public, Revoked: l.Revoked})
		}
		v.Pages = append(v.Pages, pv)
	}
	for _, id := range sortedKeys(p.Dossiers()) {
		d := p.Dossiers()[id]
		v.Dossiers = append(v.Dossiers, DossierSummary{ID: id, RNCPCode: d.Certification.RNCPCode, Title: d.Certification.Title, State: string(d.State)})
	}
}
