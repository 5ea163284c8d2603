package notify_test

import (
	"testing"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/notify"
)

// TestInactivitySweep: after the structure's period without activity,
// one sweep tells Zoé's counsellor and reminds her; a second sweep in the
// same period tells no one; her activity starts a new period.
func TestInactivitySweep(t *testing.T) {
	e := newEnv(t)
	sw := notify.NewSweeper(e.q, e.h, time.Hour, e.clock.Now, nil)
	e.must(e.h.SetInactivityPeriod(e.ctx, call("p-admin", domain.RoleStructureAdmin), commands.SetInactivityPeriod{StructureID: "s-ml", Days: 3}))
	e.caughtUp()
	sweep := func() int {
		t.Helper()
		n, err := sw.Sweep(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		e.caughtUp()
		return n
	}
	if n := sweep(); n != 0 {
		t.Errorf("%d noticed at once", n)
	}
	e.clock.later(4 * 24 * time.Hour)
	if n := sweep(); n != 1 {
		t.Errorf("%d noticed after 4 days of a 3-day period, want Zoé", n)
	}
	if n := sweep(); n != 0 {
		t.Errorf("%d noticed again in the same period", n)
	}
	kinds := func(person string) []domain.NotificationKind {
		c, err := e.q.Notifications(e.ctx, person, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		var out []domain.NotificationKind
		for _, n := range c.Notifications {
			out = append(out, n.Kind)
		}
		return out
	}
	if k := kinds("p-cons"); len(k) != 1 || k[0] != domain.NotifyInactive {
		t.Errorf("Karim's notifications: %v", k)
	}
	if k := kinds("p-zoe"); len(k) != 1 || k[0] != domain.NotifyReminder {
		t.Errorf("Zoé's notifications: %v", k)
	}
}
