package projections

import (
	"slices"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventcodec"
)

// convStep applies one event to a conversation's documents.
type convStep struct {
	b  *Batch
	id string
	c  *convDoc
}

func (t *convStep) started(e *domain.ConversationStarted) error {
	c := t.c
	c.Kind, c.Tenant, c.Portfolio, c.Participants, c.LastAt = e.Kind, e.Tenant, e.Portfolio, e.Participants, e.At
	members := e.Participants
	if e.Kind == domain.ConversationPortfolio {
		f, _, err := Get[followDoc](t.b, nsFollow, e.Portfolio)
		if err != nil {
			return err
		}
		members = f.members()
	}
	for _, m := range members {
		if err := t.join(m); err != nil {
			return err
		}
	}
	return nil
}

func (t *convStep) posted(e *domain.MessagePosted, text *eventcodec.PersonalRef) error {
	c := t.c
	c.LastSeq, c.LastAt = max(c.LastSeq, e.Seq), e.At
	c.Live++
	c.Posted[e.Author]++
	t.b.Put(nsMessage, messageKey(t.id, e.Seq), &messageDoc{ID: e.MessageID, Seq: e.Seq, Author: e.Author, Role: e.Role, At: e.At,
		Attachments: e.Attachments, Text: text})
	if _, ok := c.Members[e.Author]; !ok {
		if err := t.join(e.Author); err != nil {
			return err
		}
	}
	for p, m := range c.Members {
		switch {
		case p == e.Author: // one has read what one answers
			m.LastRead, m.Unread = max(m.LastRead, e.Seq), 0
		case m.LastRead < e.Seq:
			m.Unread++
		}
	}
	return t.inboxes()
}

func (t *convStep) edited(e *domain.MessageEdited, text *eventcodec.PersonalRef) error {
	m, ok, err := Get[messageDoc](t.b, nsMessage, messageKey(t.id, e.Seq))
	if err != nil || !ok {
		return err
	}
	m.Text, m.EditedAt = text, e.At
	t.b.Put(nsMessage, messageKey(t.id, e.Seq), m)
	return nil
}

func (t *convStep) deleted(e *domain.MessageDeleted) error {
	m, ok, err := Get[messageDoc](t.b, nsMessage, messageKey(t.id, e.Seq))
	if err != nil || !ok || m.Deleted {
		return err
	}
	m.Deleted, m.Text, m.EditedAt = true, nil, e.At
	t.b.Put(nsMessage, messageKey(t.id, e.Seq), m)
	c := t.c
	c.Live--
	c.Posted[m.Author]--
	for p, mm := range c.Members {
		if p != m.Author && mm.LastRead < e.Seq && mm.Unread > 0 {
			mm.Unread--
		}
	}
	return t.inboxes()
}

// read moves reader's marker to upTo and counts what they have left.
func (t *convStep) read(reader string, upTo uint64) error {
	if _, ok := t.c.Members[reader]; !ok {
		if err := t.join(reader); err != nil {
			return err
		}
	}
	m := t.c.Members[reader]
	if upTo <= m.LastRead {
		return nil
	}
	m.LastRead = upTo
	n, err := t.unreadAfter(reader, upTo)
	if err != nil {
		return err
	}
	m.Unread = n
	return t.inboxes()
}

// unreadAfter counts the live messages of others after message seq: none
// to read once the marker is at the end (the usual case); otherwise one
// document per message after the marker.
func (t *convStep) unreadAfter(person string, seq uint64) (int, error) {
	c := t.c
	if seq == 0 {
		return c.Live - c.Posted[person], nil
	}
	n := 0
	for s := seq + 1; s <= c.LastSeq; s++ {
		m, ok, err := Get[messageDoc](t.b, nsMessage, messageKey(t.id, s))
		if err != nil {
			return 0, err
		}
		if ok && !m.Deleted && m.Author != person {
			n++
		}
	}
	return n, nil
}

// join makes person a member (again), with what they have not read.
func (t *convStep) join(person string) error {
	if person == "" {
		return nil
	}
	c := t.c
	m, ok := c.Members[person]
	if ok && !m.Gone {
		return nil
	}
	if !ok {
		m = &convMember{}
		c.Members[person] = m
	}
	n, err := t.unreadAfter(person, m.LastRead)
	if err != nil {
		return err
	}
	m.Gone, m.Unread = false, n
	return t.inbox(person, m)
}

// leave takes the conversation out of person's inbox.
func (t *convStep) leave(person string) error {
	m, ok := t.c.Members[person]
	if !ok || m.Gone {
		return nil
	}
	m.Gone = true
	in, _, err := Get[inboxDoc](t.b, nsInbox, person)
	if err != nil {
		return err
	}
	delete(in.Conversations, t.id)
	t.b.Put(nsInbox, person, in)
	return nil
}

// inboxes writes every present member's inbox entry.
func (t *convStep) inboxes() error {
	for p, m := range t.c.Members {
		if !m.Gone {
			if err := t.inbox(p, m); err != nil {
				return err
			}
		}
	}
	return nil
}

func (t *convStep) inbox(person string, m *convMember) error {
	in, _, err := Get[inboxDoc](t.b, nsInbox, person)
	if err != nil {
		return err
	}
	if in.Conversations == nil {
		in.Conversations = map[string]*inboxEntry{}
	}
	c := t.c
	var with []string
	for _, p := range c.Participants {
		if p != person {
			with = append(with, p)
		}
	}
	slices.Sort(with)
	in.Conversations[t.id] = &inboxEntry{Kind: c.Kind, Portfolio: c.Portfolio, With: with, LastSeq: c.LastSeq, LastAt: c.LastAt, Unread: m.Unread}
	t.b.Put(nsInbox, person, in)
	return nil
}
