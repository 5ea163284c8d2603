package projections_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/projections"
)

func (s *story) centre(person string) projections.NotificationCentre {
	s.t.Helper()
	c, err := s.q.Notifications(s.ctx, person, 0, 50)
	if err != nil {
		s.t.Fatal(err)
	}
	return c
}

func (s *story) outbox(person string) (pending, sent int) {
	s.t.Helper()
	p, n, err := s.q.OutboxCounts(s.ctx, person)
	if err != nil {
		s.t.Fatal(err)
	}
	return p, n
}

func kindsOf(c projections.NotificationCentre) []domain.NotificationKind {
	var out []domain.NotificationKind
	for _, n := range c.Notifications {
		out = append(out, n.Kind)
	}
	return out
}

func TestNotificationsReadModel(t *testing.T) {
	s := newStory(t)
	s.addExperience("x-1", domain.KindProfessional, "Vendeuse")
	// Zoé wants no comment in the app, and none by e-mail.
	s.must(s.h.SetNotificationPreferences(s.ctx, s.zoe, commands.SetNotificationPreferences{Kinds: map[domain.NotificationKind]domain.NotificationChannels{
		domain.NotifyComment: {InApp: false, Email: false}}}))
	s.post(s.zoe, zoeTalk, "Bonjour Karim")
	s.post(s.cons, zoeTalk, "Bonjour Zoé")
	s.comment(s.cons, "cm-1", item(domain.ItemExperience, "x-1"), "Bien décrit")
	s.rebuild()

	karim := s.centre("p-cons")
	if got := kindsOf(karim); len(got) != 1 || got[0] != domain.NotifyMessage || karim.Unread != 1 {
		t.Fatalf("Karim's notifications: %v, %d unread", got, karim.Unread)
	}
	if n := karim.Notifications[0]; n.Actor == nil || n.Actor.Name != "Zoé Martin" || n.Conversation != domain.PortfolioConversationID(zoe) || !n.Unread {
		t.Errorf("Karim's notification: %+v", n)
	}
	zoeC := s.centre(zoe)
	if got := kindsOf(zoeC); len(got) != 1 || got[0] != domain.NotifyMessage || zoeC.Last != 2 {
		t.Errorf("Zoé's centre shows %v (last %d): want her message only, the comment numbered but hidden", got, zoeC.Last)
	}
	if p, _ := s.outbox(zoe); p != 1 {
		t.Errorf("Zoé's outbox holds %d, want 1 (the message; comments are off by e-mail)", p)
	}
	if p, _ := s.outbox("p-cons"); p != 1 {
		t.Errorf("Karim's outbox holds %d, want 1", p)
	}
	// A rebuild numbers the same notifications and enqueues none again.
	s.rebuild()
	if p, _ := s.outbox("p-cons"); p != 1 {
		t.Errorf("after a second rebuild Karim's outbox holds %d, want 1", p)
	}
	s.must(s.h.MarkNotificationsRead(s.ctx, s.cons, commands.MarkNotificationsRead{UpTo: karim.Last}))
	s.rebuild()
	if c := s.centre("p-cons"); c.Unread != 0 || c.Notifications[0].Unread {
		t.Errorf("Karim read everything and has %d unread", c.Unread)
	}

	// Inactivity: a period of 7 days; Zoé does nothing for 8.
	s.must(s.h.SetInactivityPeriod(s.ctx, s.admin, commands.SetInactivityPeriod{StructureID: "s-ml", Days: 7}))
	s.rebuild()
	due := func() []projections.Inactive {
		var out []projections.Inactive
		if err := s.q.InactiveBeneficiaries(s.ctx, s.now, func(i projections.Inactive) error { out = append(out, i); return nil }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	if d := due(); len(d) != 0 {
		t.Errorf("due at once: %v", d)
	}
	s.later(8 * 24 * time.Hour)
	d := due()
	if len(d) != 2 || d[0].Person != "p-luc" || d[1].Person != zoe {
		t.Fatalf("due after 8 days: %+v, want Luc and Zoé", d)
	}
	for _, i := range d {
		s.must(s.h.NoticeInactivity(s.ctx, s.op, commands.NoticeInactivity{Tenant: i.Tenant, Person: i.Person, LastActive: i.LastActive}))
	}
	s.rebuild()
	if d := due(); len(d) != 0 {
		t.Errorf("due again in the same period: %v", d)
	}
	if got := kindsOf(s.centre("p-cons")); len(got) != 2 || got[0] != domain.NotifyInactive {
		t.Errorf("Karim was not told Zoé is inactive: %v", got)
	}
	if got := kindsOf(s.centre(zoe)); len(got) != 2 || got[0] != domain.NotifyReminder {
		t.Errorf("Zoé got no reminder: %v", got)
	}

	// Erasure empties Zoé's centre and outbox; Karim's notifications of
	// her read as erased.
	if _, _, err := commands.Erase(s.ctx, s.store, s.ring, s.files, zoe, s.op.Actor, s.now); err != nil {
		t.Fatal(err)
	}
	s.rebuild()
	if c := s.centre(zoe); len(c.Notifications) != 0 || c.Last != 0 {
		t.Errorf("erased Zoé still has notifications: %+v", c)
	}
	if p, n := s.outbox(zoe); p+n != 0 {
		t.Errorf("erased Zoé's outbox holds %d rows", p+n)
	}
	for _, n := range s.centre("p-cons").Notifications {
		if n.Portfolio != nil && (!n.Portfolio.Erased || n.Portfolio.Name != "") {
			t.Errorf("Karim's notification names erased Zoé: %+v", n.Portfolio)
		}
	}
}

// notificationCommands changes people's notification settings at random.
func (e *env) notificationCommands(r *rand.Rand, n int) {
	people := []commands.Call{{Actor: actor("p-zoe", domain.RoleBeneficiary)}, {Actor: actor("p-cons", domain.RoleCounsellor)}}
	kinds := domain.NotificationKinds()
	for i := 0; i < n; i++ {
		c := people[r.IntN(2)]
		switch r.IntN(3) {
		case 0:
			k := kinds[r.IntN(len(kinds))]
			e.must(e.h.SetNotificationPreferences(e.ctx, c, commands.SetNotificationPreferences{Kinds: map[domain.NotificationKind]domain.NotificationChannels{
				k: {InApp: r.IntN(2) == 0, Email: r.IntN(2) == 0}}}))
		case 1:
			e.must(e.h.MarkNotificationsRead(e.ctx, c, commands.MarkNotificationsRead{UpTo: uint64(1 + r.IntN(40))}))
		case 2:
			e.must(e.h.UnsubscribeEmail(e.ctx, c))
		}
	}
}
