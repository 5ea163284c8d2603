package web

import (
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/parcours/parcours/badges"
	"github.com/parcours/parcours/domain"
)

// The badge pages: the beneficiary's badges at /me/badges (each
// credential downloads as JSON), and, on a page she published, each
// badge's verification at /p/{token}/badges/{id}, which recruiters reach
// from the page's "verify" links.
func (s *Server) badgePages(r chi.Router) {
	r.Get("/me/badges", s.meBadges)
	r.Get("/me/badges/{id}/download", s.meBadgeDownload)
	r.Get("/p/{token}/badges/{id}", s.verifyBadgePage)
	r.Get("/p/{token}/badges/{id}/download", s.publishedBadgeDownload)
	s.counsellorBadgePages(r)
}

// badgeItem is one badge as the pages draw it.
type badgeItem struct {
	ID, Title, Kind, Code, Issued, Issuer string
	Revoked                               bool
	Download, Verify                      string
}

func badgeItemOf(l Lang, b domain.Badge) badgeItem {
	v := badgeItem{ID: b.ID, Title: b.Achievement.Name, Issued: day(l, b.IssuedAt), Issuer: b.IssuerName, Revoked: b.Revoked, Kind: words.T(l, "badge.other")}
	if b.Source == domain.BadgeVAEBlock {
		v.Kind, v.Code = words.T(l, "badge.vae"), b.Achievement.RNCPCode+" · "+b.Achievement.BlockCode+" — "+b.Achievement.CertTitle
	}
	return v
}

type meBadgesPage struct {
	meBase
	Badges []badgeItem
}

func (s *Server) meBadges(w http.ResponseWriter, r *http.Request) {
	a, ok := s.beneficiary(w, r)
	if !ok {
		return
	}
	bs, err := s.deps.Commands.PortfolioBadges(r.Context(), a, a.PersonID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := language(r)
	v := meBadgesPage{meBase: s.base(r, "/me/badges")}
	for _, b := range bs {
		it := badgeItemOf(l, b)
		it.Download = "/me/badges/" + b.ID + "/download"
		v.Badges = append(v.Badges, it)
	}
	p := s.page(r, "badge.title")
	p.Noindex = true
	p.Data = v
	render(w, r, s.log, s.tpl, http.StatusOK, "me_badges.html", p)
}

func (s *Server) meBadgeDownload(w http.ResponseWriter, r *http.Request) {
	a, ok := s.beneficiary(w, r)
	if !ok {
		return
	}
	b, raw, err := s.deps.Commands.BadgeCredential(r.Context(), a, chi.URLParam(r, "id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sendCredential(w, b.ID, raw)
}

func sendCredential(w http.ResponseWriter, id string, raw []byte) {
	w.Header().Set("Content-Type", "application/vc")
	w.Header().Set("Content-Disposition", `attachment; filename="badge-`+id+`.json"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	w.Write(raw)
}

// publishedBadges are the badges a published page shows: its owner's
// badges that are not revoked, each with its verification link.
func (s *Server) publishedBadges(r *http.Request, portfolio, token string) []badgeItem {
	_, bs, err := s.deps.Commands.PublishedBadgesOf(r.Context(), portfolio)
	if err != nil {
		s.log.WarnContext(r.Context(), "badges of a published page", "err", err)
		return nil
	}
	l := language(r)
	var out []badgeItem
	for _, b := range bs {
		it := badgeItemOf(l, b)
		it.Verify = "/p/" + token + "/badges/" + b.ID
		out = append(out, it)
	}
	return out
}

type verifyPage struct {
	Badge                          badgeItem
	OK, Revoked                    bool
	Key, Profile, Status, Download string
	Back                           string
}

// verifyBadgePage checks a badge of a published page now, and says so;
// the credential downloads for the recruiter to check it themself.
func (s *Server) verifyBadgePage(w http.ResponseWriter, r *http.Request) {
	pp, ok := s.published(w, r)
	if !ok {
		return
	}
	token := chi.URLParam(r, "token")
	c, err := s.deps.Commands.PublishedCredential(r.Context(), pp.PortfolioID, chi.URLParam(r, "id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := language(r)
	v := verifyPage{Badge: badgeItemOf(l, c.Badge), OK: c.Refusal == nil, Revoked: errors.Is(c.Refusal, badges.ErrRevoked),
		Key: c.Verified.Key, Profile: c.IssuerURL, Status: c.StatusURL,
		Download: "/p/" + token + "/badges/" + c.ID + "/download", Back: "/p/" + token}
	p := s.page(r, "verify.title")
	p.Me = nil
	p.Noindex = true
	p.Data = v
	render(w, r, s.log, s.tpl, http.StatusOK, "badge_verify.html", p)
}

func (s *Server) publishedBadgeDownload(w http.ResponseWriter, r *http.Request) {
	pp, ok := s.published(w, r)
	if !ok {
		return
	}
	c, err := s.deps.Commands.PublishedCredential(r.Context(), pp.PortfolioID, chi.URLParam(r, "id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sendCredential(w, c.ID, c.Credential)
}
