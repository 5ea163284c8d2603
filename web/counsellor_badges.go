package web

import (
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

// A counsellor's page of a beneficiary's badges,
// /counsellor/beneficiaries/{id}/badges: the badges issued to them, a
// form to issue one for an achievement the counsellor recognises (a VAE
// block's badge is issued when its validation is recorded), and a form
// per badge to revoke it. Plain forms, sent as the API's commands.
func (s *Server) counsellorBadgePages(r chi.Router) {
	const b = "/counsellor/beneficiaries/{portfolioID}/badges"
	r.Get(b, s.counsellorBadges)
	r.Post(b, s.counsellorIssueBadge)
	r.Post(b+"/{badgeID}/revocation", s.counsellorRevokeBadge)
}

type counsellorBadgesPage struct {
	ID, Name, Done, Idem string
	Badges               []badgeItem
	Error                string // the reason a form was refused
	Failed               string // which form: "issue" or a badge ID
	Typed                struct{ Name, Description, Criteria string }
}

func (s *Server) counsellorBadges(w http.ResponseWriter, r *http.Request) {
	a, ok := s.staffActor(w, r, domain.RoleCounsellor)
	if !ok {
		return
	}
	s.counsellorBadgesShow(w, r, a, http.StatusOK, counsellorBadgesPage{Done: doneText(r)})
}

func (s *Server) counsellorBadgesShow(w http.ResponseWriter, r *http.Request, a domain.Actor, status int, v counsellorBadgesPage) {
	l, pid := language(r), chi.URLParam(r, "portfolioID")
	bs, err := s.deps.Commands.PortfolioBadges(r.Context(), a, pid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.ID, v.Idem = pid, newIdem()
	if people, err := s.deps.Queries.People(r.Context(), []string{pid}); err == nil {
		v.Name = personName(l, people[pid])
	}
	for _, b := range bs {
		v.Badges = append(v.Badges, badgeItemOf(l, b))
	}
	p := s.page(r, "badge.cns.title")
	p.Noindex = true
	p.Data = v
	render(w, r, s.log, s.tpl, status, "counsellor_badges.html", p)
}

func (s *Server) counsellorIssueBadge(w http.ResponseWriter, r *http.Request) {
	a, ok := s.staffActor(w, r, domain.RoleCounsellor)
	if !ok || !s.staffParse(w, r) {
		return
	}
	pid := chi.URLParam(r, "portfolioID")
	res, err := s.deps.Commands.IssueAchievementBadge(r.Context(), staffCall(a, r), commands.IssueAchievementBadge{PortfolioID: pid,
		Name: r.PostForm.Get("name"), Description: r.PostForm.Get("description"), Criteria: r.PostForm.Get("criteria")})
	if err != nil {
		v := counsellorBadgesPage{Failed: "issue"}
		v.Typed.Name, v.Typed.Description, v.Typed.Criteria = r.PostForm.Get("name"), r.PostForm.Get("description"), r.PostForm.Get("criteria")
		s.badgeRefused(w, r, a, err, v)
		return
	}
	s.staffDone(w, r, res.Position, "/counsellor/beneficiaries/"+pid+"/badges", "badge")
}

func (s *Server) counsellorRevokeBadge(w http.ResponseWriter, r *http.Request) {
	a, ok := s.staffActor(w, r, domain.RoleCounsellor)
	if !ok || !s.staffParse(w, r) {
		return
	}
	pid, id := chi.URLParam(r, "portfolioID"), chi.URLParam(r, "badgeID")
	res, err := s.deps.Commands.RevokeBadge(r.Context(), staffCall(a, r), commands.RevokeBadge{BadgeID: id, Reason: r.PostForm.Get("reason")})
	if err != nil {
		s.badgeRefused(w, r, a, err, counsellorBadgesPage{Failed: id})
		return
	}
	s.staffDone(w, r, res.Position, "/counsellor/beneficiaries/"+pid+"/badges", "badge.revoked")
}

// badgeRefused shows the page again with the reason of a refused form;
// what is not a refusal is a failure.
func (s *Server) badgeRefused(w http.ResponseWriter, r *http.Request, a domain.Actor, err error, v counsellorBadgesPage) {
	var de *domain.Error
	if !errors.As(err, &de) || de.Kind != domain.KindInvalid && de.Kind != domain.KindConflict {
		s.fail(w, r, err)
		return
	}
	v.Error = reasonText(language(r), de)
	s.counsellorBadgesShow(w, r, a, http.StatusUnprocessableEntity, v)
}
