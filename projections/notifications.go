package projections

import (
	"fmt"
	"time"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventcodec"
)

// Notifications is the read model of each person's notification centre:
// their notifications, numbered from 1 in the order of the log (so a
// rebuild numbers them the same), their read marker and unread count,
// their choices per kind, and what the inactivity sweep needs (each
// beneficiary's last activity, each structure's period). A notification
// holds no personal text: who caused it, what it is about (IDs), when;
// names are resolved when it is read, so an erasure empties them at once.
// The notifications a person wants by e-mail also go, in the same
// transaction, to the outbox (notifications_outbox.go), which the digest
// sender empties.
type Notifications struct{}

func (Notifications) Name() string { return "notifications" }
func (Notifications) Version() int { return 1 }

const (
	nsNoteBox    = "nbox"    // PERSON → noteBox
	nsNote       = "note"    // PERSON/SEQ (12 digits) → noteDoc
	nsNoteWho    = "nwho"    // PERSON → noteWho (their structure, role and address)
	nsNoteFollow = "nfollow" // PORTFOLIO → followDoc
	nsNoteConv   = "nconv"   // CONVERSATION → its participants (one-to-one ones)
	nsActivity   = "nactive" // PORTFOLIO → activityDoc
	nsNoteStruct = "nstruct" // STRUCTURE → its inactivity period
)

type noteBox struct {
	Last         uint64                                                  `json:"last,omitempty"`
	ReadUpTo     uint64                                                  `json:"read_up_to,omitempty"`
	Unread       int                                                     `json:"unread,omitempty"`
	Channels     map[domain.NotificationKind]domain.NotificationChannels `json:"channels,omitempty"`
	Unsubscribed bool                                                    `json:"unsubscribed,omitempty"`
}

func (n *noteBox) channels(k domain.NotificationKind) domain.NotificationChannels {
	if c, ok := n.Channels[k]; ok {
		return c
	}
	return domain.DefaultChannels()
}

type noteDoc struct {
	Seq          uint64                  `json:"seq"`
	Kind         domain.NotificationKind `json:"kind"`
	At           time.Time               `json:"at"`
	Actor        string                  `json:"actor,omitempty"`
	Portfolio    string                  `json:"portfolio,omitempty"`
	Conversation string                  `json:"conversation,omitempty"`
	Target       *domain.ItemRef         `json:"target,omitempty"`
	Dossier      string                  `json:"dossier,omitempty"`
	Days         int                     `json:"days,omitempty"`
	InApp        bool                    `json:"in_app,omitempty"`
}

type noteWho struct {
	Tenant   string                  `json:"tenant"`
	Role     domain.Role             `json:"role"`
	Personal *eventcodec.PersonalRef `json:"personal,omitempty"` // their enrolment: name and address
}

type convParticipants struct {
	Participants []string `json:"participants"`
}

type activityDoc struct {
	Tenant       string    `json:"tenant"`
	LastActive   time.Time `json:"last_active"`
	NoticedAt    time.Time `json:"noticed_at,omitzero"`
	NoticedSince time.Time `json:"noticed_since,omitzero"`
	Left         bool      `json:"left,omitempty"`
}

type structPeriod struct {
	Days int `json:"days,omitempty"`
}

func noteKey(person string, seq uint64) string { return fmt.Sprintf("%s/%012d", person, seq) }

// notice is one notification to make: for whom, and what.
type notice struct {
	To   string
	Note noteDoc
}

// occurred is when an event happened: the time its command ran.
func occurred(d eventcodec.Decoded) time.Time {
	if !d.Meta.OccurredAt.IsZero() {
		return d.Meta.OccurredAt.UTC()
	}
	return d.Stored.RecordedAt.UTC()
}

func (Notifications) Apply(b *Batch, d eventcodec.Decoded) error {
	if err := trackForNotices(b, d); err != nil {
		return err
	}
	for _, source := range noticeSources {
		notices, err := source(b, d)
		if err != nil {
			return err
		}
		for _, n := range notices {
			if err := deliver(b, n); err != nil {
				return err
			}
		}
	}
	return nil
}

// deliver numbers a notice in its person's centre and, if they want it
// by e-mail, puts it in the outbox.
func deliver(b *Batch, n notice) error {
	if n.To == "" || n.To == n.Note.Actor {
		return nil // no one is told of what they did themself
	}
	box, _, err := Get[noteBox](b, nsNoteBox, n.To)
	if err != nil {
		return err
	}
	box.Last++
	n.Note.Seq = box.Last
	ch := box.channels(n.Note.Kind)
	n.Note.InApp = ch.InApp
	if ch.InApp {
		box.Unread++
	}
	b.Put(nsNoteBox, n.To, box)
	b.Put(nsNote, noteKey(n.To, n.Note.Seq), &n.Note)
	if !ch.Email || box.Unsubscribed {
		return nil
	}
	who, _, err := Get[noteWho](b, nsNoteWho, n.To)
	if err != nil {
		return err
	}
	return enqueueMail(b, n.To, who.Tenant, n.Note)
}
