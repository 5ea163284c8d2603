package projections

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/parcours/parcours/domain"
)

// NotificationCentre is one page of a person's notifications, the latest
// first, with what they have left to read.
type NotificationCentre struct {
	Unread        int                `json:"unread"`
	ReadUpTo      uint64             `json:"read_up_to"`
	Last          uint64             `json:"last"`
	Notifications []NotificationView `json:"notifications"`
	// Before is the cursor of the page of older notifications (0: none).
	Before uint64 `json:"before,omitempty"`
}

// NotificationView is one notification: what it is about and who caused
// it (their name resolved now: an erased person reads as erased).
type NotificationView struct {
	Seq          uint64                  `json:"seq"`
	Kind         domain.NotificationKind `json:"kind"`
	At           time.Time               `json:"at"`
	Actor        *PersonView             `json:"actor,omitempty"`
	Portfolio    *PersonView             `json:"portfolio,omitempty"` // its owner
	Conversation string                  `json:"conversation_id,omitempty"`
	Target       *domain.ItemRef         `json:"target,omitempty"`
	Dossier      string                  `json:"dossier_id,omitempty"`
	Days         int                     `json:"days,omitempty"`
	Unread       bool                    `json:"unread,omitempty"`
}

// MaxNotificationPage bounds a page of notifications.
const MaxNotificationPage = 100

// Notifications returns up to limit of person's notifications shown in
// the app, before number before (0: the latest ones). Its cost is one
// index range, whatever the number of notifications.
func (q *Queries) Notifications(ctx context.Context, person string, before uint64, limit int) (NotificationCentre, error) {
	out := NotificationCentre{Notifications: []NotificationView{}}
	limit = min(max(limit, 1), MaxNotificationPage)
	r, err := q.begin(ctx, Notifications{}.Name())
	if err != nil {
		return out, err
	}
	defer r.close()
	box, _, err := load[noteBox](r, nsNoteBox, person)
	if err != nil {
		return out, err
	}
	out.Unread, out.ReadUpTo, out.Last = box.Unread, box.ReadUpTo, box.Last
	upper := person + "0" // just past every key of "PERSON/…"
	if before > 0 {
		upper = noteKey(person, before)
	}
	rows, err := r.QueryContext(ctx, `SELECT doc FROM `+r.docs+` WHERE ns = $1 AND key > $2 AND key < $3 ORDER BY key DESC LIMIT $4`,
		nsNote, person+"/", upper, limit)
	if err != nil {
		return out, fmt.Errorf("read notifications of %s: %w", person, err)
	}
	var docs []noteDoc
	for rows.Next() {
		var raw []byte
		var n noteDoc
		if err := rows.Scan(&raw); err != nil {
			rows.Close()
			return out, err
		}
		if err := json.Unmarshal(raw, &n); err != nil {
			rows.Close()
			return out, fmt.Errorf("decode a notification of %s: %w", person, err)
		}
		docs = append(docs, n)
	}
	if err := closeRows(rows); err != nil {
		return out, fmt.Errorf("read notifications of %s: %w", person, err)
	}
	s := newResolver(r, "", false)
	for _, n := range docs {
		if len(docs) == limit && n.Seq > 1 {
			out.Before = n.Seq
		}
		if !n.InApp {
			continue
		}
		v := NotificationView{Seq: n.Seq, Kind: n.Kind, At: n.At, Conversation: n.Conversation, Target: n.Target, Dossier: n.Dossier,
			Days: n.Days, Unread: n.Seq > box.ReadUpTo}
		if v.Actor, err = personOrNil(s, n.Actor); err != nil {
			return out, err
		}
		if v.Portfolio, err = personOrNil(s, n.Portfolio); err != nil {
			return out, err
		}
		out.Notifications = append(out.Notifications, v)
	}
	return out, nil
}

func personOrNil(s *resolver, id string) (*PersonView, error) {
	if id == "" {
		return nil, nil
	}
	v, err := s.person(id)
	return &v, err
}

// NotificationPreferences is a person's choice per kind.
type NotificationPreferences struct {
	Kinds        map[domain.NotificationKind]domain.NotificationChannels `json:"kinds"`
	Unsubscribed bool                                                    `json:"unsubscribed"`
}

// NotificationSettings returns person's choices (every kind named) and
// their unread count: one document read.
func (q *Queries) NotificationSettings(ctx context.Context, person string) (NotificationPreferences, int, error) {
	var box noteBox
	if _, err := q.db.Doc(ctx, Notifications{}.Name(), nsNoteBox, person, &box); err != nil {
		return NotificationPreferences{}, 0, err
	}
	p := NotificationPreferences{Kinds: map[domain.NotificationKind]domain.NotificationChannels{}, Unsubscribed: box.Unsubscribed}
	for _, k := range domain.NotificationKinds() {
		p.Kinds[k] = box.channels(k)
	}
	return p, box.Unread, nil
}

// Recipient is whom a digest goes to: their address as their structure
// enrolled them, and the first names of the people their notifications
// name.
type Recipient struct {
	Tenant string
	Role   domain.Role
	Email  string
	Erased bool
	Names  map[string]string // person → first name
}

// DigestRecipient returns person's address and the first names of
// others (erased people, and people unknown, have none).
func (q *Queries) DigestRecipient(ctx context.Context, person string, others []string) (Recipient, error) {
	rc := Recipient{Names: map[string]string{}}
	r, err := q.begin(ctx, Notifications{}.Name())
	if err != nil {
		return rc, err
	}
	defer r.close()
	who, _, err := load[noteWho](r, nsNoteWho, person)
	if err != nil {
		return rc, err
	}
	e, erased, err := r.openEvent(who.Personal)
	if err != nil {
		return rc, err
	}
	if pe, ok := e.(*domain.PersonEnrolled); ok {
		rc.Email = pe.Personal.Email
	}
	rc.Erased = erased || who.Personal == nil
	rc.Tenant, rc.Role = who.Tenant, who.Role
	s := newResolver(r, "", false)
	for _, o := range others {
		if o == "" {
			continue
		}
		v, err := s.person(o)
		if err != nil {
			return rc, err
		}
		if first, _, _ := strings.Cut(strings.TrimSpace(v.Name), " "); first != "" && !v.Erased {
			rc.Names[o] = first
		}
	}
	return rc, nil
}

// Inactive is a beneficiary due for an inactivity notice.
type Inactive struct {
	Tenant     string
	Person     string
	LastActive time.Time
}

// InactiveBeneficiaries calls fn with every active beneficiary whose
// structure's period has gone by since their last activity and who has
// not been noticed in this period. It reads every beneficiary's activity
// document, a page at a time.
func (q *Queries) InactiveBeneficiaries(ctx context.Context, now time.Time, fn func(Inactive) error) error {
	periods := map[string]int{}
	period := func(tenant string) (int, error) {
		if d, ok := periods[tenant]; ok {
			return d, nil
		}
		var p structPeriod
		_, err := q.db.Doc(ctx, Notifications{}.Name(), nsNoteStruct, tenant, &p)
		periods[tenant] = p.Days
		return p.Days, err
	}
	var due []Inactive
	for after := ""; ; {
		n := 0
		err := q.db.Docs(ctx, Notifications{}.Name(), nsActivity, after, 1000, func(key string, raw []byte) error {
			n, after = n+1, key
			var a activityDoc
			if err := json.Unmarshal(raw, &a); err != nil {
				return fmt.Errorf("decode activity of %s: %w", key, err)
			}
			days, err := period(a.Tenant)
			if err != nil || days == 0 || a.Left || a.LastActive.IsZero() {
				return err
			}
			p := time.Duration(days) * 24 * time.Hour
			if now.Sub(a.LastActive) < p || !a.NoticedAt.IsZero() && !a.NoticedSince.Before(a.LastActive) && now.Sub(a.NoticedAt) < p {
				return nil
			}
			due = append(due, Inactive{Tenant: a.Tenant, Person: key, LastActive: a.LastActive})
			return nil
		})
		if err != nil {
			return err
		}
		if n < 1000 {
			break
		}
	}
	for _, d := range due {
		if err := fn(d); err != nil {
			return err
		}
	}
	return nil
}
