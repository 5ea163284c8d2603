package projections

import (
	"time"

	"strings"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventcodec"
)

// trackForNotices keeps what the notifications read model needs beside
// the notifications: people (their structure, role, and the reference to
// their address; names are read from the items read model, as every
// read model's are),
// who follows each portfolio, the participants of one-to-one
// conversations, each person's choices and read marker, each
// beneficiary's last activity and each structure's inactivity period.
func trackForNotices(b *Batch, d eventcodec.Decoded) error {
	at := occurred(d)
	if pid := portfolioOf(d.Stored.Stream); pid != "" {
		if err := followForNotices(b, pid, d.Event); err != nil {
			return err
		}
		if d.Meta.Actor == pid {
			return touchActivity(b, pid, "", at)
		}
		return nil
	}
	switch e := d.Event.(type) {
	case *domain.PersonEnrolled:
		tenant := structureOf(d.Stored.Stream)
		b.Put(nsNoteWho, e.PersonID, &noteWho{Tenant: tenant, Role: e.Role, Personal: d.Personal})
		if e.Role == domain.RoleBeneficiary {
			return touchActivity(b, e.PersonID, tenant, at)
		}
	case *domain.PersonLeft:
		a, ok, err := Get[activityDoc](b, nsActivity, e.PersonID)
		if err != nil || !ok {
			return err
		}
		a.Left = true
		b.Put(nsActivity, e.PersonID, a)
	case *domain.InactivityPeriodSet:
		b.Put(nsNoteStruct, structureOf(d.Stored.Stream), &structPeriod{Days: e.Days})
	case *domain.ConversationStarted:
		if e.Kind == domain.ConversationDirect {
			b.Put(nsNoteConv, e.ConversationID, &convParticipants{Participants: e.Participants})
		}
	case *domain.MessagePosted:
		_, conv, _ := domain.ConversationOfStream(d.Stored.Stream)
		if pid, ok := domain.PortfolioOfConversation(conv); ok && pid == e.Author {
			return touchActivity(b, pid, "", at)
		}
	case *domain.PersonErased:
		return eraseNotifications(b, e.Subject)
	}
	if _, person, ok := domain.NotifyOfStream(d.Stored.Stream); ok {
		return trackSettings(b, person, d.Event)
	}
	return nil
}

// structureOf returns the structure of a structure's own stream, or "".
func structureOf(stream string) string {
	id, ok := strings.CutPrefix(stream, "structure-")
	if !ok || strings.Contains(id, ".") {
		return ""
	}
	return id
}

func touchActivity(b *Batch, pid, tenant string, at time.Time) error {
	a, _, err := Get[activityDoc](b, nsActivity, pid)
	if err != nil {
		return err
	}
	if tenant != "" {
		a.Tenant, a.Left = tenant, false
	}
	if at.After(a.LastActive) {
		a.LastActive = at
	}
	b.Put(nsActivity, pid, a)
	return nil
}

func followForNotices(b *Batch, pid string, e domain.Event) error {
	switch e.(type) {
	case *domain.PortfolioOpened, *domain.CounsellorAssigned, *domain.CounsellorUnassigned, *domain.TutorInvited, *domain.GrantRevoked:
	default:
		return nil
	}
	f, _, err := Get[followDoc](b, nsNoteFollow, pid)
	if err != nil {
		return err
	}
	if f.Counsellors == nil {
		f.Counsellors = map[string]bool{}
	}
	if f.Tutors == nil {
		f.Tutors = map[string]string{}
	}
	switch e := e.(type) {
	case *domain.PortfolioOpened:
		f.Owner = e.Owner
	case *domain.CounsellorAssigned:
		f.Counsellors[e.CounsellorID] = true
	case *domain.CounsellorUnassigned:
		delete(f.Counsellors, e.CounsellorID)
	case *domain.TutorInvited:
		f.Tutors[e.GrantID] = e.TutorID
	case *domain.GrantRevoked:
		delete(f.Tutors, e.GrantID)
	}
	b.Put(nsNoteFollow, pid, f)
	return nil
}

func trackSettings(b *Batch, person string, e domain.Event) error {
	switch e := e.(type) {
	case *domain.InactivityNoticed:
		a, _, err := Get[activityDoc](b, nsActivity, person)
		if err != nil {
			return err
		}
		a.NoticedAt, a.NoticedSince = e.At, e.LastActive
		b.Put(nsActivity, person, a)
		return nil
	case *domain.NotificationPreferencesSet, *domain.EmailUnsubscribed, *domain.NotificationsRead:
	default:
		return nil
	}
	box, _, err := Get[noteBox](b, nsNoteBox, person)
	if err != nil {
		return err
	}
	switch e := e.(type) {
	case *domain.NotificationPreferencesSet:
		if box.Channels == nil {
			box.Channels = map[domain.NotificationKind]domain.NotificationChannels{}
		}
		for k, c := range e.Kinds {
			box.Channels[k] = c
			if c.Email {
				box.Unsubscribed = false
			}
		}
	case *domain.EmailUnsubscribed:
		box.Unsubscribed = true
	case *domain.NotificationsRead:
		if err := readNotes(b, person, box, e.UpTo); err != nil {
			return err
		}
	}
	b.Put(nsNoteBox, person, box)
	return nil
}

// readNotes moves box's marker up to upTo and takes the notifications
// shown in the app between the two markers off the unread count.
func readNotes(b *Batch, person string, box *noteBox, upTo uint64) error {
	upTo = min(upTo, box.Last)
	for seq := box.ReadUpTo + 1; seq <= upTo; seq++ {
		n, ok, err := Get[noteDoc](b, nsNote, noteKey(person, seq))
		if err != nil {
			return err
		}
		if ok && n.InApp {
			box.Unread--
		}
	}
	box.ReadUpTo = max(box.ReadUpTo, upTo)
	box.Unread = max(box.Unread, 0)
	return nil
}

// eraseNotifications forgets an erased person's notification centre,
// their activity and their outbox.
func eraseNotifications(b *Batch, person string) error {
	box, _, err := Get[noteBox](b, nsNoteBox, person)
	if err != nil {
		return err
	}
	for seq := uint64(1); seq <= box.Last; seq++ {
		b.Delete(nsNote, noteKey(person, seq))
	}
	for _, ns := range []string{nsNoteBox, nsNoteWho, nsActivity} {
		b.Delete(ns, person)
	}
	return dropMail(b, person)
}
