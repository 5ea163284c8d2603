package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

// CredentialType is the media type of a verifiable credential (W3C VC
// Data Model 2.0).
const CredentialType = "application/vc"

// BadgeView is a badge as the API lists it.
type BadgeView struct {
	BadgeID     string                  `json:"badge_id"`
	Source      domain.BadgeSource      `json:"source"`
	Achievement domain.BadgeAchievement `json:"achievement"`
	IssuedAt    time.Time               `json:"issued_at"`
	IssuedBy    string                  `json:"issued_by"`
	Issuer      string                  `json:"issuer"`
	Revoked     bool                    `json:"revoked"`
	RevokedAt   *time.Time              `json:"revoked_at,omitempty"`
	Credential  string                  `json:"credential"` // where the signed credential downloads
}

// BadgeList is a portfolio's badges, in the order issued.
type BadgeList struct {
	Badges []BadgeView `json:"badges"`
}

func badgeView(b domain.Badge) BadgeView {
	v := BadgeView{BadgeID: b.ID, Source: b.Source, Achievement: b.Achievement, IssuedAt: b.IssuedAt, IssuedBy: b.IssuedBy,
		Issuer: b.IssuerURL, Revoked: b.Revoked, Credential: "/v1/badges/" + b.ID}
	if b.Revoked {
		at := b.RevokedAt
		v.RevokedAt = &at
	}
	return v
}

func (s *Server) badgeRoutes() []route {
	h := s.deps.Commands
	const tag = "badges"
	bid := func(r *http.Request) string { return param(r, "badgeID") }
	return []route{
		{Method: "GET", Pattern: pp + "/badges", ID: "listBadges", Summary: "The portfolio's Open Badges (owner, assigned counsellors, structure admins)", Tag: tag,
			Response: BadgeList{}, Status: http.StatusOK, Handle: s.listBadges},
		command(s, "POST", pp+"/badges", "issueAchievementBadge", "Issue an Open Badge for an achievement of the portfolio's owner (assigned counsellor); the answer's id is the badge's", tag,
			func(r *http.Request, c *commands.IssueAchievementBadge) { c.PortfolioID = pid(r) }, h.IssueAchievementBadge),
		command(s, "POST", pp+"/dossiers/{dossierID}/badges", "issueBlockBadge", "Issue the Open Badge of a block the jury validated (recording the validation issues it already; this is idempotent)", tag,
			func(r *http.Request, c *commands.IssueBlockBadge) {
				c.PortfolioID, c.DossierID = pid(r), param(r, "dossierID")
			}, h.IssueBlockBadge),
		{Method: "GET", Pattern: "/v1/badges/{badgeID}", ID: "getBadgeCredential", Summary: "A badge's signed Open Badges 3.0 credential (OpenBadgeCredential, eddsa-jcs-2022), to download", Tag: tag,
			Description: "The same badge always gives the same bytes (ETag). `parcours verify FILE` checks it offline.",
			Produces:    []string{CredentialType}, Status: http.StatusOK, Handle: s.getBadgeCredential},
		command(s, "POST", "/v1/badges/{badgeID}/revocation", "revokeBadge", "Revoke a badge: its entry in the structure's status list is set (assigned counsellor, structure admin)", tag,
			func(r *http.Request, c *commands.RevokeBadge) { c.BadgeID = bid(r) }, h.RevokeBadge),
		{Method: "GET", Pattern: "/v1/badges/issuers/{structureID}", ID: "getIssuerProfile", Summary: "A structure's issuer profile (public): its name and the key its badges are signed with", Tag: tag,
			Public: true, Produces: []string{"application/ld+json"}, Status: http.StatusOK, Handle: s.getIssuerProfile},
		{Method: "GET", Pattern: "/v1/badges/status/{structureID}", ID: "getBadgeStatusList", Summary: "A structure's revocation list (public): a signed BitstringStatusListCredential", Tag: tag,
			Public: true, Produces: []string{CredentialType}, Status: http.StatusOK, Handle: s.getStatusList},
	}
}

func (s *Server) listBadges(w http.ResponseWriter, r *http.Request) error {
	a, _ := actorFrom(r.Context())
	bs, err := s.deps.Commands.PortfolioBadges(r.Context(), a, pid(r))
	if err != nil {
		return err
	}
	out := BadgeList{Badges: make([]BadgeView, 0, len(bs))}
	for _, b := range bs {
		out.Badges = append(out.Badges, badgeView(b))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) getBadgeCredential(w http.ResponseWriter, r *http.Request) error {
	a, _ := actorFrom(r.Context())
	b, raw, err := s.deps.Commands.BadgeCredential(r.Context(), a, param(r, "badgeID"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", `attachment; filename="badge-`+b.ID+`.json"`)
	writeDocument(w, r, CredentialType, raw)
	return nil
}

func (s *Server) getIssuerProfile(w http.ResponseWriter, r *http.Request) error {
	raw, err := s.deps.Commands.IssuerProfile(r.Context(), param(r, "structureID"))
	if err != nil {
		return err
	}
	writeDocument(w, r, "application/ld+json", raw)
	return nil
}

func (s *Server) getStatusList(w http.ResponseWriter, r *http.Request) error {
	raw, _, err := s.deps.Commands.StatusList(r.Context(), param(r, "structureID"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "public, max-age=60")
	writeDocument(w, r, CredentialType, raw)
	return nil
}

// writeDocument answers a signed document with a strong ETag of its bytes
// (304 when If-None-Match names it).
func writeDocument(w http.ResponseWriter, r *http.Request, mediaType string, raw []byte) {
	sum := sha256.Sum256(raw)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", mediaType)
	w.WriteHeader(http.StatusOK)
	w.Write(raw)
}
