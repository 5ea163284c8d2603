package commands

import (
	"context"
	"time"

	"github.com/parcours/parcours/domain"
)

// ReadScope names what a read of a portfolio's read models shows.
type ReadScope int

const (
	// ReadWhole: views of the whole portfolio in words (CVs, the
	// timeline): the owner and their assigned counsellors.
	ReadWhole ReadScope = iota
	// ReadTrail: the audit trail (who did what, when, hashes; no content):
	// the owner, their assigned counsellors, their structure's admins.
	ReadTrail
	// ReadDossier: one VAE dossier: the owner, their counsellors, an
	// auditor holding an active grant on it.
	ReadDossier
)

// AuthorizeRead checks that a may read portfolio id's read models in
// scope (dossier names the dossier for ReadDossier). Like every denial
// here, one about a portfolio the actor has no relation to says "not
// found".
func (h *Handler) AuthorizeRead(ctx context.Context, a domain.Actor, id string, scope ReadScope, dossier string) error {
	return h.withPortfolio(ctx, a, id, func(p *domain.Portfolio, st *domain.Structure, now time.Time) error {
		act := actRead
		if scope == ReadDossier {
			act = actReadDossier
		}
		if scope == ReadTrail && a.Role == domain.RoleStructureAdmin && a.Tenant == p.Tenant() && st.HasActive(a.PersonID, a.Role) {
			return nil
		}
		if err := authorize(a, st, p, act, nil, dossier, now); err != nil {
			return err
		}
		owner := a.Role == domain.RoleBeneficiary && a.PersonID == p.Owner()
		counsellor := a.Role == domain.RoleCounsellor && p.IsCounsellor(a.PersonID)
		if scope != ReadDossier && !owner && !counsellor {
			return &domain.Error{Kind: domain.KindForbidden, Reason: "only the owner and their counsellors read this"}
		}
		return nil
	})
}
