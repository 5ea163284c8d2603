package domain

import "time"

// Notification events, on a person's notification-settings stream
// (NotifyStream), and the structure's inactivity period on its own
// stream. None carries personal text.
type (
	// NotificationPreferencesSet records the person's choice for the
	// kinds named; the others keep theirs. Email true also undoes an
	// earlier one-click unsubscription.
	NotificationPreferencesSet struct {
		Person string                                    `json:"person"`
		Kinds  map[NotificationKind]NotificationChannels `json:"kinds"`
		At     time.Time                                 `json:"at"`
	}
	// EmailUnsubscribed: the person followed the one-click link of a
	// digest; no more e-mail until they switch a kind's e-mail back on.
	EmailUnsubscribed struct {
		Person string    `json:"person"`
		At     time.Time `json:"at"`
	}
	// NotificationsRead moves the person's read marker: they have seen
	// every notification up to number UpTo.
	NotificationsRead struct {
		Person string    `json:"person"`
		UpTo   uint64    `json:"up_to"`
		At     time.Time `json:"at"`
	}
	// InactivityNoticed: beneficiary Person has done nothing on their
	// portfolio since LastActive, Days or more; their counsellors are
	// told and they get a gentle reminder.
	InactivityNoticed struct {
		Person      string    `json:"person"`
		Counsellors []string  `json:"counsellors,omitempty"`
		LastActive  time.Time `json:"last_active"`
		Days        int       `json:"days"`
		At          time.Time `json:"at"`
	}
	// InactivityPeriodSet sets, on a structure's stream, after how many
	// days without activity its beneficiaries are noticed (0: never).
	InactivityPeriodSet struct {
		Days int `json:"days"`
	}
)

func (NotificationPreferencesSet) EventType() string { return "NotificationPreferencesSet" }
func (EmailUnsubscribed) EventType() string          { return "EmailUnsubscribed" }
func (NotificationsRead) EventType() string          { return "NotificationsRead" }
func (InactivityNoticed) EventType() string          { return "InactivityNoticed" }
func (InactivityPeriodSet) EventType() string        { return "InactivityPeriodSet" }

func (e *NotificationPreferencesSet) applyToNotify(s *NotifySettings) {
	for k, c := range e.Kinds {
		s.channels[k] = c
		if c.Email {
			s.unsubscribed = false
		}
	}
}
func (e *EmailUnsubscribed) applyToNotify(s *NotifySettings) { s.unsubscribed = true }
func (e *NotificationsRead) applyToNotify(s *NotifySettings) {
	s.readUpTo = max(s.readUpTo, e.UpTo)
}
func (e *InactivityNoticed) applyToNotify(s *NotifySettings) {
	s.noticedAt, s.noticedSince = e.At, e.LastActive
}
func (e *InactivityPeriodSet) applyToStructure(s *Structure) { s.inactivityDays = e.Days }

var notificationEvents = []EventSpec{
	{Type: "NotificationPreferencesSet", Version: 1, New: func() Event { return &NotificationPreferencesSet{} }},
	{Type: "EmailUnsubscribed", Version: 1, New: func() Event { return &EmailUnsubscribed{} }},
	{Type: "NotificationsRead", Version: 1, New: func() Event { return &NotificationsRead{} }},
	{Type: "InactivityNoticed", Version: 1, New: func() Event { return &InactivityNoticed{} }},
	{Type: "InactivityPeriodSet", Version: 1, New: func() Event { return &InactivityPeriodSet{} }},
}
