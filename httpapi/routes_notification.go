package httpapi

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/notify"
	"github.com/parcours/parcours/projections"
)

// UnsubscribeResult answers a one-click unsubscription.
type UnsubscribeResult struct {
	Unsubscribed bool `json:"unsubscribed"`
}

func (s *Server) notificationRoutes() []route {
	h := s.deps.Commands
	const tag = "notifications"
	return []route{
		{Method: "GET", Pattern: "/v1/me/notifications", ID: "listNotifications", Summary: "The caller's notification centre, the latest first, with the unread count (ETag: the last notification and the read marker)", Tag: tag,
			Description: "The latest notifications, or those before the number `before`; `before` in the answer is the cursor of the older page. A notification names who caused it and what it is about, never their text.",
			Query:       []string{"before", "limit"}, Response: projections.NotificationCentre{}, Status: http.StatusOK, Handle: s.listNotifications},
		command(s, "POST", "/v1/me/notifications/read", "markNotificationsRead", "Mark the caller's notifications read up to a number", tag,
			func(*http.Request, *commands.MarkNotificationsRead) {}, h.MarkNotificationsRead),
		{Method: "GET", Pattern: "/v1/me/notification-preferences", ID: "getNotificationPreferences", Summary: "The caller's choice, per kind, of notifications in the app and by e-mail", Tag: tag,
			Response: projections.NotificationPreferences{}, Status: http.StatusOK, Handle: s.notificationPreferences},
		command(s, "PUT", "/v1/me/notification-preferences", "setNotificationPreferences", "Switch kinds of notifications on or off, in the app and by e-mail (the kinds not named keep their choice)", tag,
			func(*http.Request, *commands.SetNotificationPreferences) {}, h.SetNotificationPreferences),
		command(s, "PUT", "/v1/structures/{structureID}/inactivity", "setInactivityPeriod", "After how many days without activity a beneficiary's counsellors are told and the beneficiary reminded (0: never)", "structures",
			func(r *http.Request, c *commands.SetInactivityPeriod) { c.StructureID = param(r, "structureID") }, h.SetInactivityPeriod),
		{Method: "POST", Pattern: "/v1/unsubscribe/{token}", ID: "unsubscribe", Summary: "One-click unsubscription (RFC 8058) with the token of a digest's List-Unsubscribe link: no more e-mail", Tag: tag,
			Public: true, Response: UnsubscribeResult{}, Status: http.StatusOK, Handle: s.unsubscribe},
	}
}

func (s *Server) listNotifications(w http.ResponseWriter, r *http.Request) error {
	a, _ := actorFrom(r.Context())
	before, limit, err := notificationParams(r)
	if err != nil {
		return err
	}
	if err := s.deps.Commands.OpenNotifications(r.Context(), a); err != nil {
		return err
	}
	c, err := s.deps.Queries.Notifications(r.Context(), a.PersonID, before, limit)
	if err != nil {
		return err
	}
	etag := fmt.Sprintf(`"%d.%d"`, c.Last, c.ReadUpTo)
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) notificationPreferences(w http.ResponseWriter, r *http.Request) error {
	a, _ := actorFrom(r.Context())
	if err := s.deps.Commands.OpenNotifications(r.Context(), a); err != nil {
		return err
	}
	p, _, err := s.deps.Queries.NotificationSettings(r.Context(), a.PersonID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) unsubscribe(w http.ResponseWriter, r *http.Request) error {
	a, err := unsubscriber(r, s.deps.Queries, param(r, "token"))
	if err != nil {
		return err
	}
	if _, err := s.deps.Commands.UnsubscribeEmail(r.Context(), commands.Call{Actor: a}); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, UnsubscribeResult{Unsubscribed: true})
	return nil
}

// unsubscriber returns the person an unsubscribe token names; a token
// of the wrong shape, or unknown, is not found.
func unsubscriber(r *http.Request, q *projections.Queries, token string) (domain.Actor, error) {
	if !notify.ValidToken(token) {
		return domain.Actor{}, &domain.Error{Kind: domain.KindNotFound, Field: "token", Reason: "no such unsubscribe link"}
	}
	a, found, err := q.UnsubscribeTokenActor(r.Context(), notify.HashToken(token))
	if err != nil {
		return a, err
	}
	if !found {
		return a, &domain.Error{Kind: domain.KindNotFound, Field: "token", Reason: "no such unsubscribe link"}
	}
	return a, nil
}

// notificationParams reads "before" (a notification number) and "limit"
// (1 to projections.MaxNotificationPage, default 30).
func notificationParams(r *http.Request) (before uint64, limit int, err error) {
	limit = 30
	if v := r.URL.Query().Get("before"); v != "" {
		if before, err = strconv.ParseUint(v, 10, 64); err != nil || before == 0 {
			return 0, 0, invalidParam("before", "must be the before value of a previous page")
		}
	}
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > projections.MaxNotificationPage {
			return 0, 0, invalidParam("limit", "must be from 1 to "+strconv.Itoa(projections.MaxNotificationPage))
		}
		limit = n
	}
	return before, limit, nil
}
