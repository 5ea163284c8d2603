package commands

import (
	"context"
	"time"

	"github.com/parcours/parcours/domain"
)

// ConversationRef names a conversation: a portfolio's (PortfolioID), or a
// one-to-one conversation by its ID (ConversationID). Exactly one is set;
// both come from the request's path.
type ConversationRef struct {
	PortfolioID    string `json:"portfolio_id,omitempty"`
	ConversationID string `json:"conversation_id,omitempty"`
}

// ID returns the conversation ID the reference names.
func (r ConversationRef) ID() (string, error) {
	switch {
	case r.PortfolioID != "" && r.ConversationID == "":
		if !domain.ValidID(r.PortfolioID) {
			return "", &domain.Error{Kind: domain.KindNotFound, Field: "portfolio", Reason: "no portfolio " + r.PortfolioID}
		}
		return domain.PortfolioConversationID(r.PortfolioID), nil
	case r.PortfolioID == "" && domain.ValidConversationID(r.ConversationID):
		if _, ok := domain.PortfolioOfConversation(r.ConversationID); ok {
			break // a portfolio's conversation is named by its portfolio
		}
		return r.ConversationID, nil
	}
	return "", notFoundConversation(r.ConversationID)
}

// conversationUpdate is the shape of every conversation command: load the
// conversation, authorize the actor (a portfolio's conversation by the
// portfolio's rules, actConverse; a one-to-one conversation by its
// participants), then decide. p is the portfolio of a portfolio's
// conversation, nil for a one-to-one one.
func (h *Handler) conversationUpdate(ctx context.Context, call Call, ref ConversationRef, request any, retrySafe bool,
	decide func(c *domain.Conversation, p *domain.Portfolio, now time.Time) ([]domain.Event, error)) (Result, error) {
	if err := validActor(call.Actor); err != nil {
		return Result{}, err
	}
	id, err := ref.ID()
	if err != nil {
		return Result{}, err
	}
	a := call.Actor
	return h.update(ctx, call, a.Tenant, domain.ConversationStream(a.Tenant, id), func() aggregate { return domain.NewConversation(id) }, request, retrySafe,
		func(s aggregate) ([]domain.Event, error) {
			c := s.(*domain.Conversation)
			var events []domain.Event
			err := h.authorizeConversation(ctx, a, c, ref, func(p *domain.Portfolio, now time.Time) error {
				var err error
				events, err = decide(c, p, now)
				return err
			})
			return events, err
		})
}

// authorizeConversation authorizes a on conversation c (whose lock the
// caller holds) and runs fn with its portfolio (nil for a one-to-one
// conversation), holding the portfolio's and the structure's locks.
func (h *Handler) authorizeConversation(ctx context.Context, a domain.Actor, c *domain.Conversation, ref ConversationRef,
	fn func(p *domain.Portfolio, now time.Time) error) error {
	if ref.PortfolioID != "" {
		return h.withPortfolio(ctx, a, ref.PortfolioID, func(p *domain.Portfolio, st *domain.Structure, now time.Time) error {
			if err := authorize(a, st, p, actConverse, nil, "", now); err != nil {
				return err
			}
			return fn(p, now)
		})
	}
	return h.withStructure(ctx, a.Tenant, func(st *domain.Structure) error {
		if err := authorizeDirect(a, st, c); err != nil {
			return err
		}
		return fn(nil, h.now())
	})
}

// ConversationAccess is what an actor may see of a conversation.
type ConversationAccess struct {
	ID        string
	Kind      domain.ConversationKind
	Portfolio string // of a portfolio's conversation
	// Participants of a one-to-one conversation.
	Participants []string
	// SeesEvidence reports whether the actor may see an attached evidence
	// item: a tutor sees only those in the scope of their grant.
	SeesEvidence func(id string) bool
}

// OpenConversation authorizes a to read a conversation, and says what of
// it they may see. A portfolio's conversation that has no message yet is
// readable (and empty) by those who may take part in it. A portfolio's
// conversation is authorized by its portfolio alone: its own stream is
// not read, so opening a long one costs no more than a short one.
func (h *Handler) OpenConversation(ctx context.Context, a domain.Actor, ref ConversationRef) (ConversationAccess, error) {
	if err := validActor(a); err != nil {
		return ConversationAccess{}, err
	}
	id, err := ref.ID()
	if err != nil {
		return ConversationAccess{}, err
	}
	if ref.PortfolioID != "" {
		acc := ConversationAccess{ID: id, Kind: domain.ConversationPortfolio, Portfolio: ref.PortfolioID}
		err := h.withPortfolio(ctx, a, ref.PortfolioID, func(p *domain.Portfolio, st *domain.Structure, now time.Time) error {
			if err := authorize(a, st, p, actConverse, nil, "", now); err != nil {
				return err
			}
			acc.SeesEvidence = evidenceSeenBy(a, p, now)
			return nil
		})
		if err != nil {
			return ConversationAccess{}, err
		}
		return acc, nil
	}
	stream := domain.ConversationStream(a.Tenant, id)
	e := h.cache.get(stream, func() *entry { return &entry{state: domain.NewConversation(id), idem: map[string]idemRecord{}} })
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := h.catchUp(ctx, e, stream); err != nil {
		h.cache.drop(stream)
		return ConversationAccess{}, err
	}
	c := e.state.(*domain.Conversation)
	if err := h.withStructure(ctx, a.Tenant, func(st *domain.Structure) error { return authorizeDirect(a, st, c) }); err != nil {
		return ConversationAccess{}, err
	}
	return ConversationAccess{ID: id, Kind: domain.ConversationDirect, Participants: c.Participants(),
		SeesEvidence: func(string) bool { return false }}, nil
}

// evidenceSeenBy reports which evidence of p actor a may see attached to
// a message: all of it, but for a tutor, only what their grants reach.
func evidenceSeenBy(a domain.Actor, p *domain.Portfolio, now time.Time) func(string) bool {
	if a.Role != domain.RoleTutor {
		return func(string) bool { return true }
	}
	seen := map[string]bool{}
	for ev := range p.Evidence() {
		seen[ev] = p.TutorCovers(a.PersonID, domain.ItemRef{Kind: domain.ItemEvidence, ID: ev}, now)
	}
	return func(id string) bool { return seen[id] }
}

// StartConversation starts the one-to-one conversation of the actor and
// With, two staff members (counsellors, structure admins) of one
// structure. There is one such conversation per pair: starting it again
// answers the same ID and records nothing.
type StartConversation struct {
	With string `json:"with"`
}

// StartConversation is safe to re-decide: a start that lost a race finds
// the conversation started.
func (h *Handler) StartConversation(ctx context.Context, call Call, cmd StartConversation) (Result, error) {
	if err := validActor(call.Actor); err != nil {
		return Result{}, err
	}
	a := call.Actor
	if !domain.ValidID(cmd.With) {
		return Result{}, &domain.Error{Kind: domain.KindInvalid, Field: "with", Reason: "must be 1 to 64 letters, digits, '-' or '_'"}
	}
	id := domain.DirectConversationID(a.Tenant, a.PersonID, cmd.With)
	res, err := h.update(ctx, call, a.Tenant, domain.ConversationStream(a.Tenant, id), func() aggregate { return domain.NewConversation(id) }, cmd, true,
		func(s aggregate) ([]domain.Event, error) {
			c := s.(*domain.Conversation)
			var events []domain.Event
			err := h.withStructure(ctx, a.Tenant, func(st *domain.Structure) error {
				if !isStaff(a.Role) || !st.HasActive(a.PersonID, a.Role) {
					return &domain.Error{Kind: domain.KindForbidden, Reason: "one-to-one conversations are between staff of a structure"}
				}
				other, ok := st.Member(cmd.With)
				if !ok || !other.Active || !isStaff(other.Role) {
					return &domain.Error{Kind: domain.KindNotFound, Field: "with", Reason: "no staff member " + cmd.With + " in your structure"}
				}
				var err error
				events, err = c.StartDirect(a.Tenant, a.PersonID, cmd.With, h.now())
				return err
			})
			return events, err
		})
	res.ID = id
	return res, err
}
