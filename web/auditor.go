package web

import (
	"net/http"
	"slices"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/projections"
)

// auditorPages are a certifier's: the VAE dossiers their grants open now,
// and each dossier read-only, with its evidence bundle to download and
// check offline. The command handler authorizes every reading with the
// rule of the API (an active grant on that very dossier): a dossier the
// auditor may not read is absent from the list and answers 404.
func (s *Server) auditorPages(r chi.Router) {
	r.Get("/auditor", s.auditorHome)
	r.Get("/auditor/dossiers/{portfolioID}/{dossierID}", s.auditorDossier)
}

// auditorHome lists the dossiers open to the auditor now.
type auditorHome struct {
	Dossiers []auditorDossier
}

type auditorDossier struct {
	Owner projections.PersonView
	projections.DossierStatus
	Link  string
	Until time.Time // the last day of the grant (included)
	NoEnd bool
}

func (s *Server) auditorHome(w http.ResponseWriter, r *http.Request) {
	a, ok := s.staffActor(w, r, domain.RoleAuditor)
	if !ok {
		return
	}
	ctx, now := r.Context(), s.clock().UTC()
	owners, err := s.deps.Queries.GrantedPortfolios(ctx, a.PersonID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ids := make([]string, len(owners))
	for i, o := range owners {
		ids[i] = o.ID
	}
	dossiers, err := s.deps.Queries.DossiersOf(ctx, ids)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var pg auditorHome
	for _, owner := range owners {
		for _, d := range dossiers[owner.ID] {
			item := auditorDossier{Owner: owner, DossierStatus: d, Link: "/auditor/dossiers/" + owner.ID + "/" + d.DossierID}
			err := s.deps.Commands.ReadPortfolio(ctx, a, owner.ID, d.DossierID, func(p *domain.Portfolio, _ uint64) error {
				for _, g := range p.Grants() {
					if g.Grantee == a.PersonID && g.Kind == domain.GrantAuditor && g.DossierID == d.DossierID && g.ActiveAt(now) {
						item.NoEnd = item.NoEnd || g.Until.IsZero()
						if g.Until.After(item.Until) {
							item.Until = g.Until
						}
					}
				}
				item.Until = item.Until.Add(-time.Nanosecond) // the last day covered
				return nil
			})
			if domain.KindOf(err) == domain.KindNotFound || domain.KindOf(err) == domain.KindForbidden {
				continue // no grant on this dossier holds now
			}
			if err != nil {
				s.fail(w, r, err)
				return
			}
			pg.Dossiers = append(pg.Dossiers, item)
		}
	}
	slices.SortStableFunc(pg.Dossiers, func(x, y auditorDossier) int { return x.Until.Compare(y.Until) })
	p := s.page(r, "aud.home.title")
	p.Data = pg
	render(w, r, s.log, s.tpl, http.StatusOK, "auditor.html", p)
}

// auditorDossier shows a dossier as its counsellor sees it, without the
// forms, and with the link to its evidence bundle (the API's, which the
// session opens too).
func (s *Server) auditorDossier(w http.ResponseWriter, r *http.Request) {
	a, ok := s.staffActor(w, r, domain.RoleAuditor)
	if !ok {
		return
	}
	s.dossierShow(w, r, a, http.StatusOK, nil)
}
