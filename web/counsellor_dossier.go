package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/projections"
)

// dossierPage is a VAE dossier as the counsellor who follows it sees it:
// its blocks with what is mapped to them, how complete each is, the
// decisions, and the forms that transcribe the certifier's admissibility
// decision and the jury's decision on each block. An auditor sees the same
// page without the forms.
type dossierPage struct {
	projections.DossierView
	Base      string // the dossier's address
	CaseLink  string
	Auditor   bool   // read by a certifier: no forms, a bundle to download
	Bundle    string // the address of the dossier's evidence bundle, once submitted
	Form      *staffForm
	Idem      string
	Today     string
	Decisions []staffChoice
	// RecordAdmissibility: a request is pending; RecordJury: submitted.
	RecordAdmissibility bool
	RecordJury          bool
	Done                string
}

func (s *Server) counsellorDossier(w http.ResponseWriter, r *http.Request) {
	a, ok := s.staffActor(w, r, domain.RoleCounsellor)
	if !ok {
		return
	}
	s.dossierShow(w, r, a, http.StatusOK, nil)
}

// dossierShow renders the dossier with status and the refused form f.
// The command handler authorizes the reading (an assigned counsellor, an
// auditor with an active grant on the dossier; not found otherwise), then
// the read model answers it.
func (s *Server) dossierShow(w http.ResponseWriter, r *http.Request, a domain.Actor, status int, f *staffForm) {
	ctx, l := r.Context(), language(r)
	pid, did := chi.URLParam(r, "portfolioID"), chi.URLParam(r, "dossierID")
	err := s.deps.Commands.ReadPortfolio(ctx, a, pid, did, func(p *domain.Portfolio, _ uint64) error {
		if _, ok := p.Dossiers()[did]; !ok {
			return &domain.Error{Kind: domain.KindNotFound, Field: "dossier", Reason: "no dossier " + did}
		}
		return nil
	})
	if a.Role == domain.RoleAuditor && domain.KindOf(err) == domain.KindForbidden {
		// An auditor learns nothing of a dossier outside their grants,
		// not even that it exists.
		err = &domain.Error{Kind: domain.KindNotFound, Field: "dossier", Reason: "no dossier " + did}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, found, err := s.deps.Queries.Dossier(ctx, pid, did)
	if err == nil && !found {
		err = &domain.Error{Kind: domain.KindNotFound, Field: "dossier", Reason: "no dossier " + did}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg := dossierPage{DossierView: v, Base: "/counsellor/beneficiaries/" + pid + "/dossiers/" + did, CaseLink: "/counsellor/beneficiaries/" + pid,
		Form: f, Idem: newIdem(), Today: string(domain.DateOf(s.clock().UTC())), Done: doneText(r),
		RecordAdmissibility: v.State == domain.DossierAdmissibilityRequested, RecordJury: v.State == domain.DossierSubmitted}
	if a.Role == domain.RoleAuditor {
		pg.Base, pg.CaseLink, pg.Auditor = "/auditor/dossiers/"+pid+"/"+did, "/auditor", true
		if v.State == domain.DossierSubmitted || v.State == domain.DossierDecided { // a bundle exists once submitted
			pg.Bundle = "/v1/portfolios/" + pid + "/dossiers/" + did + "/bundle"
		}
		pg.RecordAdmissibility, pg.RecordJury = false, false
	}
	for _, d := range []domain.BlockDecision{domain.BlockValidated, domain.BlockPartly, domain.BlockNotValidated} {
		pg.Decisions = append(pg.Decisions, staffChoice{Value: string(d), Label: words.T(l, "staff.decision."+string(d))})
	}
	p := s.page(r, "cns.dossier.title")
	p.Path = pg.Base
	p.Title = v.Title + " — " + p.Title
	p.Data = pg
	render(w, r, s.log, s.tpl, status, "counsellor_dossier.html", p)
}

// dossierPost runs a form of the dossier page.
// The form's instance is named by name and, for a block's, the block.
func (s *Server) dossierPost(w http.ResponseWriter, r *http.Request, name string, fields []string,
	run func(call commands.Call, pid, did string) (commands.Result, error)) {
	a, ok := s.staffActor(w, r, domain.RoleCounsellor)
	if !ok || !s.staffParse(w, r) {
		return
	}
	pid, did := chi.URLParam(r, "portfolioID"), chi.URLParam(r, "dossierID")
	id := name
	if b := r.PostForm.Get("block"); b != "" {
		id += "-" + b
	}
	res, err := run(staffCall(a, r), pid, did)
	if err != nil {
		s.answerRefusal(w, r, err, refuse(language(r), err, r, name, id, fields...), func(status int, f *staffForm) {
			s.dossierShow(w, r, a, status, f)
		})
		return
	}
	s.staffDone(w, r, res.Position, "/counsellor/beneficiaries/"+pid+"/dossiers/"+did+"#"+id, name)
}

// counsellorAdmissibility transcribes the certifier's admissibility
// decision. The choice must be made: a missing one is not "no".
func (s *Server) counsellorAdmissibility(w http.ResponseWriter, r *http.Request) {
	s.dossierPost(w, r, "admissibility", []string{"admissible", "decided_on"}, func(call commands.Call, pid, did string) (commands.Result, error) {
		choice := r.PostForm.Get("admissible")
		if choice != "yes" && choice != "no" {
			return commands.Result{}, &domain.Error{Kind: domain.KindInvalid, Field: "admissible", Reason: "is required"}
		}
		return s.deps.Commands.RecordAdmissibility(r.Context(), call, commands.RecordAdmissibility{PortfolioID: pid, DossierID: did,
			Admissible: choice == "yes", DecidedOn: domain.Date(r.PostForm.Get("decided_on"))})
	})
}

// counsellorJury transcribes the jury's decision on one block.
func (s *Server) counsellorJury(w http.ResponseWriter, r *http.Request) {
	s.dossierPost(w, r, "jury", []string{"decision", "decided_on"}, func(call commands.Call, pid, did string) (commands.Result, error) {
		block := r.PostForm.Get("block")
		return s.deps.Commands.RecordJuryDecision(r.Context(), call, commands.RecordJuryDecision{PortfolioID: pid, DossierID: did,
			Block: block, Decision: domain.BlockDecision(r.PostForm.Get("decision")), DecidedOn: domain.Date(r.PostForm.Get("decided_on"))})
	})
}
