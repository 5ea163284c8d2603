package domain_test

import (
	"testing"
	"time"

	"github.com/parcours/parcours/domain"
)

func TestNotifyStreamNames(t *testing.T) {
	s := domain.NotifyStream("s-ml", "p-zoe")
	if tenant, person, ok := domain.NotifyOfStream(s); !ok || tenant != "s-ml" || person != "p-zoe" {
		t.Errorf("NotifyOfStream(%s) = %s, %s, %v", s, tenant, person, ok)
	}
	for _, bad := range []string{"structure-s-ml", "portfolio-p-zoe", "structure-s-ml.conversation-p-zoe", "structure-s-ml.notify-"} {
		if _, _, ok := domain.NotifyOfStream(bad); ok {
			t.Errorf("%s read as a notification stream", bad)
		}
	}
}

func TestNotifySettings(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	s := domain.NewNotifySettings("p-zoe")
	apply := func(events []domain.Event, err error) []domain.Event {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			s.Apply(e)
		}
		return events
	}
	if c := s.Channels(domain.NotifyComment); !c.InApp || !c.Email {
		t.Errorf("default channels %+v, want both on", c)
	}
	if _, err := s.SetPreferences(map[domain.NotificationKind]domain.NotificationChannels{"gossip": {}}, now); domain.KindOf(err) != domain.KindInvalid {
		t.Errorf("unknown kind: %v", err)
	}
	apply(s.SetPreferences(map[domain.NotificationKind]domain.NotificationChannels{domain.NotifyComment: {InApp: true}}, now))
	if c := s.Channels(domain.NotifyComment); !c.InApp || c.Email {
		t.Errorf("comment channels %+v after switching its e-mail off", c)
	}
	apply(s.Unsubscribe(now))
	if !s.Unsubscribed() || len(apply(s.Unsubscribe(now))) != 0 {
		t.Error("a second unsubscription recorded something, or the first did not hold")
	}
	apply(s.SetPreferences(map[domain.NotificationKind]domain.NotificationChannels{domain.NotifyMessage: {InApp: true, Email: true}}, now))
	if s.Unsubscribed() {
		t.Error("switching a kind's e-mail back on did not undo the unsubscription")
	}
	apply(s.MarkRead(5, now))
	if len(apply(s.MarkRead(3, now))) != 0 || s.ReadUpTo() != 5 {
		t.Errorf("the read marker moved back: %d", s.ReadUpTo())
	}
}

func TestNoticeInactivity(t *testing.T) {
	day := 24 * time.Hour
	last := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s := domain.NewNotifySettings("p-zoe")
	notice := func(lastActive time.Time, at time.Duration) bool {
		t.Helper()
		events, err := s.NoticeInactivity(lastActive, 7, []string{"p-marc"}, last.Add(at))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			s.Apply(e)
		}
		return len(events) == 1
	}
	for _, c := range []struct {
		name   string
		last   time.Time
		at     time.Duration
		notice bool
	}{
		{"before the period", last, 6 * day, false},
		{"the period gone by", last, 7 * day, true},
		{"the same period, a day later", last, 8 * day, false},
		{"a further period without activity", last, 14 * day, true},
		{"active again, not yet a period", last.Add(15 * day), 16 * day, false},
		{"a period after the new activity", last.Add(15 * day), 22 * day, true},
	} {
		if got := notice(c.last, c.at); got != c.notice {
			t.Errorf("%s: noticed %v, want %v", c.name, got, c.notice)
		}
	}
	if ev, _ := s.NoticeInactivity(last, 0, nil, last.Add(100*day)); len(ev) != 0 {
		t.Error("a structure without a period noticed someone")
	}
}
