package commands_test

import (
	"testing"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

func TestNotificationPreferences(t *testing.T) {
	w := newWorld(t)
	prefs := func(kinds map[domain.NotificationKind]domain.NotificationChannels) func(commands.Call) (commands.Result, error) {
		return func(c commands.Call) (commands.Result, error) {
			return w.h.SetNotificationPreferences(w.ctx, c, commands.SetNotificationPreferences{Kinds: kinds})
		}
	}
	off := map[domain.NotificationKind]domain.NotificationChannels{domain.NotifyComment: {InApp: true}}
	res := w.mustDo(prefs(off)(w.call(w.bene)))
	if res.Stream != domain.NotifyStream(tenant, "p-zoe") {
		t.Errorf("preferences went to %s", res.Stream)
	}
	w.mustDo(prefs(off)(w.call(w.counsellor)))
	w.refusedOn(t, "an unknown kind", w.bene, prefs(map[domain.NotificationKind]domain.NotificationChannels{"gossip": {}}), domain.KindInvalid, "kinds")
	w.refusedOn(t, "the operator", w.operator, prefs(off), domain.KindForbidden, "")
	w.refusedOn(t, "another structure's person", domain.Actor{PersonID: "p-zoe", Tenant: "s-other", Role: domain.RoleBeneficiary}, prefs(off), domain.KindNotFound, "structure")
	w.refusedOn(t, "a role the person does not hold", domain.Actor{PersonID: "p-zoe", Tenant: tenant, Role: domain.RoleCounsellor}, prefs(off), domain.KindForbidden, "")
	read := func(upTo uint64) func(commands.Call) (commands.Result, error) {
		return func(c commands.Call) (commands.Result, error) {
			return w.h.MarkNotificationsRead(w.ctx, c, commands.MarkNotificationsRead{UpTo: upTo})
		}
	}
	w.mustDo(read(3)(w.call(w.bene)))
	w.refusedOn(t, "read marker 0", w.bene, read(0), domain.KindInvalid, "up_to")
	if err := w.h.OpenNotifications(w.ctx, w.tutor); err != nil {
		t.Errorf("the tutor may not open their notifications: %v", err)
	}
	if err := w.h.OpenNotifications(w.ctx, w.operator); domain.KindOf(err) != domain.KindForbidden {
		t.Errorf("the operator opened a notification centre: %v", err)
	}
	w.mustDo(w.h.UnsubscribeEmail(w.ctx, w.call(w.bene)))
	before := w.revision(domain.NotifyStream(tenant, "p-zoe"))
	w.mustDo(w.h.UnsubscribeEmail(w.ctx, w.call(w.bene)))
	if after := w.revision(domain.NotifyStream(tenant, "p-zoe")); after != before {
		t.Error("a second unsubscription wrote")
	}
}

func TestNoticeInactivity(t *testing.T) {
	w := newWorld(t)
	period := func(days int) func(commands.Call) (commands.Result, error) {
		return func(c commands.Call) (commands.Result, error) {
			return w.h.SetInactivityPeriod(w.ctx, c, commands.SetInactivityPeriod{StructureID: tenant, Days: days})
		}
	}
	w.refusedOn(t, "a counsellor sets the period", w.counsellor, period(7), domain.KindForbidden, "")
	w.refusedOn(t, "a period of 400 days", w.admin, period(400), domain.KindInvalid, "days")
	last := w.now
	notice := func(c commands.Call) (commands.Result, error) {
		return w.h.NoticeInactivity(w.ctx, c, commands.NoticeInactivity{Tenant: tenant, Person: "p-zoe", LastActive: last})
	}
	w.now = w.now.Add(30 * 24 * time.Hour)
	stream := domain.NotifyStream(tenant, "p-zoe")
	w.mustDo(notice(w.call(w.operator)))
	if w.revision(stream) != ^uint64(0) && w.revision(stream) != 0 {
		t.Error("noticed without a period")
	}
	w.mustDo(period(7)(w.call(w.admin)))
	w.refusedOn(t, "a counsellor notices", w.counsellor, notice, domain.KindForbidden, "")
	res := w.mustDo(notice(w.call(w.operator)))
	if res.Events != 1 {
		t.Fatalf("not noticed after 30 days of a 7-day period: %+v", res)
	}
	again := w.mustDo(notice(w.call(w.operator)))
	if again.Events != 0 {
		t.Error("noticed twice in one period")
	}
}
