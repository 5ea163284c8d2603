package httpapi

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/projections"
)

// Lists of log entries, with the cursor of the next page.
type (
	TimelinePage struct {
		Entries []projections.TimelineEntry `json:"entries"`
		Next    string                      `json:"next,omitempty"`
	}
	AuditPage struct {
		Entries []projections.AuditEntry `json:"entries"`
		Next    string                   `json:"next,omitempty"`
	}
)

func (s *Server) readModelRoutes() []route {
	return []route{
		{Method: "GET", Pattern: pp + "/cvs/{cvID}", ID: "getCV", Summary: "A CV as it is shown, resolved from its selection", Tag: "read models",
			Response: projections.CVView{}, Status: http.StatusOK, Handle: s.getCV},
		{Method: "GET", Pattern: pp + "/timeline", ID: "getTimeline", Summary: "The progress timeline in words (French or English)", Tag: "read models",
			Query: []string{"lang", "cursor", "limit"}, Response: TimelinePage{}, Status: http.StatusOK, Handle: s.getTimeline},
		{Method: "GET", Pattern: pp + "/audit-trail", ID: "getAuditTrail", Summary: "Every event with actor, role, time and hash", Tag: "read models",
			Query: []string{"cursor", "limit"}, Response: AuditPage{}, Status: http.StatusOK, Handle: s.getAuditTrail},
		{Method: "GET", Pattern: pp + "/dossiers/{dossierID}", ID: "getDossier", Summary: "A VAE dossier: blocks, competences, evidence with hashes, attestations, decisions, completeness", Tag: "read models",
			Response: projections.DossierView{}, Status: http.StatusOK, Handle: s.getDossier},
		{Method: "GET", Pattern: "/v1/counsellors/{counsellorID}/dashboard", ID: "getDashboard", Summary: "A counsellor's caseload (the counsellor themself)", Tag: "read models",
			Query: []string{"inactive_days"}, Response: projections.CounsellorDashboard{}, Status: http.StatusOK, Handle: s.getDashboard},
		{Method: "GET", Pattern: "/v1/structures/{structureID}/overview", ID: "getStructureOverview", Summary: "Seats used and free, active beneficiaries, counsellor load", Tag: "read models",
			Response: projections.StructureOverview{}, Status: http.StatusOK, Handle: s.getOverview},
		{Method: "GET", Pattern: "/v1/pages/{token}", ID: "getPublishedPage", Summary: "A published page, by its share link's token (public while the link is valid; 410 once revoked or expired)", Tag: "read models",
			Public: true, Response: projections.PublishedPage{}, Status: http.StatusOK, Handle: s.getPublishedPage},
	}
}

func (s *Server) getCV(w http.ResponseWriter, r *http.Request) error {
	a, _ := actorFrom(r.Context())
	if err := s.deps.Commands.AuthorizeRead(r.Context(), a, pid(r), commands.ReadWhole, ""); err != nil {
		return err
	}
	cv, found, err := s.deps.Queries.CV(r.Context(), pid(r), param(r, "cvID"))
	if err != nil {
		return err
	}
	if !found {
		return notFound("cv", "no CV "+param(r, "cvID"))
	}
	writeJSON(w, http.StatusOK, cv)
	return nil
}

func (s *Server) getTimeline(w http.ResponseWriter, r *http.Request) error {
	a, _ := actorFrom(r.Context())
	if err := s.deps.Commands.AuthorizeRead(r.Context(), a, pid(r), commands.ReadWhole, ""); err != nil {
		return err
	}
	cursor, limit, err := pageParams(r)
	if err != nil {
		return err
	}
	entries, next, err := s.deps.Queries.Timeline(r.Context(), pid(r), r.URL.Query().Get("lang"), cursor, limit)
	if err != nil {
		return err
	}
	out := TimelinePage{Entries: append([]projections.TimelineEntry{}, entries...)}
	if len(entries) == limit {
		out.Next = strconv.FormatInt(next, 10)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) getAuditTrail(w http.ResponseWriter, r *http.Request) error {
	a, _ := actorFrom(r.Context())
	if err := s.deps.Commands.AuthorizeRead(r.Context(), a, pid(r), commands.ReadTrail, ""); err != nil {
		return err
	}
	cursor, limit, err := pageParams(r)
	if err != nil {
		return err
	}
	entries, next, err := s.deps.Queries.AuditTrail(r.Context(), pid(r), cursor, limit)
	if err != nil {
		return err
	}
	out := AuditPage{Entries: append([]projections.AuditEntry{}, entries...)}
	if len(entries) == limit {
		out.Next = strconv.FormatInt(next, 10)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) getDossier(w http.ResponseWriter, r *http.Request) error {
	a, _ := actorFrom(r.Context())
	d := param(r, "dossierID")
	if err := s.deps.Commands.AuthorizeRead(r.Context(), a, pid(r), commands.ReadDossier, d); err != nil {
		return err
	}
	view, found, err := s.deps.Queries.Dossier(r.Context(), pid(r), d)
	if err != nil {
		return err
	}
	if !found {
		return notFound("dossier", "no dossier "+d)
	}
	writeJSON(w, http.StatusOK, view)
	return nil
}

func (s *Server) getDashboard(w http.ResponseWriter, r *http.Request) error {
	a, _ := actorFrom(r.Context())
	if a.Role != domain.RoleCounsellor || a.PersonID != param(r, "counsellorID") {
		return notFound("counsellor", "no dashboard here")
	}
	days := 14
	if v := r.URL.Query().Get("inactive_days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 365 {
			return invalidParam("inactive_days", "must be a number of days from 1 to 365")
		}
		days = n
	}
	d, err := s.deps.Queries.Dashboard(r.Context(), a.PersonID, time.Now(), time.Duration(days)*24*time.Hour)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) getOverview(w http.ResponseWriter, r *http.Request) error {
	a, _ := actorFrom(r.Context())
	id := param(r, "structureID")
	if a.Role != domain.RoleOperator && (a.Tenant != id || a.Role != domain.RoleStructureAdmin) {
		if a.Tenant == id {
			return &domain.Error{Kind: domain.KindForbidden, Reason: "only the structure's admins see its overview"}
		}
		return notFound("structure", "no structure "+id)
	}
	if a.Role == domain.RoleStructureAdmin {
		if ok, err := s.deps.Commands.IsMember(r.Context(), id, a.PersonID, a.Role); err != nil || !ok {
			return errors.Join(err, &domain.Error{Kind: domain.KindForbidden, Reason: "not an active admin of this structure"})
		}
	}
	o, found, err := s.deps.Queries.StructureOverview(r.Context(), id)
	if err != nil {
		return err
	}
	if !found {
		return notFound("structure", "no structure "+id)
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

func (s *Server) getPublishedPage(w http.ResponseWriter, r *http.Request) error {
	token, now := param(r, "token"), time.Now()
	var version uint64
	v, cacheable := s.deps.Waiter.(Versioner)
	cacheable = cacheable && s.pages != nil
	if cacheable {
		version = v.Version()
	}
	page, ok := s.pages.get(token, version, now)
	var err error
	if !cacheable || !ok {
		page, err = s.deps.Queries.RecruiterPage(r.Context(), token, now)
		if err == nil && cacheable {
			s.pages.put(token, page, version, now)
		}
	}
	switch {
	case errors.Is(err, projections.ErrPageGone):
		return errStatus(http.StatusGone, "page-gone", "Link no longer valid", "the person who shared this page revoked the link, or it expired")
	case errors.Is(err, projections.ErrPageNotFound):
		return notFound("token", "no page has this link")
	case err != nil:
		return err
	}
	if err := s.deps.Queries.RecordView(r.Context(), page.TokenHash); err != nil {
		s.log.WarnContext(r.Context(), "count a page view", "err", err)
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Cache-Control", "private, no-store")
	if !page.Public {
		w.Header().Set("X-Robots-Tag", "noindex, nofollow")
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

func notFound(field, detail string) error {
	return &domain.Error{Kind: domain.KindNotFound, Field: field, Reason: detail}
}

func invalidParam(field, detail string) error {
	return &domain.Error{Kind: domain.KindInvalid, Field: field, Reason: detail}
}

// pageParams reads ?cursor= and ?limit= (default 100, at most 1000).
func pageParams(r *http.Request) (int64, int, error) {
	var cursor int64
	if v := r.URL.Query().Get("cursor"); v != "" {
		c, err := strconv.ParseInt(v, 10, 64)
		if err != nil || c < 0 {
			return 0, 0, invalidParam("cursor", "must be the next value of a previous page")
		}
		cursor = c
	}
	limit := 100
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return 0, 0, invalidParam("limit", "must be from 1 to 1000")
		}
		limit = n
	}
	return cursor, limit, nil
}
