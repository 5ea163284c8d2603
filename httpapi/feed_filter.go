package httpapi

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore"
)

// feedFilter decides which events a feed sends to its actor (the rule is
// in feedDescription). Portfolio access is asked of the command layer,
// with the rights as they are now, and remembered for a while: it changes
// only with the events listed in accessEvents, or when a grant expires.
type feedFilter struct {
	a       domain.Actor
	h       *commands.Handler
	mayRead map[string]bool // portfolio ID → the actor may read it
	since   time.Time
}

// accessEvents change who may see a portfolio; a structure admin sees
// them on the portfolios of their structure.
var accessEvents = map[string]bool{
	"PortfolioOpened": true, "CounsellorAssigned": true, "CounsellorUnassigned": true,
	"TutorInvited": true, "AuditorGranted": true, "GrantRevoked": true,
	"PersonEnrolled": true, "PersonLeft": true,
}

// feedRecheck bounds how long a portfolio access decision is reused.
const feedRecheck = 30 * time.Second

func newFeedFilter(a domain.Actor, h *commands.Handler) *feedFilter {
	return &feedFilter{a: a, h: h, mayRead: map[string]bool{}, since: time.Now()}
}

func (f *feedFilter) visible(ctx context.Context, e eventstore.Event) (bool, error) {
	var m eventstore.Metadata
	if json.Unmarshal(e.Metadata, &m) != nil {
		return false, nil
	}
	if accessEvents[e.Type] || time.Since(f.since) > feedRecheck {
		clear(f.mayRead)
		f.since = time.Now()
	}
	a := f.a
	kind, id, _ := strings.Cut(e.Stream, "-")
	operator := a.Role == domain.RoleOperator
	switch {
	case m.Actor == a.PersonID && m.Role == string(a.Role) && (operator || m.Tenant == a.Tenant):
		return true, nil // what one did oneself
	case kind == "person" && id == a.PersonID:
		return true, nil // one's own erasure record
	}
	if tenant, conv, ok := domain.ConversationOfStream(e.Stream); ok {
		// A conversation's events go to those who take part in it,
		// never to the operator or, as such, to the structure's admin.
		if operator || tenant != a.Tenant || m.Tenant != a.Tenant {
			return false, nil
		}
		return f.conversation(ctx, conv)
	}
	switch {
	case operator:
		return kind == "structure", nil
	case m.Tenant != a.Tenant:
		return false, nil
	}
	admin := a.Role == domain.RoleStructureAdmin
	switch kind {
	case "structure":
		return admin && id == a.Tenant, nil
	case "person":
		return admin, nil
	case "portfolio":
		if admin {
			return accessEvents[e.Type], nil
		}
		if a.Role == domain.RoleBeneficiary || a.Role == domain.RoleCounsellor {
			return f.portfolio(ctx, id)
		}
	}
	return false, nil
}

// conversation reports whether the actor takes part in conversation id
// now (remembered as portfolio access is).
func (f *feedFilter) conversation(ctx context.Context, id string) (bool, error) {
	key := "conversation:" + id // no portfolio ID holds ':'
	if ok, known := f.mayRead[key]; known {
		return ok, nil
	}
	ref := commands.ConversationRef{ConversationID: id}
	if p, ok := domain.PortfolioOfConversation(id); ok {
		ref = commands.ConversationRef{PortfolioID: p}
	}
	_, err := f.h.OpenConversation(ctx, f.a, ref)
	switch domain.KindOf(err) {
	case domain.KindNotFound, domain.KindForbidden:
		f.mayRead[key] = false
		return false, nil
	}
	if err != nil {
		return false, err
	}
	f.mayRead[key] = true
	return true, nil
}

// portfolio reports whether the actor may read portfolio id now.
func (f *feedFilter) portfolio(ctx context.Context, id string) (bool, error) {
	if ok, known := f.mayRead[id]; known {
		return ok, nil
	}
	err := f.h.ReadPortfolio(ctx, f.a, id, "", func(*domain.Portfolio, uint64) error { return nil })
	switch domain.KindOf(err) {
	case domain.KindNotFound, domain.KindForbidden:
		f.mayRead[id] = false
		return false, nil
	}
	if err != nil {
		return false, err
	}
	f.mayRead[id] = true
	return true, nil
}
