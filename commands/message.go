package commands

import (
	"context"
	"time"

	"github.com/parcours/parcours/domain"
)

// PostMessage posts a message to a conversation. A portfolio's
// conversation starts with its first message. Attachments name evidence
// items of the portfolio; a tutor may attach only those in the scope of
// their grant.
type PostMessage struct {
	ConversationRef
	MessageID   string   `json:"message_id,omitempty"`
	Text        string   `json:"text"`
	Attachments []string `json:"attachments,omitempty"`
}

// PostMessage is safe to re-decide: a message takes the next number
// whatever was posted meanwhile.
func (h *Handler) PostMessage(ctx context.Context, call Call, cmd PostMessage) (Result, error) {
	if cmd.MessageID == "" {
		cmd.MessageID = h.newID(call, "m-", 0)
	}
	a := call.Actor
	res, err := h.conversationUpdate(ctx, call, cmd.ConversationRef, cmd, true,
		func(c *domain.Conversation, p *domain.Portfolio, now time.Time) ([]domain.Event, error) {
			var started []domain.Event
			if p != nil {
				started = c.StartPortfolioConversation(p, a.PersonID, now)
				if a.Role == domain.RoleTutor {
					for _, ev := range cmd.Attachments {
						if p.Has(domain.ItemRef{Kind: domain.ItemEvidence, ID: ev}) && !p.TutorCovers(a.PersonID, domain.ItemRef{Kind: domain.ItemEvidence, ID: ev}, now) {
							// Out of scope: the tutor must not learn it exists.
							return nil, &domain.Error{Kind: domain.KindNotFound, Field: "evidence", Reason: "no such item"}
						}
					}
				}
			}
			posted, err := c.Post(cmd.MessageID, a, cmd.Text, cmd.Attachments, p, len(started) > 0, now)
			if err != nil {
				return nil, err
			}
			return append(started, posted...), nil
		})
	res.ID = cmd.MessageID
	return res, err
}

// EditMessage replaces the text of one's own message. The earlier text
// stays in the log, sealed like the new one.
type EditMessage struct {
	ConversationRef
	MessageID string `json:"message_id"`
	Text      string `json:"text"`
}

func (h *Handler) EditMessage(ctx context.Context, call Call, cmd EditMessage) (Result, error) {
	return h.conversationUpdate(ctx, call, cmd.ConversationRef, cmd, true,
		func(c *domain.Conversation, _ *domain.Portfolio, now time.Time) ([]domain.Event, error) {
			return c.Edit(cmd.MessageID, call.Actor.PersonID, cmd.Text, now)
		})
}

// DeleteMessage deletes one's own message: readers show it as deleted.
type DeleteMessage struct {
	ConversationRef
	MessageID string `json:"message_id"`
}

func (h *Handler) DeleteMessage(ctx context.Context, call Call, cmd DeleteMessage) (Result, error) {
	return h.conversationUpdate(ctx, call, cmd.ConversationRef, cmd, true,
		func(c *domain.Conversation, _ *domain.Portfolio, now time.Time) ([]domain.Event, error) {
			return c.Delete(cmd.MessageID, call.Actor.PersonID, now)
		})
}
