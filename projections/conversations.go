package projections

import (
	"fmt"
	"time"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventcodec"
)

// Conversations is the read model of conversations: each message as a
// document keyed by its conversation and number (so the latest page is an
// index range, whatever the conversation's length), each member's read
// marker and unread count, and each person's inbox (their conversations
// with their unread counts: one document, so the count costs one read).
// Members of a portfolio's conversation are its owner, their assigned
// counsellors and the tutors they invited (followed from the portfolio's
// events); of a one-to-one conversation, its two participants. Who may
// actually read a conversation is decided when it is read
// (commands.Handler.OpenConversation): a tutor past their grant's end
// still has an inbox entry, and is refused the conversation.
type Conversations struct{}

func (Conversations) Name() string { return "conversations" }
func (Conversations) Version() int { return 1 }

const (
	nsConv    = "conv"    // CONVERSATION → convDoc
	nsMessage = "cmsg"    // CONVERSATION/SEQ (12 digits) → messageDoc
	nsInbox   = "inbox"   // PERSON → inboxDoc
	nsFollow  = "cfollow" // PORTFOLIO → followDoc
)

type convDoc struct {
	Kind         domain.ConversationKind `json:"kind"`
	Tenant       string                  `json:"tenant"`
	Portfolio    string                  `json:"portfolio,omitempty"`
	Participants []string                `json:"participants,omitempty"`
	LastSeq      uint64                  `json:"last_seq"`
	LastAt       time.Time               `json:"last_at"`
	Live         int                     `json:"live"`             // messages not deleted
	Posted       map[string]int          `json:"posted,omitempty"` // live messages by author
	Members      map[string]*convMember  `json:"members"`
}

type convMember struct {
	LastRead uint64 `json:"last_read,omitempty"`
	Unread   int    `json:"unread,omitempty"`
	Gone     bool   `json:"gone,omitempty"` // no longer follows the portfolio (the marker is kept)
}

type messageDoc struct {
	ID          string                  `json:"id"`
	Seq         uint64                  `json:"seq"`
	Author      string                  `json:"author"`
	Role        domain.Role             `json:"role"`
	At          time.Time               `json:"at"`
	EditedAt    time.Time               `json:"edited_at,omitzero"`
	Deleted     bool                    `json:"deleted,omitempty"`
	Attachments []string                `json:"attachments,omitempty"`
	Text        *eventcodec.PersonalRef `json:"text,omitempty"`
}

type inboxDoc struct {
	Conversations map[string]*inboxEntry `json:"conversations"`
}

type inboxEntry struct {
	Kind      domain.ConversationKind `json:"kind"`
	Portfolio string                  `json:"portfolio,omitempty"`
	With      []string                `json:"with,omitempty"`
	LastSeq   uint64                  `json:"last_seq"`
	LastAt    time.Time               `json:"last_at,omitzero"`
	Unread    int                     `json:"unread"`
}

type followDoc struct {
	Owner       string            `json:"owner"`
	Counsellors map[string]bool   `json:"counsellors,omitempty"`
	Tutors      map[string]string `json:"tutors,omitempty"` // grant → tutor
}

// init makes the maps a decoded document may lack (empty ones are not
// written).
func (c *convDoc) init() {
	if c.Members == nil {
		c.Members = map[string]*convMember{}
	}
	if c.Posted == nil {
		c.Posted = map[string]int{}
	}
}

func messageKey(conv string, seq uint64) string { return fmt.Sprintf("%s/%012d", conv, seq) }

func (Conversations) Apply(b *Batch, d eventcodec.Decoded) error {
	if pid := portfolioOf(d.Stored.Stream); pid != "" {
		return applyFollower(b, pid, d.Event)
	}
	_, conv, ok := domain.ConversationOfStream(d.Stored.Stream)
	if !ok {
		return nil
	}
	c, _, err := Get[convDoc](b, nsConv, conv)
	if err != nil {
		return err
	}
	c.init()
	t := &convStep{b: b, id: conv, c: c}
	switch e := d.Event.(type) {
	case *domain.ConversationStarted:
		err = t.started(e)
	case *domain.MessagePosted:
		err = t.posted(e, d.Personal)
	case *domain.MessageEdited:
		err = t.edited(e, d.Personal)
	case *domain.MessageDeleted:
		err = t.deleted(e)
	case *domain.ConversationRead:
		err = t.read(e.Reader, e.UpTo)
	default:
		return nil
	}
	if err != nil {
		return err
	}
	b.Put(nsConv, conv, c)
	return nil
}

// applyFollower follows who the members of a portfolio's conversation
// are.
func applyFollower(b *Batch, pid string, e domain.Event) error {
	switch e.(type) {
	case *domain.PortfolioOpened, *domain.CounsellorAssigned, *domain.CounsellorUnassigned, *domain.TutorInvited, *domain.GrantRevoked:
	default:
		return nil
	}
	f, _, err := Get[followDoc](b, nsFollow, pid)
	if err != nil {
		return err
	}
	if f.Counsellors == nil {
		f.Counsellors = map[string]bool{}
	}
	if f.Tutors == nil {
		f.Tutors = map[string]string{}
	}
	var joins, leaves string
	switch e := e.(type) {
	case *domain.PortfolioOpened:
		f.Owner = e.Owner
	case *domain.CounsellorAssigned:
		f.Counsellors[e.CounsellorID], joins = true, e.CounsellorID
	case *domain.CounsellorUnassigned:
		delete(f.Counsellors, e.CounsellorID)
		leaves = e.CounsellorID
	case *domain.TutorInvited:
		f.Tutors[e.GrantID], joins = e.TutorID, e.TutorID
	case *domain.GrantRevoked:
		leaves = f.Tutors[e.GrantID]
		delete(f.Tutors, e.GrantID)
	}
	b.Put(nsFollow, pid, f)
	if leaves != "" && f.follows(leaves) {
		leaves = "" // by another grant or role
	}
	if joins == "" && leaves == "" {
		return nil
	}
	conv := domain.PortfolioConversationID(pid)
	c, exists, err := Get[convDoc](b, nsConv, conv)
	if err != nil || !exists {
		return err
	}
	c.init()
	t := &convStep{b: b, id: conv, c: c}
	if joins != "" {
		err = t.join(joins)
	} else {
		err = t.leave(leaves)
	}
	if err == nil {
		b.Put(nsConv, conv, c)
	}
	return err
}

// follows reports whether person is a member of the portfolio's
// conversation.
func (f *followDoc) follows(person string) bool {
	if person == f.Owner || f.Counsellors[person] {
		return true
	}
	for _, t := range f.Tutors {
		if t == person {
			return true
		}
	}
	return false
}

func (f *followDoc) members() []string {
	out := []string{f.Owner}
	for c := range f.Counsellors {
		out = append(out, c)
	}
	for _, t := range f.Tutors {
		out = append(out, t)
	}
	return out
}
