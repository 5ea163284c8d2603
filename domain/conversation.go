package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"
)

// ConversationKind tells a portfolio's conversation from a one-to-one
// conversation between two staff members of a structure.
type ConversationKind string

const (
	// ConversationPortfolio: the beneficiary and the people who follow
	// them (assigned counsellors, tutors while their grant holds). One
	// per portfolio; its ID is PortfolioConversationID(portfolio).
	ConversationPortfolio ConversationKind = "portfolio"
	// ConversationDirect: two staff members of one structure; its ID is
	// DirectConversationID(tenant, a, b).
	ConversationDirect ConversationKind = "direct"
)

// MaxMessageText bounds a message, in characters.
const MaxMessageText = 5000

// maxAttachments bounds the evidence items one message points to.
const maxAttachments = 10

// PortfolioConversationID names the conversation of a portfolio.
func PortfolioConversationID(portfolio string) string { return "p-" + portfolio }

// DirectConversationID names the one conversation of two people of a
// structure, whoever starts it.
func DirectConversationID(tenant, a, b string) string {
	pair := []string{a, b}
	slices.Sort(pair)
	sum := sha256.Sum256([]byte(tenant + "\x00" + pair[0] + "\x00" + pair[1]))
	return "d-" + hex.EncodeToString(sum[:12])
}

// ConversationStream names the stream of conversation id of structure
// tenant. A conversation never leaves its structure, so its stream is
// named under the structure's ("structure-TENANT.conversation-ID": '.' is
// in no ID, so it is no structure's own stream), which also makes it one
// of the domain's streams that read models follow.
func ConversationStream(tenant, id string) string {
	return StructureStream(tenant) + ".conversation-" + id
}

// ConversationOfStream returns the tenant and conversation ID of a
// conversation stream.
func ConversationOfStream(stream string) (tenant, id string, ok bool) {
	rest, ok := strings.CutPrefix(stream, "structure-")
	if !ok {
		return "", "", false
	}
	tenant, id, ok = strings.Cut(rest, ".conversation-")
	return tenant, id, ok && ValidID(tenant) && ValidConversationID(id)
}

// PortfolioOfConversation returns the portfolio a conversation ID names,
// if it is a portfolio's.
func PortfolioOfConversation(id string) (string, bool) {
	p, ok := strings.CutPrefix(id, "p-")
	return p, ok && ValidID(p)
}

// ValidConversationID reports whether id can name a conversation.
func ValidConversationID(id string) bool {
	if _, ok := PortfolioOfConversation(id); ok {
		return true
	}
	d, ok := strings.CutPrefix(id, "d-")
	return ok && len(d) == 24 && ValidID(d)
}

// Conversation is one conversation: who takes part (for a direct one),
// its messages and each participant's read marker. Who may take part in a
// portfolio's conversation is the portfolio's business (the command layer
// authorizes with it); the conversation only records what was said.
type Conversation struct {
	id           string
	exists       bool
	kind         ConversationKind
	tenant       string
	portfolio    string
	participants []string
	messages     map[string]*Message
	last         uint64 // sequence number of the last message
	read         map[string]uint64
}

// Message is one message of a conversation, numbered from 1 in the order
// posted.
type Message struct {
	ID          string
	Seq         uint64
	Author      string
	Role        Role
	At          time.Time
	Attachments []string // evidence IDs of the portfolio
	Edited      bool
	Deleted     bool
}

// NewConversation returns the empty state of conversation id.
func NewConversation(id string) *Conversation {
	return &Conversation{id: id, messages: map[string]*Message{}, read: map[string]uint64{}}
}

func (c *Conversation) ID() string               { return c.id }
func (c *Conversation) Exists() bool             { return c.exists }
func (c *Conversation) Kind() ConversationKind   { return c.kind }
func (c *Conversation) Tenant() string           { return c.tenant }
func (c *Conversation) Portfolio() string        { return c.portfolio }
func (c *Conversation) LastSeq() uint64          { return c.last }
func (c *Conversation) ReadUpTo(p string) uint64 { return c.read[p] }

// Participants returns the two people of a direct conversation.
func (c *Conversation) Participants() []string { return slices.Clone(c.participants) }

// IsParticipant reports whether person takes part in a direct
// conversation.
func (c *Conversation) IsParticipant(person string) bool {
	return slices.Contains(c.participants, person)
}

// Message returns a message by ID.
func (c *Conversation) Message(id string) (*Message, bool) {
	m, ok := c.messages[id]
	return m, ok
}

// Apply evolves the state by one event; it never validates and never
// fails.
func (c *Conversation) Apply(e Event) {
	if ce, ok := e.(conversationEvent); ok {
		ce.applyToConversation(c)
	}
}

type conversationEvent interface {
	Event
	applyToConversation(*Conversation)
}
