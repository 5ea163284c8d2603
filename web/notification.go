package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/notify"
	"github.com/parcours/parcours/projections"
)

// The notification centre (/notifications), for every member of a
// structure: the latest notifications with what is new, a button that
// marks them read, and the choice per kind (in the app, by e-mail); and
// the page of a digest's unsubscribe link (/unsubscribe/{token}), which a
// mail client may also POST to in one click (RFC 8058). Plain forms: no
// JavaScript needed.
func (s *Server) notificationPages(r chi.Router) {
	r.Get("/notifications", s.notificationCentre)
	r.Post("/notifications/read", s.notificationsRead)
	r.Post("/notifications/preferences", s.notificationPrefs)
	r.Get("/unsubscribe/{token}", s.unsubscribeForm)
	r.Post("/unsubscribe/{token}", s.unsubscribeNow)
}

// notePage is the data of notifications.html.
type notePage struct {
	Nav    []navLink // the beneficiary's menu; staff get Home
	Home   string
	Flash  string
	Unread string
	Items  []noteItem
	Older  string
	Last   uint64
	Kinds  []noteKind
	// Each form has its own idempotency key (one key names one command).
	IdemRead, IdemPrefs string
}

type noteItem struct {
	Text, When, Href string
	Unread           bool
}

type noteKind struct {
	Kind, Label  string
	InApp, Email bool
}

// member lets through anyone signed in who has a notification centre
// (not the operator), on a write from this site only.
func (s *Server) member(w http.ResponseWriter, r *http.Request) (domain.Actor, bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead && !s.sameOrigin(r) {
		s.refuseCrossSite(w, r)
		return domain.Actor{}, false
	}
	a, ok := s.who(r)
	if !ok {
		next := ""
		if r.Method == http.MethodGet {
			next = "?next=" + url.QueryEscape(r.URL.RequestURI())
		}
		http.Redirect(w, r, "/login"+next, http.StatusSeeOther)
		return a, false
	}
	w.Header().Set("Cache-Control", "private, no-store")
	return a, true
}

func (s *Server) notificationCentre(w http.ResponseWriter, r *http.Request) {
	a, ok := s.member(w, r)
	if !ok {
		return
	}
	l := language(r)
	if err := s.deps.Commands.OpenNotifications(r.Context(), a); err != nil {
		s.fail(w, r, err)
		return
	}
	before, _ := strconv.ParseUint(r.URL.Query().Get("before"), 10, 64)
	c, err := s.deps.Queries.Notifications(r.Context(), a.PersonID, before, 30)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	prefs, _, err := s.deps.Queries.NotificationSettings(r.Context(), a.PersonID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := notePage{Home: roleHome(a.Role), Last: c.Last, IdemRead: newKey(), IdemPrefs: newKey()}
	if a.Role == domain.RoleBeneficiary {
		v.Nav = s.base(r, "/notifications").Nav
	}
	if d := r.URL.Query().Get("done"); d == "read" || d == "saved" {
		v.Flash = words.T(l, "notif.done."+d)
	}
	if c.Unread > 0 {
		v.Unread = strconv.Itoa(c.Unread) + " " + words.T(l, plural(c.Unread, "notif.unread.one", "notif.unread.many"))
	}
	for _, n := range c.Notifications {
		v.Items = append(v.Items, noteItem{Text: noteText(l, n), Href: noteHref(a, n), Unread: n.Unread,
			When: day(l, n.At) + " " + n.At.UTC().Format("15:04")})
	}
	if c.Before > 0 {
		v.Older = "/notifications?before=" + strconv.FormatUint(c.Before, 10)
	}
	for _, k := range domain.NotificationKinds() {
		ch := prefs.Kinds[k]
		v.Kinds = append(v.Kinds, noteKind{Kind: string(k), Label: words.T(l, "notif.kind."+string(k)), InApp: ch.InApp, Email: ch.Email && !prefs.Unsubscribed})
	}
	p := s.page(r, "notif.title")
	p.Data, p.Noindex = v, true
	render(w, r, s.log, s.tpl, http.StatusOK, "notifications.html", p)
}

// noteText says what a notification is about, naming who caused it.
func noteText(l Lang, n projections.NotificationView) string {
	who := func(p *projections.PersonView) string {
		switch {
		case p == nil:
			return ""
		case p.Erased:
			return words.T(l, "talk.erased.person")
		}
		return p.Name
	}
	text := words.T(l, "notif.text."+string(n.Kind))
	switch n.Kind {
	case domain.NotifyMessage, domain.NotifyComment:
		text += " " + who(n.Actor)
	case domain.NotifyInactive:
		text = who(n.Portfolio) + " " + text
	}
	if n.Days > 0 {
		text += " (" + strconv.Itoa(n.Days) + " " + words.T(l, "notif.days") + ")"
	}
	return text
}

// noteHref is where a notification leads its reader.
func noteHref(a domain.Actor, n projections.NotificationView) string {
	pid := ""
	if n.Portfolio != nil {
		pid = url.PathEscape(n.Portfolio.ID)
	}
	switch {
	case a.Role == domain.RoleBeneficiary && n.Kind == domain.NotifyMessage:
		return "/me/conversation"
	case a.Role == domain.RoleBeneficiary:
		return "/me/portfolio"
	case a.Role == domain.RoleCounsellor && n.Kind == domain.NotifyMessage && pid != "":
		return "/counsellor/beneficiaries/" + pid + "/conversation"
	case a.Role == domain.RoleCounsellor && n.Kind == domain.NotifyMessage:
		return "/counsellor/conversations/" + url.PathEscape(n.Conversation)
	case a.Role == domain.RoleCounsellor && pid != "":
		return "/counsellor/beneficiaries/" + pid
	case a.Role == domain.RoleTutor && pid != "":
		return "/tutor/beneficiaries/" + pid
	}
	return roleHome(a.Role)
}

// memberPost starts a write of the notification centre: the member, the
// posted form, and the call with the form's idempotency key.
func (s *Server) memberPost(w http.ResponseWriter, r *http.Request) (commands.Call, bool) {
	a, ok := s.member(w, r)
	if !ok {
		return commands.Call{}, false
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, http.StatusBadRequest, words.T(language(r), "form.unreadable"), "")
		return commands.Call{}, false
	}
	call := commands.Call{Actor: a}
	if k := r.PostForm.Get("idem"); validKey(k) {
		call.IdempotencyKey = k
	}
	return call, true
}

func (s *Server) notificationsRead(w http.ResponseWriter, r *http.Request) {
	call, ok := s.memberPost(w, r)
	if !ok {
		return
	}
	upTo, err := strconv.ParseUint(r.PostForm.Get("up_to"), 10, 64)
	if err != nil || upTo == 0 {
		http.Redirect(w, r, "/notifications", http.StatusSeeOther) // nothing to mark
		return
	}
	res, err := s.deps.Commands.MarkNotificationsRead(r.Context(), call, commands.MarkNotificationsRead{UpTo: upTo})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.saved(w, r, res, "/notifications?done=read", projections.Notifications{}.Name())
}

func (s *Server) notificationPrefs(w http.ResponseWriter, r *http.Request) {
	call, ok := s.memberPost(w, r)
	if !ok {
		return
	}
	kinds := map[domain.NotificationKind]domain.NotificationChannels{}
	for _, k := range domain.NotificationKinds() {
		kinds[k] = domain.NotificationChannels{InApp: r.PostForm.Get("inapp-"+string(k)) == "on", Email: r.PostForm.Get("email-"+string(k)) == "on"}
	}
	res, err := s.deps.Commands.SetNotificationPreferences(r.Context(), call, commands.SetNotificationPreferences{Kinds: kinds})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.saved(w, r, res, "/notifications?done=saved#prefs", projections.Notifications{}.Name())
}

// unsubPage is the data of unsubscribe.html.
type unsubPage struct {
	Action string
	Done   bool
}

func (s *Server) unsubscribeForm(w http.ResponseWriter, r *http.Request) {
	if _, err := s.unsubscriber(r); err != nil {
		s.fail(w, r, err)
		return
	}
	s.showUnsubscribe(w, r, unsubPage{Action: r.URL.Path})
}

// unsubscribeNow unsubscribes the person the token names: from the
// page's button, or in one click from a mail client (RFC 8058: the token
// is the proof, no session is needed, so no cross-site check applies).
func (s *Server) unsubscribeNow(w http.ResponseWriter, r *http.Request) {
	a, err := s.unsubscriber(r)
	if err == nil {
		_, err = s.deps.Commands.UnsubscribeEmail(r.Context(), commands.Call{Actor: a})
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.showUnsubscribe(w, r, unsubPage{Done: true})
}

func (s *Server) unsubscriber(r *http.Request) (domain.Actor, error) {
	token := chi.URLParam(r, "token")
	notFound := &domain.Error{Kind: domain.KindNotFound, Field: "token", Reason: "no such unsubscribe link"}
	if !notify.ValidToken(token) {
		return domain.Actor{}, notFound
	}
	a, found, err := s.deps.Queries.UnsubscribeTokenActor(r.Context(), notify.HashToken(token))
	if err == nil && !found {
		err = notFound
	}
	return a, err
}

func (s *Server) showUnsubscribe(w http.ResponseWriter, r *http.Request, v unsubPage) {
	p := s.page(r, "notif.unsub.title")
	p.Data, p.Noindex = v, true
	w.Header().Set("Cache-Control", "no-store")
	render(w, r, s.log, s.tpl, http.StatusOK, "unsubscribe.html", p)
}

// unreadNotifications counts the logged-in person's unread notifications
// (0 if the read model cannot say: a menu never fails a page).
func (s *Server) unreadNotifications(r *http.Request) int {
	a, ok := s.who(r)
	if !ok || s.deps.Queries == nil {
		return 0
	}
	_, n, err := s.deps.Queries.NotificationSettings(r.Context(), a.PersonID)
	if err != nil {
		return 0
	}
	return n
}

// noteCountLabel is a menu label with its count of new notifications.
func noteCountLabel(label string, n int) string { return label + " (" + strconv.Itoa(n) + ")" }
