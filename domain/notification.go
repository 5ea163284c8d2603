package domain

import (
	"strings"
	"time"
)

// NotificationKind is what a notification is about. Each kind can be
// switched off by the person, in the app and by e-mail apart.
type NotificationKind string

const (
	NotifyMessage        NotificationKind = "message"              // a new message in one of their conversations
	NotifyComment        NotificationKind = "comment"              // a comment on their portfolio
	NotifyActionDue      NotificationKind = "action_due"           // an action of theirs falls due (the actions feature raises it)
	NotifyAppointment    NotificationKind = "appointment_tomorrow" // an appointment tomorrow (the appointments feature raises it)
	NotifyShareViewed    NotificationKind = "share_viewed"         // a page they shared was opened
	NotifyDossierDecided NotificationKind = "dossier_decision"     // a decision on their VAE dossier
	NotifyInactive       NotificationKind = "inactive_beneficiary" // a counsellor's: a beneficiary has done nothing for N days
	NotifyReminder       NotificationKind = "reminder"             // a beneficiary's gentle reminder after N days without activity
)

// NotificationKinds lists every kind, in the order pages show them.
func NotificationKinds() []NotificationKind {
	return []NotificationKind{NotifyMessage, NotifyComment, NotifyActionDue, NotifyAppointment,
		NotifyShareViewed, NotifyDossierDecided, NotifyInactive, NotifyReminder}
}

// Valid reports whether k is a kind of notification.
func (k NotificationKind) Valid() bool {
	for _, v := range NotificationKinds() {
		if k == v {
			return true
		}
	}
	return false
}

// NotificationChannels is a person's choice for one kind: shown in the
// app, sent in the e-mail digest.
type NotificationChannels struct {
	InApp bool `json:"in_app"`
	Email bool `json:"email"`
}

// DefaultChannels is what a person gets before choosing: every kind in
// the app and by e-mail.
func DefaultChannels() NotificationChannels { return NotificationChannels{InApp: true, Email: true} }

// MaxInactivityDays bounds a structure's inactivity period.
const MaxInactivityDays = 365

// NotifyStream names the stream of a person's notification settings in
// structure tenant: their preferences, what they have read, the
// inactivity notices about them. It is named under the structure's
// ("structure-TENANT.notify-PERSON"), so read models follow it.
func NotifyStream(tenant, person string) string {
	return StructureStream(tenant) + ".notify-" + person
}

// NotifyOfStream returns the tenant and person of a notification-settings
// stream.
func NotifyOfStream(stream string) (tenant, person string, ok bool) {
	rest, ok := strings.CutPrefix(stream, "structure-")
	if !ok {
		return "", "", false
	}
	tenant, person, ok = strings.Cut(rest, ".notify-")
	return tenant, person, ok && ValidID(tenant) && ValidID(person)
}

// NotifySettings is one person's notification settings.
type NotifySettings struct {
	person       string
	exists       bool
	channels     map[NotificationKind]NotificationChannels
	unsubscribed bool // no e-mail at all, by the one-click link
	readUpTo     uint64
	noticedAt    time.Time // the last inactivity notice
	noticedSince time.Time // the last activity that notice was about
}

// NewNotifySettings returns the settings of person before any event.
func NewNotifySettings(person string) *NotifySettings {
	return &NotifySettings{person: person, channels: map[NotificationKind]NotificationChannels{}}
}

func (s *NotifySettings) Person() string       { return s.person }
func (s *NotifySettings) Unsubscribed() bool   { return s.unsubscribed }
func (s *NotifySettings) ReadUpTo() uint64     { return s.readUpTo }
func (s *NotifySettings) NoticedAt() time.Time { return s.noticedAt }

// Channels returns the person's choice for kind.
func (s *NotifySettings) Channels(k NotificationKind) NotificationChannels {
	if c, ok := s.channels[k]; ok {
		return c
	}
	return DefaultChannels()
}

// Apply evolves the settings by one event; it never fails.
func (s *NotifySettings) Apply(e Event) {
	if ne, ok := e.(notifyEvent); ok {
		s.exists = true
		ne.applyToNotify(s)
	}
}

type notifyEvent interface {
	Event
	applyToNotify(*NotifySettings)
}
