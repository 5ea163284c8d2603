package commands

import (
	"context"
	"slices"
	"time"

	"github.com/parcours/parcours/domain"
)

// notifyUpdate is the shape of a person's notification commands: their
// own settings stream, loaded and decided on; only the person themself,
// while an active member of their structure, may change it.
func (h *Handler) notifyUpdate(ctx context.Context, call Call, request any,
	decide func(s *domain.NotifySettings, now time.Time) ([]domain.Event, error)) (Result, error) {
	a := call.Actor
	if err := authorizeNotifications(ctx, h, a); err != nil {
		return Result{}, err
	}
	return h.update(ctx, call, a.Tenant, domain.NotifyStream(a.Tenant, a.PersonID),
		func() aggregate { return domain.NewNotifySettings(a.PersonID) }, request, true,
		func(s aggregate) ([]domain.Event, error) { return decide(s.(*domain.NotifySettings), h.now()) })
}

// authorizeNotifications decides who may read and change a notification
// centre: its person alone, while an active member of their structure in
// the role of their credential. The operator has none.
func authorizeNotifications(ctx context.Context, h *Handler, a domain.Actor) error {
	if err := validActor(a); err != nil {
		return err
	}
	if a.Role == domain.RoleOperator {
		return &domain.Error{Kind: domain.KindForbidden, Reason: "the operator has no notification centre"}
	}
	return h.withStructure(ctx, a.Tenant, func(st *domain.Structure) error {
		if !st.Exists() {
			return &domain.Error{Kind: domain.KindNotFound, Field: "structure", Reason: "no structure " + a.Tenant}
		}
		if !st.HasActive(a.PersonID, a.Role) {
			return &domain.Error{Kind: domain.KindForbidden, Reason: "no active member " + a.PersonID}
		}
		return nil
	})
}

// OpenNotifications authorizes actor a to read their own notification
// centre (every read goes through it before the read model).
func (h *Handler) OpenNotifications(ctx context.Context, a domain.Actor) error {
	return authorizeNotifications(ctx, h, a)
}

// SetNotificationPreferences records the actor's choice, per kind, of
// notifications in the app and by e-mail.
type SetNotificationPreferences struct {
	Kinds map[domain.NotificationKind]domain.NotificationChannels `json:"kinds"`
}

func (h *Handler) SetNotificationPreferences(ctx context.Context, call Call, cmd SetNotificationPreferences) (Result, error) {
	return h.notifyUpdate(ctx, call, cmd, func(s *domain.NotifySettings, now time.Time) ([]domain.Event, error) {
		return s.SetPreferences(cmd.Kinds, now)
	})
}

// MarkNotificationsRead moves the actor's read marker up to notification
// UpTo.
type MarkNotificationsRead struct {
	UpTo uint64 `json:"up_to"`
}

func (h *Handler) MarkNotificationsRead(ctx context.Context, call Call, cmd MarkNotificationsRead) (Result, error) {
	return h.notifyUpdate(ctx, call, cmd, func(s *domain.NotifySettings, now time.Time) ([]domain.Event, error) {
		return s.MarkRead(cmd.UpTo, now)
	})
}

// UnsubscribeEmail stops every e-mail to call.Actor, whom the caller
// identified by the unsubscribe token of a digest (a token is the
// person's proof: it works after they left their structure too).
func (h *Handler) UnsubscribeEmail(ctx context.Context, call Call) (Result, error) {
	a := call.Actor
	if err := validActor(a); err != nil {
		return Result{}, err
	}
	if a.Role == domain.RoleOperator {
		return Result{}, &domain.Error{Kind: domain.KindForbidden, Reason: "the operator has no notification centre"}
	}
	return h.update(ctx, call, a.Tenant, domain.NotifyStream(a.Tenant, a.PersonID),
		func() aggregate { return domain.NewNotifySettings(a.PersonID) }, struct{}{}, true,
		func(s aggregate) ([]domain.Event, error) { return s.(*domain.NotifySettings).Unsubscribe(h.now()) })
}

// SetInactivityPeriod sets after how many days without activity a
// structure's beneficiaries are noticed (0: never); its admins or the
// operator.
type SetInactivityPeriod struct {
	StructureID string `json:"structure_id"`
	Days        int    `json:"days"`
}

func (h *Handler) SetInactivityPeriod(ctx context.Context, call Call, cmd SetInactivityPeriod) (Result, error) {
	return h.structureUpdate(ctx, call, cmd.StructureID, true, cmd, func(s *domain.Structure) ([]domain.Event, error) {
		return s.SetInactivityPeriod(cmd.Days)
	})
}

// NoticeInactivity records, if it is due, that beneficiary Person of
// structure Tenant has done nothing since LastActive (the inactivity
// sweep, as the operator, reads it from the notifications read model).
// The structure's period and the portfolio's counsellors are read here,
// so a period changed or a counsellor assigned since is taken into
// account. Nothing is recorded when it is not due.
type NoticeInactivity struct {
	Tenant     string    `json:"tenant"`
	Person     string    `json:"person"`
	LastActive time.Time `json:"last_active"`
}

func (h *Handler) NoticeInactivity(ctx context.Context, call Call, cmd NoticeInactivity) (Result, error) {
	if err := validActor(call.Actor); err != nil {
		return Result{}, err
	}
	if call.Actor.Role != domain.RoleOperator {
		return Result{}, &domain.Error{Kind: domain.KindForbidden, Reason: "only the service notices inactivity"}
	}
	if !domain.ValidID(cmd.Tenant) || !domain.ValidID(cmd.Person) {
		return Result{}, &domain.Error{Kind: domain.KindInvalid, Field: "person", Reason: "must name a structure and a person"}
	}
	var days int
	var counsellors []string
	owner := domain.Actor{PersonID: cmd.Person, Tenant: cmd.Tenant, Role: domain.RoleBeneficiary}
	err := h.withPortfolio(ctx, owner, cmd.Person, func(p *domain.Portfolio, st *domain.Structure, _ time.Time) error {
		if !st.HasActive(cmd.Person, domain.RoleBeneficiary) || p.Tenant() != cmd.Tenant {
			return &domain.Error{Kind: domain.KindNotFound, Field: "person", Reason: "no active beneficiary " + cmd.Person}
		}
		days = st.InactivityDays()
		for c := range p.Counsellors() {
			counsellors = append(counsellors, c)
		}
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	slices.Sort(counsellors)
	return h.update(ctx, call, cmd.Tenant, domain.NotifyStream(cmd.Tenant, cmd.Person),
		func() aggregate { return domain.NewNotifySettings(cmd.Person) }, cmd, true,
		func(s aggregate) ([]domain.Event, error) {
			return s.(*domain.NotifySettings).NoticeInactivity(cmd.LastActive, days, counsellors, h.now())
		})
}
