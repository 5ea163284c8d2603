package web

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

// A counsellor invites a workplace tutor on part of a portfolio (some
// experiences, some competences) or all of it, and revokes invitations:
// the same InviteTutor and RevokeGrant commands, and the same rule
// (owner, assigned counsellor or structure admin), as the API.

// tutorGrants is what the beneficiary's page shows of the tutors' access.
type tutorGrants struct {
	Grants []tutorGrant
	Tutors []staffChoice // active tutors of the structure
	Idem   string
}

// tutorGrant is one tutor grant; Scope names what it reaches.
type tutorGrant struct {
	ID       string
	Tutor    string
	AllItems bool
	Scope    []string
	LastDay  time.Time // zero: no end
	Active   bool
}

// grantsOf copies the tutor grants of p at now, naming the items they
// reach with the view's titles.
func grantsOf(p *domain.Portfolio, v *staffPortfolio, now time.Time) []tutorGrant {
	var out []tutorGrant
	for _, id := range slices.Sorted(maps.Keys(p.Grants())) {
		g := p.Grants()[id]
		if g.Kind != domain.GrantTutor {
			continue
		}
		tg := tutorGrant{ID: id, Tutor: g.Grantee, AllItems: g.AllItems, Active: g.ActiveAt(now)}
		if !g.Until.IsZero() {
			tg.LastDay = g.Until.Add(-time.Nanosecond)
		}
		for _, ref := range scopeRefs(g) {
			if it, ok := v.Find(ref); ok {
				tg.Scope = append(tg.Scope, it.Title)
			}
		}
		out = append(out, tg)
	}
	return out
}

func scopeRefs(g *domain.Grant) []domain.ItemRef {
	var refs []domain.ItemRef
	for _, id := range g.Experiences {
		refs = append(refs, domain.ItemRef{Kind: domain.ItemExperience, ID: id})
	}
	for _, id := range g.Competences {
		refs = append(refs, domain.ItemRef{Kind: domain.ItemCompetence, ID: id})
	}
	return refs
}

// tutorChoices lists the structure's active tutors.
func (s *Server) tutorChoices(ctx context.Context, tenant string) ([]staffChoice, error) {
	members, _, err := s.deps.Queries.StructureMembers(ctx, tenant)
	var out []staffChoice
	for _, m := range members {
		if m.Active && m.Role == domain.RoleTutor {
			out = append(out, staffChoice{Value: m.ID, Label: m.Name})
		}
	}
	return out, err
}

// counsellorInvite invites a tutor on the experiences and competences
// ticked, or the whole portfolio, until an optional last day.
func (s *Server) counsellorInvite(w http.ResponseWriter, r *http.Request) {
	s.counsellorPost(w, r, "invite", []string{"tutor_id", "scope", "until"}, func(call commands.Call, pid string, _ domain.ItemRef) (commands.Result, error) {
		until, err := endOfDay(r.PostForm.Get("until"))
		if err != nil {
			return commands.Result{}, err
		}
		return s.deps.Commands.InviteTutor(r.Context(), call, commands.InviteTutor{PortfolioID: pid, TutorID: r.PostForm.Get("tutor_id"),
			AllItems: r.PostForm.Get("scope") == "all", Experiences: r.PostForm["experiences"], Competences: r.PostForm["competences"], Until: until})
	})
}

// counsellorRevoke ends a tutor's access.
func (s *Server) counsellorRevoke(w http.ResponseWriter, r *http.Request) {
	s.counsellorPost(w, r, "revoke", nil, func(call commands.Call, pid string, _ domain.ItemRef) (commands.Result, error) {
		return s.deps.Commands.RevokeGrant(r.Context(), call, commands.RevokeGrant{PortfolioID: pid, GrantID: chi.URLParam(r, "grantID")})
	})
}
