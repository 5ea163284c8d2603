package projections

import (
	"slices"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventcodec"
)

// noticeSource turns an event into the notices it makes (none for most
// events). A source reads what trackForNotices keeps, already up to date
// with the event.
type noticeSource func(b *Batch, d eventcodec.Decoded) ([]notice, error)

// noticeSources are the sources of notifications. Another feature's
// notifications (an action due, an appointment tomorrow: their kinds are
// domain.NotifyActionDue and domain.NotifyAppointment) are one more
// source here, with a new Version of Notifications so that a rebuild
// numbers everyone's notifications again.
var noticeSources = []noticeSource{messageNotices, commentNotices, dossierNotices, inactivityNotices}

// messageNotices: a message tells the other members of its conversation.
func messageNotices(b *Batch, d eventcodec.Decoded) ([]notice, error) {
	e, ok := d.Event.(*domain.MessagePosted)
	if !ok {
		return nil, nil
	}
	_, conv, _ := domain.ConversationOfStream(d.Stored.Stream)
	note := noteDoc{Kind: domain.NotifyMessage, At: e.At, Actor: e.Author, Conversation: conv}
	var members []string
	if pid, ok := domain.PortfolioOfConversation(conv); ok {
		f, _, err := Get[followDoc](b, nsNoteFollow, pid)
		if err != nil {
			return nil, err
		}
		note.Portfolio, members = pid, f.members()
	} else {
		c, _, err := Get[convParticipants](b, nsNoteConv, conv)
		if err != nil {
			return nil, err
		}
		members = c.Participants
	}
	return noticesFor(members, note), nil
}

// commentNotices: a comment tells the portfolio's owner and counsellors.
func commentNotices(b *Batch, d eventcodec.Decoded) ([]notice, error) {
	e, ok := d.Event.(*domain.CommentAdded)
	pid := portfolioOf(d.Stored.Stream)
	if !ok || pid == "" {
		return nil, nil
	}
	f, _, err := Get[followDoc](b, nsNoteFollow, pid)
	if err != nil {
		return nil, err
	}
	target := e.Target
	to := []string{f.Owner}
	for c := range f.Counsellors {
		to = append(to, c)
	}
	return noticesFor(to, noteDoc{Kind: domain.NotifyComment, At: e.At, Actor: e.Author, Portfolio: pid, Target: &target}), nil
}

// dossierNotices: a decision on a VAE dossier (its admissibility, the
// jury's on its last block) tells its owner.
func dossierNotices(b *Batch, d eventcodec.Decoded) ([]notice, error) {
	pid := portfolioOf(d.Stored.Stream)
	if pid == "" {
		return nil, nil
	}
	note := noteDoc{Kind: domain.NotifyDossierDecided, Portfolio: pid, Actor: d.Meta.Actor}
	switch e := d.Event.(type) {
	case *domain.AdmissibilityDecided:
		note.Dossier, note.At = e.DossierID, e.At
	case *domain.VAEDossierDecided:
		note.Dossier, note.At = e.DossierID, e.At
	default:
		return nil, nil
	}
	return []notice{{To: pid, Note: note}}, nil
}

// inactivityNotices: an inactivity notice tells the beneficiary's
// counsellors, and reminds the beneficiary.
func inactivityNotices(b *Batch, d eventcodec.Decoded) ([]notice, error) {
	e, ok := d.Event.(*domain.InactivityNoticed)
	if !ok {
		return nil, nil
	}
	out := noticesFor(e.Counsellors, noteDoc{Kind: domain.NotifyInactive, At: e.At, Portfolio: e.Person, Days: e.Days})
	return append(out, notice{To: e.Person, Note: noteDoc{Kind: domain.NotifyReminder, At: e.At, Portfolio: e.Person, Days: e.Days}}), nil
}

// noticesFor makes note for each of people once, in ID order (a rebuild
// numbers them the same).
func noticesFor(people []string, note noteDoc) []notice {
	people = slices.Clone(people)
	slices.Sort(people)
	people = slices.Compact(people)
	out := make([]notice, 0, len(people))
	for _, p := range people {
		out = append(out, notice{To: p, Note: note})
	}
	return out
}
