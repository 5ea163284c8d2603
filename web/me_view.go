package web

import (
	"net/http"
	"sort"
	"time"

	"github.com/parcours/parcours/domain"
)

// The beneficiary's overview, built from the portfolio's state as the
// API's GET /v1/portfolios/{id} is (httpapi/portfolio_read.go): their
// experiences with tasks, competences, the evidence of each, and what
// counsellors and tutors said of them (comments, attestations,
// assessments).

type evView struct {
	ID, Title, Kind, Text, URL, FileName string
	Src                                  string // an image shown in the page
	Download                             string // a file to download
	Feedback                             []feedbackView
}

// feedbackView is a comment, an attestation or an assessment.
type feedbackView struct {
	What, Who, When, Text, Note string
	at                          time.Time
}

type taskView struct {
	ID, Title, Description string
	Evidence               []evView
	Feedback               []feedbackView
}

type expView struct {
	ID, Title, Meta, Description string
	Tasks                        []taskView
	Evidence                     []evView
	Feedback                     []feedbackView
}

type compView struct {
	ID, Name, Framework, Description, State string
	Evidence                                []evView
	Feedback                                []feedbackView
	ref                                     *domain.FrameworkRef
	named                                   bool // the person named it
}

type overview struct {
	meBase
	Experiences []expView
	Competences []compView
	Overdue     int
}

func (s *Server) mePortfolio(w http.ResponseWriter, r *http.Request) {
	a, ok := s.beneficiary(w, r)
	if !ok {
		return
	}
	l := language(r)
	v := overview{meBase: s.base(r, "/me/portfolio")}
	var names map[domain.FrameworkRef]string
	err := s.readMine(r.Context(), a, func(p *domain.Portfolio) error {
		b := &overviewBuilder{l: l, p: p, me: a.PersonID, fileURL: func(id string) string { return "/me/files/" + id }}
		b.index()
		v.Experiences, v.Competences = b.experiences(), b.competences()
		names = s.frameworkNames(r.Context(), l, p)
		today := domain.DateOf(s.clock())
		for _, g := range p.Goals() {
			v.Overdue += len(g.Overdue(today))
		}
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	labelCompetences(v.Competences, names)
	pg := s.page(r, "me.portfolio.title")
	pg.Data, pg.Noindex = v, true
	render(w, r, s.log, s.tpl, http.StatusOK, "me_portfolio.html", pg)
}

// overviewBuilder copies what the overview shows of a portfolio while its
// lock is held.
type overviewBuilder struct {
	l        Lang
	p        *domain.Portfolio
	me       string
	fileURL  func(fileID string) string
	evidence map[domain.ItemRef][]evView
	feedback map[domain.ItemRef][]feedbackView
}

// index gathers the live evidence and the feedback by the item they are
// about.
func (b *overviewBuilder) index() {
	b.feedback = map[domain.ItemRef][]feedbackView{}
	for _, c := range b.p.Comments() {
		b.feedback[c.Target] = append(b.feedback[c.Target], feedbackView{What: words.T(b.l, "pv.comment"),
			Who: b.who(c.Author, c.Role), When: day(b.l, c.At), Text: c.Personal.Text, at: c.At})
	}
	for _, at := range b.p.Attestations() {
		f := feedbackView{What: words.T(b.l, "pv.attestation"), Who: b.who(at.Tutor, domain.RoleTutor), When: day(b.l, at.At), Text: at.Personal.Text, at: at.At}
		if st := at.Status(b.p); st != domain.AttestationCurrent {
			f.Note = words.T(b.l, "pv.attest."+string(st))
		}
		b.feedback[at.Target] = append(b.feedback[at.Target], f)
	}
	for id, c := range b.p.Competences() {
		ref := domain.ItemRef{Kind: domain.ItemCompetence, ID: id}
		for _, as := range c.Assessments {
			b.feedback[ref] = append(b.feedback[ref], feedbackView{What: words.T(b.l, "pv.result."+string(as.Result)),
				Who: b.who(as.By, as.Role), When: day(b.l, as.At), Text: as.Personal.Text, at: as.At})
		}
		if v := c.Validation; v != nil {
			b.feedback[ref] = append(b.feedback[ref], feedbackView{What: words.T(b.l, "pv.validated"), Who: b.who(v.By, v.Role), When: day(b.l, v.At), at: v.At})
		}
	}
	for ref := range b.feedback {
		sort.SliceStable(b.feedback[ref], func(i, j int) bool { return b.feedback[ref][i].at.Before(b.feedback[ref][j].at) })
	}
	b.evidence = map[domain.ItemRef][]evView{}
	for _, id := range sortedIDs(b.p.Evidence()) {
		e := b.p.Evidence()[id]
		if !e.Live() {
			continue
		}
		v := evView{ID: id, Title: e.Personal.Title, Kind: words.T(b.l, "pv.evidence."+string(e.Kind)), Text: e.Personal.Text, URL: e.Personal.URL,
			FileName: e.Personal.FileName, Feedback: b.feedback[domain.ItemRef{Kind: domain.ItemEvidence, ID: id}]}
		if e.File != nil {
			if inlineTypes[e.File.MediaType] {
				v.Src = b.fileURL(e.File.FileID)
			} else {
				v.Download = b.fileURL(e.File.FileID)
			}
		}
		b.evidence[e.Target] = append(b.evidence[e.Target], v)
	}
}

// who names the author of feedback by their role ("you" for the owner).
func (b *overviewBuilder) who(person string, role domain.Role) string {
	if person == b.me {
		return words.T(b.l, "pv.you")
	}
	return words.T(b.l, "pv.role."+string(role))
}

func (b *overviewBuilder) experiences() []expView {
	var out []expView
	for _, id := range experienceOrder(b.p) {
		x := b.p.Experiences()[id]
		ref := domain.ItemRef{Kind: domain.ItemExperience, ID: id}
		meta := joined(" · ", words.T(b.l, "pv.kind."+string(x.Kind)), words.T(b.l, "pv.context."+string(x.Context)),
			period(b.l, x.From, x.To), joined(", ", x.Personal.Organisation, x.Personal.Place))
		v := expView{ID: id, Title: x.Personal.Title, Meta: meta, Description: x.Personal.Description, Evidence: b.evidence[ref], Feedback: b.feedback[ref]}
		for _, tid := range sortedIDs(x.Tasks) {
			t := x.Tasks[tid]
			if t.Removed {
				continue
			}
			tref := domain.ItemRef{Kind: domain.ItemTask, ID: id + "/" + tid}
			v.Tasks = append(v.Tasks, taskView{ID: tid, Title: t.Personal.Title, Description: t.Personal.Description,
				Evidence: b.evidence[tref], Feedback: b.feedback[tref]})
		}
		out = append(out, v)
	}
	return out
}

func (b *overviewBuilder) competences() []compView {
	var out []compView
	for _, id := range sortedIDs(b.p.Competences()) {
		c := b.p.Competences()[id]
		ref := domain.ItemRef{Kind: domain.ItemCompetence, ID: id}
		out = append(out, compView{ID: id, Name: competenceName(c), Framework: frameworkLabel(c.Framework), Description: c.Personal.Description,
			State: string(c.State(b.p)), Evidence: b.evidence[ref], Feedback: b.feedback[ref], ref: c.Framework, named: c.Personal.Name != ""})
	}
	return out
}
