package domain

import (
	"slices"
	"time"
)

// BadgeSource tells what a badge recognises: a competence block a VAE
// jury validated, or another achievement a counsellor recognised.
type BadgeSource string

const (
	BadgeVAEBlock BadgeSource = "vae_block"
	BadgeOther    BadgeSource = "achievement"
)

// MaxBadges bounds the badges of one structure: the entries of its
// revocation list (a Bitstring Status List of 131072 entries, the
// specification's minimum size).
const MaxBadges = 131072

// BadgesStream names the stream of a structure's badges. It is named
// under the structure's (as conversations are), so read models that
// follow the structure follow it too.
func BadgesStream(tenant string) string { return StructureStream(tenant) + ".badges" }

// BadgeFacts are what a badge states, as BadgeIssued records them: the
// signed credential is built again from them on each download.
type BadgeFacts struct {
	ID          string           `json:"badge_id"` // a UUID
	Portfolio   string           `json:"portfolio"`
	Recipient   string           `json:"recipient"` // the portfolio's owner
	Salt        string           `json:"salt"`
	Source      BadgeSource      `json:"source"`
	Achievement BadgeAchievement `json:"achievement"`
	StatusIndex int              `json:"status_index"`
	IssuerURL   string           `json:"issuer_url"`
	IssuerName  string           `json:"issuer_name"`
	StatusURL   string           `json:"status_url"`
	IssuedBy    string           `json:"issued_by"`
	IssuedAt    time.Time        `json:"issued_at"`
}

// Badge is one Open Badges credential a structure issued, and whether it
// was revoked since.
type Badge struct {
	BadgeFacts
	Revoked   bool
	RevokedAt time.Time
}

// BadgeAchievement is what a badge recognises. For a VAE block, Dossier,
// RNCPCode and BlockCode name it; Name is the block's title.
type BadgeAchievement struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Criteria    string `json:"criteria"`
	Dossier     string `json:"dossier,omitempty"`
	RNCPCode    string `json:"rncp_code,omitempty"`
	BlockCode   string `json:"block_code,omitempty"`
	CertTitle   string `json:"cert_title,omitempty"`
}

// BadgeRegistry is the badges of one structure and its revocation list.
type BadgeRegistry struct {
	tenant  string
	badges  map[string]*Badge
	order   []string            // badge IDs in the order issued
	byBlock map[string]string   // portfolio, dossier and block → badge ID
	byOwner map[string][]string // portfolio → badge IDs
	updated time.Time           // last issue or revocation
}

// NewBadgeRegistry returns the empty registry of structure tenant.
func NewBadgeRegistry(tenant string) *BadgeRegistry {
	return &BadgeRegistry{tenant: tenant, badges: map[string]*Badge{}, byBlock: map[string]string{}, byOwner: map[string][]string{}}
}

func blockKey(portfolio, dossier, block string) string {
	return portfolio + "\x00" + dossier + "\x00" + block
}

// Badge returns a badge by ID.
func (r *BadgeRegistry) Badge(id string) (Badge, bool) {
	b, ok := r.badges[id]
	if !ok {
		return Badge{}, false
	}
	return *b, true
}

// OfPortfolio returns a portfolio's badges, in the order issued.
func (r *BadgeRegistry) OfPortfolio(portfolio string) []Badge {
	ids := r.byOwner[portfolio]
	out := make([]Badge, 0, len(ids))
	for _, id := range ids {
		out = append(out, *r.badges[id])
	}
	return out
}

// ForBlock returns the badge of a validated block, if issued.
func (r *BadgeRegistry) ForBlock(portfolio, dossier, block string) (Badge, bool) {
	return r.Badge(r.byBlock[blockKey(portfolio, dossier, block)])
}

// Revoked returns the status indexes of the revoked badges, and the time
// of the last change to the list.
func (r *BadgeRegistry) Revoked() ([]int, time.Time) {
	var out []int
	for _, id := range r.order {
		if b := r.badges[id]; b.Revoked {
			out = append(out, b.StatusIndex)
		}
	}
	slices.Sort(out)
	return out, r.updated
}

// Count is the number of badges issued.
func (r *BadgeRegistry) Count() int { return len(r.order) }

// ValidUUID reports whether s is a UUID in its canonical text form.
func ValidUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f':
		default:
			return false
		}
	}
	return true
}
