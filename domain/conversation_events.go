package domain

import "time"

// Conversation events. A message's text is sealed with its author's key
// (DataSubject), not the key of the portfolio's owner: an erased author's
// messages read as erased, and the others' stay.
type (
	ConversationStarted struct {
		ConversationID string           `json:"conversation_id"`
		Kind           ConversationKind `json:"kind"`
		Tenant         string           `json:"tenant"`
		Portfolio      string           `json:"portfolio,omitempty"`
		Participants   []string         `json:"participants,omitempty"`
		By             string           `json:"by"`
		At             time.Time        `json:"at"`
	}
	MessagePosted struct {
		MessageID   string      `json:"message_id"`
		Seq         uint64      `json:"seq"`
		Author      string      `json:"author"`
		Role        Role        `json:"role"`
		At          time.Time   `json:"at"`
		Attachments []string    `json:"attachments,omitempty"`
		Personal    MessageText `json:"-"`
	}
	MessageEdited struct {
		MessageID string      `json:"message_id"`
		Seq       uint64      `json:"seq"`
		Author    string      `json:"author"`
		At        time.Time   `json:"at"`
		Personal  MessageText `json:"-"`
	}
	MessageDeleted struct {
		MessageID string    `json:"message_id"`
		Seq       uint64    `json:"seq"`
		Author    string    `json:"author"`
		At        time.Time `json:"at"`
	}
	// ConversationRead moves a participant's read marker: they have read
	// every message up to UpTo.
	ConversationRead struct {
		Reader string    `json:"reader"`
		UpTo   uint64    `json:"up_to"`
		At     time.Time `json:"at"`
	}
)

// MessageText is the personal part of a message.
type MessageText struct {
	Text string `json:"text"`
}

func (ConversationStarted) EventType() string { return "ConversationStarted" }
func (MessagePosted) EventType() string       { return "MessagePosted" }
func (MessageEdited) EventType() string       { return "MessageEdited" }
func (MessageDeleted) EventType() string      { return "MessageDeleted" }
func (ConversationRead) EventType() string    { return "ConversationRead" }

func (e *MessagePosted) PersonalPart() any   { return &e.Personal }
func (e *MessagePosted) DataSubject() string { return e.Author }
func (e *MessageEdited) PersonalPart() any   { return &e.Personal }
func (e *MessageEdited) DataSubject() string { return e.Author }

func (e *ConversationStarted) applyToConversation(c *Conversation) {
	c.exists, c.kind, c.tenant, c.portfolio = true, e.Kind, e.Tenant, e.Portfolio
	c.participants = append([]string(nil), e.Participants...)
}
func (e *MessagePosted) applyToConversation(c *Conversation) {
	c.messages[e.MessageID] = &Message{ID: e.MessageID, Seq: e.Seq, Author: e.Author, Role: e.Role, At: e.At, Attachments: e.Attachments}
	c.last = max(c.last, e.Seq)
	c.read[e.Author] = max(c.read[e.Author], e.Seq) // one has read what one answers
}
func (e *MessageEdited) applyToConversation(c *Conversation) {
	if m := c.messages[e.MessageID]; m != nil {
		m.Edited = true
	}
}
func (e *MessageDeleted) applyToConversation(c *Conversation) {
	if m := c.messages[e.MessageID]; m != nil {
		m.Deleted = true
	}
}
func (e *ConversationRead) applyToConversation(c *Conversation) {
	c.read[e.Reader] = max(c.read[e.Reader], e.UpTo)
}

var conversationEvents = []EventSpec{
	{Type: "ConversationStarted", Version: 1, New: func() Event { return &ConversationStarted{} }},
	{Type: "MessagePosted", Version: 1, New: func() Event { return &MessagePosted{} }},
	{Type: "MessageEdited", Version: 1, New: func() Event { return &MessageEdited{} }},
	{Type: "MessageDeleted", Version: 1, New: func() Event { return &MessageDeleted{} }},
	{Type: "ConversationRead", Version: 1, New: func() Event { return &ConversationRead{} }},
}
