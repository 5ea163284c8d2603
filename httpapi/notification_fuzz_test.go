package httpapi

import (
	"errors"
	"net/http"
	"testing"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/notify"
	"github.com/parcours/parcours/projections"
)

// FuzzNotificationParams: before/limit of a notification page are
// refused as invalid, or read within bounds.
func FuzzNotificationParams(f *testing.F) {
	for _, q := range []string{"", "before=12&limit=5", "limit=0", "limit=101", "before=0", "before=-1", "before=x", "limit=1e3", "before=18446744073709551615", "limit=%00"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		r, err := http.NewRequest("GET", "/v1/me/notifications?"+q, nil)
		if err != nil {
			return
		}
		before, limit, err := notificationParams(r)
		if err != nil {
			var de *domain.Error
			if !errors.As(err, &de) || de.Kind != domain.KindInvalid || de.Field != "before" && de.Field != "limit" {
				t.Fatalf("%q: %v is not a refusal of before or limit", q, err)
			}
			return
		}
		if limit < 1 || limit > projections.MaxNotificationPage || (before == 0) != (r.URL.Query().Get("before") == "") {
			t.Fatalf("%q: before %d, limit %d", q, before, limit)
		}
	})
}

// FuzzUnsubscribeToken: a token of the wrong shape is refused before any
// look-up; one of the right shape round-trips through its hash.
func FuzzUnsubscribeToken(f *testing.F) {
	for _, s := range []string{"", "no-such-token", "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWo", "%00", "a/b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if notify.ValidToken(s) && len(notify.HashToken(s)) != 64 {
			t.Fatalf("%q: hash %q", s, notify.HashToken(s))
		}
	})
}
