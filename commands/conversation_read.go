package commands

import (
	"context"
	"time"

	"github.com/parcours/parcours/domain"
)

// MarkConversationRead moves the actor's read marker up to message UpTo
// (0: the last one). A marker never moves back; marking again what was
// read records nothing.
type MarkConversationRead struct {
	ConversationRef
	UpTo uint64 `json:"up_to,omitempty"`
}

func (h *Handler) MarkConversationRead(ctx context.Context, call Call, cmd MarkConversationRead) (Result, error) {
	return h.conversationUpdate(ctx, call, cmd.ConversationRef, cmd, true,
		func(c *domain.Conversation, _ *domain.Portfolio, now time.Time) ([]domain.Event, error) {
			return c.MarkRead(call.Actor.PersonID, cmd.UpTo, now)
		})
}
