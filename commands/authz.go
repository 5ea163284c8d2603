package commands

import (
	"context"
	"time"

	"github.com/parcours/parcours/domain"
)

// action is what an actor wants to do with a portfolio.
type action int

const (
	actRead              action = iota // read the portfolio (scoped for tutors, auditors)
	actWriteContent                    // experiences, competences, evidence, CVs, pages, documents, dossier work: the owner
	actPlan                            // goals and milestones: owner, assigned counsellor
	actJournal                         // logbook: owner, assigned counsellor
	actComment                         // owner, assigned counsellor, tutor in scope
	actAttest                          // tutor in scope
	actAssess                          // assigned counsellor, tutor in scope
	actValidate                        // assigned counsellor, tutor in scope
	actManageCounsellors               // structure admin
	actGrant                           // invite tutors, grant auditors, revoke: owner, assigned counsellor, structure admin
	actRecordDecision                  // admissibility and jury decisions, transcribed: assigned counsellor
	actReadDossier                     // a VAE dossier: as actRead, or an auditor with a grant on it
	actConverse                        // the portfolio's conversation: owner, assigned counsellor, tutor with an active grant
	actIssueBadge                      // issue an Open Badge to the owner: assigned counsellor
	actRevokeBadge                     // revoke one: assigned counsellor, structure admin
	actReadBadges                      // the portfolio's badges and their credentials: owner, assigned counsellor, structure admin
	actImport                          // import a file into the portfolio (its items as content writes): owner, assigned counsellor
)

// authorize is the one place that decides who may do what to a portfolio.
// The tenant is the actor's (from their credential): a portfolio of
// another structure, or one the actor has no relation to, is reported as
// not found, so a denial never reveals that it exists. An actor who may
// know the portfolio but not do this gets Forbidden. target is the item
// acted on, when the rule depends on it (tutor scope); dossier names the
// dossier for actReadDossier.
func authorize(a domain.Actor, st *domain.Structure, p *domain.Portfolio, act action, target *domain.ItemRef, dossier string, now time.Time) error {
	if !p.Exists() || a.Tenant != p.Tenant() {
		return notFoundPortfolio(p)
	}
	owner := a.Role == domain.RoleBeneficiary && a.PersonID == p.Owner()
	member := owner || st.HasActive(a.PersonID, a.Role)
	if !member {
		return notFoundPortfolio(p)
	}
	counsellor := a.Role == domain.RoleCounsellor && p.IsCounsellor(a.PersonID)
	tutor := a.Role == domain.RoleTutor && p.HasActiveGrant(a.PersonID, domain.GrantTutor, now)
	tutorOn := tutor && target != nil && p.TutorCovers(a.PersonID, *target, now)
	admin := a.Role == domain.RoleStructureAdmin
	auditor := a.Role == domain.RoleAuditor && p.HasActiveGrant(a.PersonID, domain.GrantAuditor, now)
	knows := owner || counsellor || tutor || admin || auditor
	if !knows {
		return notFoundPortfolio(p)
	}
	var ok bool
	switch act {
	case actRead:
		ok = owner || counsellor || tutor
	case actReadDossier:
		ok = owner || counsellor || a.Role == domain.RoleAuditor && p.AuditorCovers(a.PersonID, dossier, now)
	case actWriteContent:
		ok = owner
	case actPlan, actJournal:
		ok = owner || counsellor
	case actComment:
		ok = owner || counsellor || tutorOn
	case actAttest:
		ok = tutorOn
	case actAssess, actValidate:
		ok = counsellor || tutorOn
	case actManageCounsellors:
		ok = admin
	case actGrant:
		ok = owner || counsellor || admin
	case actRecordDecision:
		ok = counsellor
	case actImport:
		// The beneficiary, or a counsellor for them (imports.go): what
		// an import adds is the person's own past, typed in for them.
		ok = owner || counsellor
	case actConverse:
		// Private to those who follow the beneficiary: their structure's
		// admin knows the portfolio but is no party to it.
		ok = owner || counsellor || tutor
	case actIssueBadge:
		ok = counsellor
	case actRevokeBadge:
		ok = counsellor || admin
	case actReadBadges:
		ok = owner || counsellor || admin
	}
	if !ok {
		if tutor && target != nil && !tutorOn {
			// Out of scope: the tutor must not learn the item exists.
			return &domain.Error{Kind: domain.KindNotFound, Field: string(target.Kind), Reason: "no such item"}
		}
		return &domain.Error{Kind: domain.KindForbidden, Reason: "your role does not allow this on this portfolio"}
	}
	return nil
}

func notFoundPortfolio(p *domain.Portfolio) error {
	return &domain.Error{Kind: domain.KindNotFound, Field: "portfolio", Reason: "no portfolio " + p.ID()}
}

// authorizeDirect decides who may read and write a one-to-one
// conversation: its two participants, while they are active staff of its
// structure. Anyone else, the structure's admins included, is told it does
// not exist.
func authorizeDirect(a domain.Actor, st *domain.Structure, c *domain.Conversation) error {
	if !c.Exists() || c.Kind() != domain.ConversationDirect || c.Tenant() != a.Tenant || !c.IsParticipant(a.PersonID) ||
		!isStaff(a.Role) || !st.HasActive(a.PersonID, a.Role) {
		return notFoundConversation(c.ID())
	}
	return nil
}

// isStaff reports whether a role is one of a structure's staff, who may
// talk one to one.
func isStaff(r domain.Role) bool { return r == domain.RoleCounsellor || r == domain.RoleStructureAdmin }

func notFoundConversation(id string) error {
	return &domain.Error{Kind: domain.KindNotFound, Field: "conversation", Reason: "no conversation " + id}
}

// validActor checks the actor a credential gave.
func validActor(a domain.Actor) error {
	if !domain.ValidID(a.PersonID) || (a.Role != domain.RoleOperator && !domain.ValidID(a.Tenant)) || !(a.Role.Valid() || a.Role == domain.RoleOperator) {
		return &domain.Error{Kind: domain.KindForbidden, Reason: "no valid actor"}
	}
	return nil
}

// withStructure runs fn on structure id's current state, holding its lock.
func (h *Handler) withStructure(ctx context.Context, id string, fn func(*domain.Structure) error) error {
	stream := domain.StructureStream(id)
	e := h.cache.get(stream, func() *entry { return &entry{state: domain.NewStructure(id), idem: map[string]idemRecord{}} })
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := h.catchUp(ctx, e, stream); err != nil {
		h.cache.drop(stream)
		return err
	}
	return fn(e.state.(*domain.Structure))
}

// authorizeFrameworkImport decides who imports reference frameworks: the
// platform's operator, since every structure shares them.
func authorizeFrameworkImport(a domain.Actor) error {
	if a.Role != domain.RoleOperator {
		return &domain.Error{Kind: domain.KindForbidden, Reason: "only the platform operator imports reference frameworks"}
	}
	return nil
}

// authorizeFrameworkRead decides who searches the frameworks besides the
// operator: the active members of the actor's structure, whatever their
// role (a beneficiary picks competences, a counsellor reads them).
func authorizeFrameworkRead(a domain.Actor, st *domain.Structure, _ time.Time) error {
	if !st.Exists() || !st.HasActive(a.PersonID, a.Role) {
		return &domain.Error{Kind: domain.KindForbidden, Reason: "reference frameworks are for the members of a structure"}
	}
	return nil
}
