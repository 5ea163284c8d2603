package commands

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/parcours/parcours/badges"
	"github.com/parcours/parcours/domain"
)

// IssueBlockBadge issues the Open Badges credential of a block the VAE
// jury validated (an assigned counsellor; RecordJuryDecision does it by
// itself when it records a validation, so this is for a block validated
// before badges existed, or after a failure). A block has one badge:
// issuing it again answers the same one.
type IssueBlockBadge struct {
	PortfolioID string `json:"portfolio_id"`
	DossierID   string `json:"dossier_id"`
	Block       string `json:"block"`
}

// IssueAchievementBadge issues a badge for another achievement of the
// portfolio's owner, as their assigned counsellor recognised it.
type IssueAchievementBadge struct {
	PortfolioID string `json:"portfolio_id"`
	// BadgeID, a UUID, may be chosen by the caller; one is drawn if empty.
	BadgeID     string `json:"badge_id,omitempty"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Criteria    string `json:"criteria"`
}

// RevokeBadge sets the badge's entry in the structure's revocation list
// (an admin of the structure, or a counsellor assigned to the recipient).
type RevokeBadge struct {
	BadgeID string `json:"badge_id"`
	Reason  string `json:"reason"`
}

// issuerSubject names the key-store subject of a structure's issuer key;
// ':' is in no person's ID, so it is never a person's key.
func issuerSubject(tenant string) string { return "badge-issuer:" + tenant }

// IssuerURL is where a structure's issuer profile is served, and
// StatusListURL its revocation list; both are written into every badge
// when it is issued.
func (h *Handler) IssuerURL(tenant string) string {
	return h.badgeBase() + "/v1/badges/issuers/" + tenant
}

func (h *Handler) StatusListURL(tenant string) string {
	return h.badgeBase() + "/v1/badges/status/" + tenant
}

func (h *Handler) badgeBase() string {
	if h.publicURL == "" {
		return "http://127.0.0.1:8080"
	}
	return strings.TrimRight(h.publicURL, "/")
}

func (h *Handler) IssueBlockBadge(ctx context.Context, call Call, cmd IssueBlockBadge) (Result, error) {
	// The ID is named by the block, so a retry after a lost answer finds
	// the same badge.
	id := uuid.NewSHA1(uuid.NameSpaceURL, []byte(h.IssuerURL(call.Actor.Tenant)+"#"+cmd.PortfolioID+"/"+cmd.DossierID+"/"+cmd.Block)).String()
	res, err := h.badgeUpdate(ctx, call, cmd.PortfolioID, cmd, func(r *domain.BadgeRegistry, p *domain.Portfolio, b domain.BadgeFacts, now time.Time) ([]domain.Event, error) {
		b.ID = id
		if old, ok := r.ForBlock(p.ID(), cmd.DossierID, cmd.Block); ok {
			id = old.ID
		}
		return r.IssueBlockBadge(p, cmd.DossierID, cmd.Block, b, now)
	})
	res.ID = id
	return res, err
}

func (h *Handler) IssueAchievementBadge(ctx context.Context, call Call, cmd IssueAchievementBadge) (Result, error) {
	id := cmd.BadgeID
	if id == "" {
		id = uuid.NewString()
	}
	res, err := h.badgeUpdate(ctx, call, cmd.PortfolioID, cmd, func(r *domain.BadgeRegistry, p *domain.Portfolio, b domain.BadgeFacts, now time.Time) ([]domain.Event, error) {
		b.ID = id
		return r.IssueAchievementBadge(p, domain.BadgeAchievement{Name: cmd.Name, Description: cmd.Description, Criteria: cmd.Criteria}, b, now)
	})
	res.ID = id
	return res, err
}

// badgeUpdate is the shape of an issuance: load the structure's badges,
// authorize the actor on the portfolio (actIssueBadge), fill in the
// issuer's facts, decide.
func (h *Handler) badgeUpdate(ctx context.Context, call Call, portfolio string, request any,
	decide func(r *domain.BadgeRegistry, p *domain.Portfolio, b domain.BadgeFacts, now time.Time) ([]domain.Event, error)) (Result, error) {
	if err := validActor(call.Actor); err != nil {
		return Result{}, err
	}
	a := call.Actor
	salt := make([]byte, 16)
	rand.Read(salt)
	return h.update(ctx, call, a.Tenant, domain.BadgesStream(a.Tenant), func() aggregate { return domain.NewBadgeRegistry(a.Tenant) }, request, true,
		func(s aggregate) ([]domain.Event, error) {
			r := s.(*domain.BadgeRegistry)
			var events []domain.Event
			err := h.withPortfolio(ctx, a, portfolio, func(p *domain.Portfolio, st *domain.Structure, now time.Time) error {
				if err := authorize(a, st, p, actIssueBadge, nil, "", now); err != nil {
					return err
				}
				b := domain.BadgeFacts{IssuerURL: h.IssuerURL(a.Tenant), IssuerName: st.Name(), StatusURL: h.StatusListURL(a.Tenant),
					Salt: base64.RawURLEncoding.EncodeToString(salt), IssuedBy: a.PersonID}
				var err error
				events, err = decide(r, p, b, now)
				return err
			})
			return events, err
		})
}

func (h *Handler) RevokeBadge(ctx context.Context, call Call, cmd RevokeBadge) (Result, error) {
	if err := validActor(call.Actor); err != nil {
		return Result{}, err
	}
	if !domain.ValidID(call.Actor.Tenant) || !domain.ValidUUID(cmd.BadgeID) {
		return Result{}, notFoundBadge(cmd.BadgeID)
	}
	a := call.Actor
	return h.update(ctx, call, a.Tenant, domain.BadgesStream(a.Tenant), func() aggregate { return domain.NewBadgeRegistry(a.Tenant) }, cmd, true,
		func(s aggregate) ([]domain.Event, error) {
			r := s.(*domain.BadgeRegistry)
			b, ok := r.Badge(cmd.BadgeID)
			if !ok {
				return nil, notFoundBadge(cmd.BadgeID)
			}
			if err := h.withPortfolio(ctx, a, b.Portfolio, func(p *domain.Portfolio, st *domain.Structure, now time.Time) error {
				return authorizeBadge(a, st, p, actRevokeBadge, cmd.BadgeID, now)
			}); err != nil {
				return nil, err
			}
			return r.RevokeBadge(cmd.BadgeID, cmd.Reason, a.PersonID, h.now())
		})
}

// authorizeBadge decides on a badge of portfolio p as authorize does, a
// badge that the actor may not know of being reported as not found.
func authorizeBadge(a domain.Actor, st *domain.Structure, p *domain.Portfolio, act action, id string, now time.Time) error {
	err := authorize(a, st, p, act, nil, "", now)
	if de, ok := err.(*domain.Error); ok && de.Kind == domain.KindNotFound {
		return notFoundBadge(id)
	}
	return err
}

func notFoundBadge(id string) error {
	return &domain.Error{Kind: domain.KindNotFound, Field: "badge", Reason: "no badge " + id}
}

// withBadges runs fn on the current state of tenant's badges, holding
// their lock.
func (h *Handler) withBadges(ctx context.Context, tenant string, fn func(*domain.BadgeRegistry) error) error {
	if !domain.ValidID(tenant) {
		return &domain.Error{Kind: domain.KindNotFound, Field: "structure", Reason: "no structure " + tenant}
	}
	stream := domain.BadgesStream(tenant)
	e := h.cache.get(stream, func() *entry { return &entry{state: domain.NewBadgeRegistry(tenant), idem: map[string]idemRecord{}} })
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := h.catchUp(ctx, e, stream); err != nil {
		h.cache.drop(stream)
		return err
	}
	return fn(e.state.(*domain.BadgeRegistry))
}

// IssuerKey is a structure's issuer key (created on first use).
func (h *Handler) IssuerKey(ctx context.Context, tenant string) (ed25519.PrivateKey, error) {
	return h.ring.SigningKey(ctx, issuerSubject(tenant))
}

// AwardOf is the award a badge records, as the badges package builds it.
func AwardOf(b domain.Badge) badges.Award {
	x := b.Achievement
	ach := badges.Achievement{Name: x.Name, Description: x.Description, Criteria: x.Criteria,
		RNCPCode: x.RNCPCode, BlockCode: x.BlockCode, CertTitle: x.CertTitle, ID: "urn:parcours:achievement:" + b.ID}
	if b.Source == domain.BadgeVAEBlock {
		ach.ID = "urn:parcours:rncp:" + x.RNCPCode + ":" + x.BlockCode
	}
	return badges.Award{ID: b.ID, IssuerURL: b.IssuerURL, IssuerName: b.IssuerName, Recipient: b.Recipient, Salt: b.Salt,
		Achievement: ach, StatusListURL: b.StatusURL, StatusIndex: b.StatusIndex, IssuedAt: b.IssuedAt}
}

// issueValidatedBlock issues the badge of a block the jury validated,
// once the decision is recorded. The decision stands whatever happens
// here: a failure is logged, and IssueBlockBadge issues it later (the
// badge's ID is named by the block, so nothing is issued twice).
func (h *Handler) issueValidatedBlock(ctx context.Context, call Call, cmd RecordJuryDecision) {
	call.IfRevision = nil // it named the portfolio's revision, not the badges'
	if _, err := h.IssueBlockBadge(ctx, call, IssueBlockBadge{PortfolioID: cmd.PortfolioID, DossierID: cmd.DossierID, Block: cmd.Block}); err != nil {
		h.log.Error("issue the badge of a validated block", "portfolio", cmd.PortfolioID, "dossier", cmd.DossierID, "block", cmd.Block, "err", err)
	}
}
