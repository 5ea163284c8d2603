package web

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/projections"
)

// tutorPages are a workplace tutor's: the beneficiaries who invited them,
// and in each portfolio only the items their grants reach, to comment and
// to attest. Everything is read through the command handler with the
// tutor as actor, and filtered with the rule that authorizes their
// commands (domain.Portfolio.TutorCovers): an item out of scope is not in
// the page, and its address answers 404 like one that does not exist.
func (s *Server) tutorPages(r chi.Router) {
	const b = "/tutor/beneficiaries/{portfolioID}"
	r.Get("/tutor", s.tutorHome)
	r.Get(b, s.tutorCase)
	r.Get(b+"/items/{kind}/*", s.tutorItem)
	r.Post(b+"/comments", s.tutorComment)
	r.Post(b+"/attestations", s.tutorAttest)
}

// tutorHome lists the beneficiaries whose grants to the tutor hold now.
type tutorHome struct {
	People []tutorInvitation
}

type tutorInvitation struct {
	projections.PersonView
	Items int
	Until time.Time // the last day of their grants (included)
	NoEnd bool      // a grant has no end
}

func (s *Server) tutorHome(w http.ResponseWriter, r *http.Request) {
	a, ok := s.staffActor(w, r, domain.RoleTutor)
	if !ok {
		return
	}
	ctx, now := r.Context(), s.clock().UTC()
	candidates, err := s.deps.Queries.GrantedPortfolios(ctx, a.PersonID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var pg tutorHome
	for _, who := range candidates {
		inv := tutorInvitation{PersonView: who}
		err := s.deps.Commands.ReadPortfolio(ctx, a, who.ID, "", func(p *domain.Portfolio, _ uint64) error {
			v := buildStaffPortfolio(p, tutorSees(p, a, now), false)
			inv.Items = len(v.Competences) + len(v.Experiences) + len(v.Evidence)
			for _, g := range p.Grants() {
				if g.Grantee == a.PersonID && g.Kind == domain.GrantTutor && g.ActiveAt(now) {
					inv.NoEnd = inv.NoEnd || g.Until.IsZero()
					if g.Until.After(inv.Until) {
						inv.Until = g.Until
					}
				}
			}
			// A grant ends at a moment; the page says the last day it covers.
			inv.Until = inv.Until.Add(-time.Nanosecond)
			return nil
		})
		if domain.KindOf(err) == domain.KindNotFound {
			continue // no grant holds now: nothing of it is shown
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		pg.People = append(pg.People, inv)
	}
	p := s.page(r, "tut.home.title")
	p.Data = pg
	render(w, r, s.log, s.tpl, http.StatusOK, "tutor.html", p)
}

// tutorSees is the tutor's scope in p at now.
func tutorSees(p *domain.Portfolio, a domain.Actor, now time.Time) func(domain.ItemRef) bool {
	return func(ref domain.ItemRef) bool { return p.TutorCovers(a.PersonID, ref, now) }
}

// tutorCasePage is what a tutor sees of one portfolio, or of one item.
type tutorCasePage struct {
	ID        string
	Name      string
	Portfolio *staffPortfolio
	Item      *staffItem // on an item's page
	Form      *staffForm
	Done      string
}

func (s *Server) tutorCase(w http.ResponseWriter, r *http.Request) {
	a, ok := s.staffActor(w, r, domain.RoleTutor)
	if !ok {
		return
	}
	s.tutorShow(w, r, a, nil, http.StatusOK, nil)
}

func (s *Server) tutorItem(w http.ResponseWriter, r *http.Request) {
	a, ok := s.staffActor(w, r, domain.RoleTutor)
	if !ok {
		return
	}
	ref := domain.ItemRef{Kind: domain.ItemKind(chi.URLParam(r, "kind")), ID: chi.URLParam(r, "*")}
	s.tutorShow(w, r, a, &ref, http.StatusOK, nil)
}

// tutorShow renders the portfolio as the tutor may see it, or only the
// item ref (404 if out of scope), with status and the refused form f.
func (s *Server) tutorShow(w http.ResponseWriter, r *http.Request, a domain.Actor, ref *domain.ItemRef, status int, f *staffForm) {
	ctx, now, pid := r.Context(), s.clock().UTC(), chi.URLParam(r, "portfolioID")
	pg := tutorCasePage{ID: pid, Form: f, Done: doneText(r)}
	err := s.deps.Commands.ReadPortfolio(ctx, a, pid, "", func(p *domain.Portfolio, _ uint64) error {
		pg.Portfolio = buildStaffPortfolio(p, tutorSees(p, a, now), false)
		return nil
	})
	if err == nil {
		err = s.nameStaffPortfolio(ctx, pg.Portfolio, pid)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	base := "/tutor/beneficiaries/" + pid
	pg.Portfolio.attach(base, f)
	pg.Name = pg.Portfolio.Name(pid)
	key := "tut.case.title"
	if ref != nil {
		it, ok := pg.Portfolio.Find(*ref)
		if !ok {
			s.errorPage(w, r, http.StatusNotFound, words.T(language(r), "error.notfound"), "")
			return
		}
		it.Origin = "item"
		pg.Item, key = &it, "tut.item.title"
	}
	p := s.page(r, key)
	p.Path = base
	if ref != nil {
		p.Path = base + "/items/" + string(ref.Kind) + "/" + ref.ID
	}
	p.Title = pg.Name + " — " + p.Title
	p.Data = pg
	render(w, r, s.log, s.tpl, status, "tutor_case.html", p)
}

// tutorPost runs a tutor's form. A form sent from an item's page comes
// back to it; others to the portfolio's page.
func (s *Server) tutorPost(w http.ResponseWriter, r *http.Request, name string, fields []string,
	run func(call commands.Call, pid string, target domain.ItemRef) (commands.Result, error)) {
	a, ok := s.staffActor(w, r, domain.RoleTutor)
	if !ok || !s.staffParse(w, r) {
		return
	}
	pid, target := chi.URLParam(r, "portfolioID"), postedTarget(r)
	var ref *domain.ItemRef
	to := "/tutor/beneficiaries/" + pid + "#" + formIDOf(target)
	if r.PostForm.Get("from") == "item" {
		ref, to = &target, "/tutor/beneficiaries/"+pid+"/items/"+string(target.Kind)+"/"+target.ID
	}
	res, err := run(staffCall(a, r), pid, target)
	if err != nil {
		s.answerRefusal(w, r, err, refuse(language(r), err, r, name, name+"-"+formIDOf(target), fields...), func(status int, f *staffForm) {
			s.tutorShow(w, r, a, ref, status, f)
		})
		return
	}
	s.staffDone(w, r, res.Position, to, name)
}

func (s *Server) tutorComment(w http.ResponseWriter, r *http.Request) {
	s.tutorPost(w, r, "comment", []string{"text"}, func(call commands.Call, pid string, target domain.ItemRef) (commands.Result, error) {
		return s.deps.Commands.AddComment(r.Context(), call, commands.AddComment{PortfolioID: pid, Target: target,
			Text: domain.CommentText{Text: r.PostForm.Get("text")}})
	})
}

func (s *Server) tutorAttest(w http.ResponseWriter, r *http.Request) {
	s.tutorPost(w, r, "attest", []string{"statement"}, func(call commands.Call, pid string, target domain.ItemRef) (commands.Result, error) {
		return s.deps.Commands.Attest(r.Context(), call, commands.Attest{PortfolioID: pid, Target: target,
			Statement: domain.CommentText{Text: r.PostForm.Get("statement")}})
	})
}
