package domain

import (
	"slices"
	"time"
)

// SetPreferences decides the person's choice for the kinds given.
func (s *NotifySettings) SetPreferences(kinds map[NotificationKind]NotificationChannels, now time.Time) ([]Event, error) {
	if len(kinds) == 0 {
		return nil, invalid("kinds", "name at least one kind")
	}
	for k := range kinds {
		if !k.Valid() {
			return nil, invalid("kinds", "unknown kind %q", k)
		}
	}
	return []Event{&NotificationPreferencesSet{Person: s.person, Kinds: kinds, At: now}}, nil
}

// Unsubscribe decides the one-click unsubscription; once is enough (a
// second click records nothing).
func (s *NotifySettings) Unsubscribe(now time.Time) ([]Event, error) {
	if s.unsubscribed {
		return nil, nil
	}
	return []Event{&EmailUnsubscribed{Person: s.person, At: now}}, nil
}

// MarkRead decides that the person has seen notifications up to upTo (a
// marker never moves back; the same marker again records nothing).
func (s *NotifySettings) MarkRead(upTo uint64, now time.Time) ([]Event, error) {
	if upTo == 0 {
		return nil, invalid("up_to", "must be a notification number (1 or more)")
	}
	if upTo <= s.readUpTo {
		return nil, nil
	}
	return []Event{&NotificationsRead{Person: s.person, UpTo: upTo, At: now}}, nil
}

// NoticeInactivity decides whether beneficiary s.Person, last active at
// lastActive, is noticed now under a period of days: once the period has
// gone by without activity, and again only after a further period.
// Nothing is recorded (and no error) when it is not due.
func (s *NotifySettings) NoticeInactivity(lastActive time.Time, days int, counsellors []string, now time.Time) ([]Event, error) {
	if days <= 0 || lastActive.IsZero() {
		return nil, nil
	}
	period := time.Duration(days) * 24 * time.Hour
	if now.Sub(lastActive) < period {
		return nil, nil
	}
	if !s.noticedAt.IsZero() && !s.noticedSince.Before(lastActive) && now.Sub(s.noticedAt) < period {
		return nil, nil // told already in this period
	}
	cs := slices.Clone(counsellors)
	slices.Sort(cs)
	return []Event{&InactivityNoticed{Person: s.person, Counsellors: cs, LastActive: lastActive, Days: days, At: now}}, nil
}

// InactivityDays returns after how many days without activity the
// structure's beneficiaries are noticed (0: never).
func (s *Structure) InactivityDays() int { return s.inactivityDays }

// SetInactivityPeriod decides the structure's inactivity period.
func (s *Structure) SetInactivityPeriod(days int) ([]Event, error) {
	if err := s.mustExist(); err != nil {
		return nil, err
	}
	if days < 0 || days > MaxInactivityDays {
		return nil, invalid("days", "must be between 0 (never) and %d", MaxInactivityDays)
	}
	if days == s.inactivityDays {
		return nil, nil
	}
	return []Event{&InactivityPeriodSet{Days: days}}, nil
}
