package web

import (
	"maps"
	"net/http"
	"slices"
	"strconv"

	"github.com/go-chi/chi/v5"
	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/projections"
)

// timelinePage is how many timeline entries a page shows.
const timelinePage = 50

// casePage is one beneficiary as their counsellor follows them.
type casePage struct {
	ID        string
	Name      string
	Portfolio *staffPortfolio
	Dossiers  []projections.DossierStatus
	Timeline  []projections.TimelineEntry
	Next      string // the timeline's next page
	Access    tutorGrants
	Form      *staffForm
	Done      string
	Talk      string // the link to the conversation, with what is unread
}

func (s *Server) counsellorCase(w http.ResponseWriter, r *http.Request) {
	a, ok := s.staffActor(w, r, domain.RoleCounsellor)
	if !ok {
		return
	}
	s.counsellorCaseShow(w, r, a, chi.URLParam(r, "portfolioID"), http.StatusOK, nil)
}

// counsellorCaseShow renders the beneficiary's page with status, and the
// refused form f if any. Reading the portfolio through the command
// handler authorizes it: only an assigned counsellor reads it.
func (s *Server) counsellorCaseShow(w http.ResponseWriter, r *http.Request, a domain.Actor, pid string, status int, f *staffForm) {
	ctx, l := r.Context(), language(r)
	pg := casePage{ID: pid, Form: f, Done: doneText(r), Access: tutorGrants{Idem: newIdem()}}
	var tutors []string
	err := s.deps.Commands.ReadPortfolio(ctx, a, pid, "", func(p *domain.Portfolio, _ uint64) error {
		pg.Portfolio = buildStaffPortfolio(p, func(domain.ItemRef) bool { return true }, true)
		pg.Access.Grants = grantsOf(p, pg.Portfolio, s.clock())
		for _, g := range pg.Access.Grants {
			tutors = append(tutors, g.Tutor)
		}
		for _, id := range slices.Sorted(maps.Keys(p.Dossiers())) {
			d := p.Dossiers()[id]
			pg.Dossiers = append(pg.Dossiers, projections.DossierStatus{DossierID: id, RNCPCode: d.Certification.RNCPCode,
				Title: d.Certification.Title, State: d.State, Blocks: len(d.Certification.Blocks), Decided: len(d.Decisions)})
		}
		return nil
	})
	if err == nil {
		err = s.nameStaffPortfolio(ctx, pg.Portfolio, append(tutors, pid)...)
	}
	if err == nil {
		pg.Access.Tutors, err = s.tutorChoices(ctx, a.Tenant)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg.Name = pg.Portfolio.Name(pid)
	pg.Talk = words.T(l, "talk.title")
	if _, each, err := s.deps.Queries.Unread(ctx, a.PersonID); err == nil && each[domain.PortfolioConversationID(pid)] > 0 {
		pg.Talk = unreadLabel(l, pg.Talk, each[domain.PortfolioConversationID(pid)])
	}
	pg.Portfolio.attach("/counsellor/beneficiaries/"+pid, f)
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	entries, next, err := s.deps.Queries.Timeline(ctx, pid, string(l), max(after, 0), timelinePage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg.Timeline = entries
	if len(entries) == timelinePage {
		pg.Next = "/counsellor/beneficiaries/" + pid + "?after=" + strconv.FormatInt(next, 10) + "#timeline"
	}
	p := s.page(r, "cns.case.title")
	p.Path = "/counsellor/beneficiaries/" + pid // after a form too: the language switch leads to the page
	p.Title = pg.Name + " — " + p.Title
	p.Data = pg
	render(w, r, s.log, s.tpl, status, "counsellor_case.html", p)
}

// counsellorPost runs a form of the beneficiary's page: decode, run the
// command, and either redirect to the page saying done, or show the page
// again with the refusal.
func (s *Server) counsellorPost(w http.ResponseWriter, r *http.Request, name string, fields []string,
	run func(call commands.Call, pid string, target domain.ItemRef) (commands.Result, error)) {
	a, ok := s.staffActor(w, r, domain.RoleCounsellor)
	if !ok || !s.staffParse(w, r) {
		return
	}
	pid, target := chi.URLParam(r, "portfolioID"), postedTarget(r)
	id, anchor := name, "tutors" // a form about no item is about the tutors
	if target != (domain.ItemRef{}) {
		id, anchor = name+"-"+formIDOf(target), formIDOf(target)
	}
	res, err := run(staffCall(a, r), pid, target)
	if err != nil {
		s.answerRefusal(w, r, err, refuse(language(r), err, r, name, id, fields...), func(status int, f *staffForm) {
			s.counsellorCaseShow(w, r, a, pid, status, f)
		})
		return
	}
	s.staffDone(w, r, res.Position, "/counsellor/beneficiaries/"+pid+"#"+anchor, name)
}

func (s *Server) counsellorComment(w http.ResponseWriter, r *http.Request) {
	s.counsellorPost(w, r, "comment", []string{"text"}, func(call commands.Call, pid string, target domain.ItemRef) (commands.Result, error) {
		return s.deps.Commands.AddComment(r.Context(), call, commands.AddComment{PortfolioID: pid, Target: target,
			Text: domain.CommentText{Text: r.PostForm.Get("text")}})
	})
}

func (s *Server) counsellorAssess(w http.ResponseWriter, r *http.Request) {
	s.counsellorPost(w, r, "assess", []string{"result", "comment"}, func(call commands.Call, pid string, target domain.ItemRef) (commands.Result, error) {
		return s.deps.Commands.AssessCompetence(r.Context(), call, commands.AssessCompetence{PortfolioID: pid, CompetenceID: target.ID,
			Result: domain.AssessmentResult(r.PostForm.Get("result")), Comment: domain.CommentText{Text: r.PostForm.Get("comment")}})
	})
}

func (s *Server) counsellorValidate(w http.ResponseWriter, r *http.Request) {
	s.counsellorPost(w, r, "validate", nil, func(call commands.Call, pid string, target domain.ItemRef) (commands.Result, error) {
		return s.deps.Commands.ValidateCompetence(r.Context(), call, commands.ValidateCompetence{PortfolioID: pid, CompetenceID: target.ID})
	})
}
