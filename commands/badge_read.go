package commands

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"time"

	"github.com/parcours/parcours/badges"
	"github.com/parcours/parcours/domain"
)

// PortfolioBadges returns the badges of a portfolio, for its owner, their
// assigned counsellors and their structure's admins.
func (h *Handler) PortfolioBadges(ctx context.Context, a domain.Actor, portfolio string) ([]domain.Badge, error) {
	if err := h.withPortfolio(ctx, a, portfolio, func(p *domain.Portfolio, st *domain.Structure, now time.Time) error {
		return authorize(a, st, p, actReadBadges, nil, "", now)
	}); err != nil {
		return nil, err
	}
	var out []domain.Badge
	err := h.withBadges(ctx, a.Tenant, func(r *domain.BadgeRegistry) error {
		out = r.OfPortfolio(portfolio)
		return nil
	})
	return out, err
}

// PublishedBadges returns the badges of a portfolio that are not
// revoked, for a page its owner published (the caller has checked the
// page's link).
func (h *Handler) PublishedBadges(ctx context.Context, tenant, portfolio string) ([]domain.Badge, error) {
	var out []domain.Badge
	err := h.withBadges(ctx, tenant, func(r *domain.BadgeRegistry) error {
		for _, b := range r.OfPortfolio(portfolio) {
			if !b.Revoked {
				out = append(out, b)
			}
		}
		return nil
	})
	return out, err
}

// BadgeCredential returns a badge and its signed credential, for those
// PortfolioBadges lets read it.
func (h *Handler) BadgeCredential(ctx context.Context, a domain.Actor, id string) (domain.Badge, []byte, error) {
	if err := validActor(a); err != nil {
		return domain.Badge{}, nil, err
	}
	if !domain.ValidID(a.Tenant) || !domain.ValidUUID(id) {
		return domain.Badge{}, nil, notFoundBadge(id)
	}
	var b domain.Badge
	var ok bool
	if err := h.withBadges(ctx, a.Tenant, func(r *domain.BadgeRegistry) error {
		b, ok = r.Badge(id)
		return nil
	}); err != nil {
		return domain.Badge{}, nil, err
	}
	if !ok {
		return domain.Badge{}, nil, notFoundBadge(id)
	}
	if err := h.withPortfolio(ctx, a, b.Portfolio, func(p *domain.Portfolio, st *domain.Structure, now time.Time) error {
		return authorizeBadge(a, st, p, actReadBadges, id, now)
	}); err != nil {
		return domain.Badge{}, nil, err
	}
	raw, err := h.SignBadge(ctx, a.Tenant, b)
	return b, raw, err
}

// SignBadge builds a badge of structure tenant as its credential, signed
// with the structure's issuer key. The same badge always gives the same
// bytes.
func (h *Handler) SignBadge(ctx context.Context, tenant string, b domain.Badge) ([]byte, error) {
	key, err := h.IssuerKey(ctx, tenant)
	if err != nil {
		return nil, err
	}
	raw, err := AwardOf(b).Credential(key)
	if err != nil {
		return nil, fmt.Errorf("badge %s: %w", b.ID, err)
	}
	return raw, nil
}

// IssuerProfile is a structure's issuer profile (public).
func (h *Handler) IssuerProfile(ctx context.Context, tenant string) ([]byte, error) {
	name, err := h.structureName(ctx, tenant)
	if err != nil {
		return nil, err
	}
	key, err := h.IssuerKey(ctx, tenant)
	if err != nil {
		return nil, err
	}
	return badges.Profile(h.IssuerURL(tenant), name, key.Public().(ed25519.PublicKey))
}

// StatusList is a structure's revocation list as a signed
// BitstringStatusListCredential (public), and the time of its last
// change.
func (h *Handler) StatusList(ctx context.Context, tenant string) ([]byte, time.Time, error) {
	if _, err := h.structureName(ctx, tenant); err != nil {
		return nil, time.Time{}, err
	}
	bits := badges.NewBitstring()
	var updated time.Time
	if err := h.withBadges(ctx, tenant, func(r *domain.BadgeRegistry) error {
		var revoked []int
		revoked, updated = r.Revoked()
		for _, i := range revoked {
			bits.Set(i)
		}
		return nil
	}); err != nil {
		return nil, time.Time{}, err
	}
	if updated.IsZero() {
		updated = time.Unix(0, 0).UTC()
	}
	key, err := h.IssuerKey(ctx, tenant)
	if err != nil {
		return nil, time.Time{}, err
	}
	raw, err := badges.StatusList{URL: h.StatusListURL(tenant), IssuerURL: h.IssuerURL(tenant), Bits: bits, Updated: updated}.Credential(key)
	return raw, updated, err
}

func (h *Handler) structureName(ctx context.Context, tenant string) (string, error) {
	if !domain.ValidID(tenant) {
		return "", &domain.Error{Kind: domain.KindNotFound, Field: "structure", Reason: "no structure " + tenant}
	}
	var name string
	err := h.withStructure(ctx, tenant, func(st *domain.Structure) error {
		if !st.Exists() {
			return &domain.Error{Kind: domain.KindNotFound, Field: "structure", Reason: "no structure " + tenant}
		}
		name = st.Name()
		return nil
	})
	return name, err
}

// PublishedBadgesOf is PublishedBadges for a portfolio known by its ID
// alone (a published page knows no tenant): its structure is the
// portfolio's.
func (h *Handler) PublishedBadgesOf(ctx context.Context, portfolio string) (string, []domain.Badge, error) {
	tenant, err := h.portfolioTenant(ctx, portfolio)
	if err != nil {
		return "", nil, err
	}
	bs, err := h.PublishedBadges(ctx, tenant, portfolio)
	return tenant, bs, err
}

// CheckedBadge is a badge with its credential and the verdict of
// verifying it now against its structure's key and status list.
type CheckedBadge struct {
	domain.Badge
	Credential []byte
	Verified   badges.Verified
	Refusal    error // nil: the credential verifies and is not revoked
}

// PublishedCredential is a badge shown on a page portfolio published (not
// revoked when the page was drawn), checked now.
func (h *Handler) PublishedCredential(ctx context.Context, portfolio, id string) (CheckedBadge, error) {
	tenant, err := h.portfolioTenant(ctx, portfolio)
	if err != nil {
		return CheckedBadge{}, err
	}
	var b domain.Badge
	var ok bool
	if err := h.withBadges(ctx, tenant, func(r *domain.BadgeRegistry) error {
		b, ok = r.Badge(id)
		ok = ok && b.Portfolio == portfolio
		return nil
	}); err != nil {
		return CheckedBadge{}, err
	}
	if !ok {
		return CheckedBadge{}, notFoundBadge(id)
	}
	c := CheckedBadge{Badge: b}
	if c.Credential, err = h.SignBadge(ctx, tenant, b); err != nil {
		return c, err
	}
	key, err := h.IssuerKey(ctx, tenant)
	if err != nil {
		return c, err
	}
	list, _, err := h.StatusList(ctx, tenant)
	if err != nil {
		return c, err
	}
	c.Verified, c.Refusal = badges.VerifyCredential(c.Credential, badges.VerifyOptions{IssuerKey: key.Public().(ed25519.PublicKey), StatusList: list, Now: h.now()})
	return c, nil
}

// portfolioTenant is the structure of portfolio id.
func (h *Handler) portfolioTenant(ctx context.Context, id string) (string, error) {
	if !domain.ValidID(id) {
		return "", &domain.Error{Kind: domain.KindNotFound, Field: "portfolio", Reason: "no portfolio " + id}
	}
	stream := domain.PortfolioStream(id)
	e := h.cache.get(stream, func() *entry { return &entry{state: domain.NewPortfolio(id), idem: map[string]idemRecord{}} })
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := h.catchUp(ctx, e, stream); err != nil {
		h.cache.drop(stream)
		return "", err
	}
	p := e.state.(*domain.Portfolio)
	if !p.Exists() {
		return "", &domain.Error{Kind: domain.KindNotFound, Field: "portfolio", Reason: "no portfolio " + id}
	}
	return p.Tenant(), nil
}
