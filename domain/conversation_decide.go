package domain

import (
	"slices"
	"time"
)

// StartPortfolioConversation returns the event that starts the
// conversation of portfolio p, if it has not started: a portfolio's
// conversation starts with its first message.
func (c *Conversation) StartPortfolioConversation(p *Portfolio, by string, now time.Time) []Event {
	if c.exists {
		return nil
	}
	return []Event{&ConversationStarted{ConversationID: c.id, Kind: ConversationPortfolio, Tenant: p.Tenant(),
		Portfolio: p.ID(), By: by, At: now}}
}

// StartDirect decides a one-to-one conversation between by and with,
// people of tenant whose membership the command layer checked. Starting
// one that exists decides nothing.
func (c *Conversation) StartDirect(tenant, by, with string, now time.Time) ([]Event, error) {
	if err := checkID("with", with); err != nil {
		return nil, err
	}
	if with == by {
		return nil, invalid("with", "name someone other than yourself")
	}
	if c.exists {
		return nil, nil
	}
	pair := []string{by, with}
	slices.Sort(pair)
	return []Event{&ConversationStarted{ConversationID: c.id, Kind: ConversationDirect, Tenant: tenant,
		Participants: pair, By: by, At: now}}, nil
}

// Post decides a message by author. attachments name evidence items that
// the command layer checked exist and that the author may see; p is the
// portfolio of a portfolio conversation (nil for a direct one). started
// are events deciding the conversation's start in the same append.
func (c *Conversation) Post(id string, author Actor, text string, attachments []string, p *Portfolio, started bool, now time.Time) ([]Event, error) {
	if !c.exists && !started {
		return nil, notFound("conversation", "no conversation %s", c.id)
	}
	if err := checkID("message_id", id); err != nil {
		return nil, err
	}
	if _, dup := c.messages[id]; dup {
		return nil, conflict("message %s already exists", id)
	}
	if err := checkText("text", text, 1, MaxMessageText); err != nil {
		return nil, err
	}
	if err := c.checkAttachments(attachments, p); err != nil {
		return nil, err
	}
	return []Event{&MessagePosted{MessageID: id, Seq: c.last + 1, Author: author.PersonID, Role: author.Role, At: now,
		Attachments: attachments, Personal: MessageText{Text: text}}}, nil
}

func (c *Conversation) checkAttachments(ids []string, p *Portfolio) error {
	if len(ids) == 0 {
		return nil
	}
	if p == nil {
		return invalid("attachments", "only a portfolio's conversation carries evidence")
	}
	if len(ids) > maxAttachments {
		return invalid("attachments", "at most %d items", maxAttachments)
	}
	for i, id := range ids {
		if slices.Contains(ids[:i], id) {
			return invalid("attachments", "evidence %s is named twice", id)
		}
		if !p.Has(ItemRef{Kind: ItemEvidence, ID: id}) {
			return notFound("attachments", "no evidence %s", id)
		}
	}
	return nil
}

// Edit decides a new text for a message, by its author only.
func (c *Conversation) Edit(id, by, text string, now time.Time) ([]Event, error) {
	m, err := c.ownMessage(id, by)
	if err != nil {
		return nil, err
	}
	if err := checkText("text", text, 1, MaxMessageText); err != nil {
		return nil, err
	}
	return []Event{&MessageEdited{MessageID: id, Seq: m.Seq, Author: m.Author, At: now, Personal: MessageText{Text: text}}}, nil
}

// Delete decides the deletion of a message, by its author only. The event
// stays in the log; readers show the message as deleted.
func (c *Conversation) Delete(id, by string, now time.Time) ([]Event, error) {
	m, err := c.ownMessage(id, by)
	if err != nil {
		return nil, err
	}
	return []Event{&MessageDeleted{MessageID: id, Seq: m.Seq, Author: m.Author, At: now}}, nil
}

func (c *Conversation) ownMessage(id, by string) (*Message, error) {
	m, ok := c.messages[id]
	if !ok {
		return nil, notFound("message", "no message %s", id)
	}
	if m.Author != by {
		return nil, forbidden("only its author may change a message")
	}
	if m.Deleted {
		return nil, conflict("message %s is deleted", id)
	}
	return m, nil
}

// MarkRead decides reader's read marker up to upTo (0: the last message).
// A marker never moves back: marking what was already read decides
// nothing.
func (c *Conversation) MarkRead(reader string, upTo uint64, now time.Time) ([]Event, error) {
	if !c.exists {
		return nil, nil // nothing to read yet
	}
	if upTo == 0 {
		upTo = c.last
	}
	if upTo > c.last {
		return nil, invalid("up_to", "the conversation has %d messages", c.last)
	}
	if upTo <= c.read[reader] {
		return nil, nil
	}
	return []Event{&ConversationRead{Reader: reader, UpTo: upTo, At: now}}, nil
}
