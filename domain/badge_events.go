package domain

import "time"

// Badge events, on the structure's badges stream (BadgesStream).
type (
	// BadgeIssued records a badge: every fact its credential states.
	BadgeIssued struct {
		BadgeFacts
	}
	// BadgeRevoked sets the badge's entry in the revocation list.
	BadgeRevoked struct {
		BadgeID string    `json:"badge_id"`
		Reason  string    `json:"reason"`
		By      string    `json:"by"`
		At      time.Time `json:"at"`
	}
)

func (BadgeIssued) EventType() string  { return "BadgeIssued" }
func (BadgeRevoked) EventType() string { return "BadgeRevoked" }

// Apply evolves the registry; it never fails.
func (r *BadgeRegistry) Apply(e Event) {
	switch e := e.(type) {
	case *BadgeIssued:
		b := Badge{BadgeFacts: e.BadgeFacts}
		r.badges[b.ID] = &b
		r.order = append(r.order, b.ID)
		r.byOwner[b.Portfolio] = append(r.byOwner[b.Portfolio], b.ID)
		if b.Source == BadgeVAEBlock {
			r.byBlock[blockKey(b.Portfolio, b.Achievement.Dossier, b.Achievement.BlockCode)] = b.ID
		}
		r.updated = b.IssuedAt
	case *BadgeRevoked:
		if b := r.badges[e.BadgeID]; b != nil {
			b.Revoked, b.RevokedAt = true, e.At
		}
		r.updated = e.At
	}
}

var badgeEvents = []EventSpec{
	{Type: "BadgeIssued", Version: 1, New: func() Event { return &BadgeIssued{} }},
	{Type: "BadgeRevoked", Version: 1, New: func() Event { return &BadgeRevoked{} }},
}
