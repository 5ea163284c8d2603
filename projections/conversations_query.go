package projections

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/parcours/parcours/domain"
)

// ConversationView is one page of a conversation as one of its members
// sees it: the messages before a cursor (the latest ones without it),
// oldest first.
type ConversationView struct {
	ID           string                  `json:"conversation_id"`
	Kind         domain.ConversationKind `json:"kind"`
	Portfolio    string                  `json:"portfolio,omitempty"`
	Participants []PersonView            `json:"participants,omitempty"`
	LastSeq      uint64                  `json:"last_seq"`
	// ReadUpTo and Unread are the reader's marker and what they have left
	// to read.
	ReadUpTo uint64        `json:"read_up_to"`
	Unread   int           `json:"unread"`
	Messages []MessageView `json:"messages"`
	// Before is the cursor of the page of older messages (0: none).
	Before uint64 `json:"before,omitempty"`
}

// MessageView is one message. A deleted message keeps its place without
// its text; an erased author's message reads as erased.
type MessageView struct {
	ID          string           `json:"message_id"`
	Seq         uint64           `json:"seq"`
	Author      PersonView       `json:"author"`
	Role        domain.Role      `json:"role"`
	At          time.Time        `json:"at"`
	EditedAt    time.Time        `json:"edited_at,omitzero"`
	Deleted     bool             `json:"deleted,omitempty"`
	Erased      bool             `json:"erased,omitempty"`
	Text        string           `json:"text,omitempty"`
	Attachments []AttachmentView `json:"attachments,omitempty"`
	Unread      bool             `json:"unread,omitempty"`
}

// AttachmentView is an evidence item a message points to.
type AttachmentView struct {
	EvidenceID string              `json:"evidence_id"`
	Kind       domain.EvidenceKind `json:"kind,omitempty"`
	Title      string              `json:"title,omitempty"`
	Erased     bool                `json:"erased,omitempty"`
	Withdrawn  bool                `json:"withdrawn,omitempty"`
}

// MaxConversationPage bounds a page of messages.
const MaxConversationPage = 200

// Conversation returns the page of conversation id that reader sees: up
// to limit messages before message number before (0: the latest ones).
// sees filters the attachments the reader may see. Its cost is one index
// range of limit documents, whatever the conversation's length. A
// conversation not started reads as empty.
func (q *Queries) Conversation(ctx context.Context, id, reader string, before uint64, limit int, sees func(string) bool) (ConversationView, error) {
	v := ConversationView{ID: id, Messages: []MessageView{}}
	limit = min(max(limit, 1), MaxConversationPage)
	r, err := q.begin(ctx, Conversations{}.Name())
	if err != nil {
		return v, err
	}
	defer r.close()
	c, found, err := load[convDoc](r, nsConv, id)
	if err != nil || !found {
		return v, err
	}
	v.Kind, v.Portfolio, v.LastSeq = c.Kind, c.Portfolio, c.LastSeq
	if m := c.Members[reader]; m != nil {
		v.ReadUpTo, v.Unread = m.LastRead, m.Unread
	}
	s := newResolver(r, c.Portfolio, false)
	for _, p := range c.Participants {
		pv, err := s.person(p)
		if err != nil {
			return v, err
		}
		v.Participants = append(v.Participants, pv)
	}
	upper := id + "0" // just past every key of "ID/…"
	if before > 0 {
		upper = messageKey(id, before)
	}
	rows, err := r.QueryContext(ctx, `SELECT doc FROM `+r.docs+` WHERE ns = $1 AND key > $2 AND key < $3 ORDER BY key DESC LIMIT $4`,
		nsMessage, id+"/", upper, limit)
	if err != nil {
		return v, fmt.Errorf("read conversation %s: %w", id, err)
	}
	var docs []messageDoc
	for rows.Next() {
		var raw []byte
		var m messageDoc
		if err := rows.Scan(&raw); err != nil {
			rows.Close()
			return v, err
		}
		if err := json.Unmarshal(raw, &m); err != nil {
			rows.Close()
			return v, fmt.Errorf("decode a message of %s: %w", id, err)
		}
		docs = append(docs, m)
	}
	if err := closeRows(rows); err != nil {
		return v, fmt.Errorf("read conversation %s: %w", id, err)
	}
	slices.Reverse(docs)
	for _, m := range docs {
		mv, err := q.messageView(r, s, m, reader, v.ReadUpTo, sees)
		if err != nil {
			return v, err
		}
		v.Messages = append(v.Messages, mv)
	}
	if len(docs) == limit && docs[0].Seq > 1 {
		v.Before = docs[0].Seq
	}
	return v, nil
}

func (q *Queries) messageView(r *reading, s *resolver, m messageDoc, reader string, readUpTo uint64, sees func(string) bool) (MessageView, error) {
	mv := MessageView{ID: m.ID, Seq: m.Seq, Role: m.Role, At: m.At, EditedAt: m.EditedAt, Deleted: m.Deleted,
		Unread: m.Seq > readUpTo && m.Author != reader && !m.Deleted}
	var err error
	if mv.Author, err = s.person(m.Author); err != nil {
		return mv, err
	}
	if m.Deleted {
		return mv, nil
	}
	var text domain.MessageText
	if mv.Erased, err = r.codec.OpenInto(r.ctx, m.Text, &text); err != nil {
		return mv, fmt.Errorf("open message %s: %w", m.ID, err)
	}
	mv.Text = text.Text
	for _, ev := range m.Attachments {
		if sees != nil && !sees(ev) {
			continue
		}
		a := AttachmentView{EvidenceID: ev}
		if x, err := s.shallowEvidence(ev); err != nil {
			return mv, err
		} else if x != nil {
			a.Kind, a.Title, a.Erased, a.Withdrawn = x.Kind, x.Title, x.Erased, x.Withdrawn
		}
		mv.Attachments = append(mv.Attachments, a)
	}
	return mv, nil
}

// Inbox is a person's conversations, the latest first, with what they
// have left to read.
type Inbox struct {
	Unread        int          `json:"unread"`
	Conversations []InboxEntry `json:"conversations"`
}

// InboxEntry is one conversation of an inbox.
type InboxEntry struct {
	ID        string                  `json:"conversation_id"`
	Kind      domain.ConversationKind `json:"kind"`
	Portfolio *PersonView             `json:"portfolio,omitempty"` // its owner
	With      []PersonView            `json:"with,omitempty"`
	LastSeq   uint64                  `json:"last_seq"`
	LastAt    time.Time               `json:"last_at,omitzero"`
	Unread    int                     `json:"unread"`
}

// Inbox returns person's conversations with names resolved.
func (q *Queries) Inbox(ctx context.Context, person string) (Inbox, error) {
	out := Inbox{Conversations: []InboxEntry{}}
	r, err := q.begin(ctx, Conversations{}.Name())
	if err != nil {
		return out, err
	}
	defer r.close()
	in, _, err := load[inboxDoc](r, nsInbox, person)
	if err != nil {
		return out, err
	}
	s := newResolver(r, "", false)
	for id, e := range in.Conversations {
		ie := InboxEntry{ID: id, Kind: e.Kind, LastSeq: e.LastSeq, LastAt: e.LastAt, Unread: e.Unread}
		if e.Portfolio != "" {
			pv, err := s.person(e.Portfolio)
			if err != nil {
				return out, err
			}
			ie.Portfolio = &pv
		}
		for _, w := range e.With {
			pv, err := s.person(w)
			if err != nil {
				return out, err
			}
			ie.With = append(ie.With, pv)
		}
		out.Unread += e.Unread
		out.Conversations = append(out.Conversations, ie)
	}
	slices.SortFunc(out.Conversations, func(a, b InboxEntry) int {
		return cmp.Or(b.LastAt.Compare(a.LastAt), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// Unread returns what person has left to read, over all their
// conversations, and in each: one document read.
func (q *Queries) Unread(ctx context.Context, person string) (int, map[string]int, error) {
	var in inboxDoc
	if _, err := q.db.Doc(ctx, Conversations{}.Name(), nsInbox, person, &in); err != nil {
		return 0, nil, err
	}
	total, each := 0, make(map[string]int, len(in.Conversations))
	for id, e := range in.Conversations {
		total += e.Unread
		each[id] = e.Unread
	}
	return total, each, nil
}
