package commands

import (
	"context"
	"strconv"

	"github.com/parcours/parcours/domain"
)

// ImportFramework records a new version of a reference framework, from
// entries read from its open-data files (package frameworks). The
// platform's operator only: frameworks are shared by every structure.
type ImportFramework struct {
	Kind domain.FrameworkKind `json:"kind"`
	domain.FrameworkImport
}

// importRequest is what an import's idempotency key is bound to: the
// files (by their checksum), not the entries read from them.
type importRequest struct {
	Kind     domain.FrameworkKind `json:"kind"`
	Label    string               `json:"label"`
	Checksum string               `json:"checksum"`
}

// ImportFramework appends the import in one go (all its parts or none).
// The result's ID is the new version's number.
func (h *Handler) ImportFramework(ctx context.Context, call Call, cmd ImportFramework) (Result, error) {
	if err := validActor(call.Actor); err != nil {
		return Result{}, err
	}
	if err := authorizeFrameworkImport(call.Actor); err != nil {
		return Result{}, err
	}
	if !cmd.Kind.Valid() {
		return Result{}, &domain.Error{Kind: domain.KindInvalid, Field: "kind", Reason: "must be rncp, rome or esco"}
	}
	var version int
	res, err := h.update(ctx, call, "", domain.FrameworkStream(cmd.Kind), func() aggregate { return domain.NewFramework(cmd.Kind) },
		importRequest{Kind: cmd.Kind, Label: cmd.Label, Checksum: cmd.Checksum}, false,
		func(s aggregate) ([]domain.Event, error) {
			events, err := s.(*domain.Framework).Import(cmd.FrameworkImport, call.Actor.PersonID, h.now())
			if err == nil {
				version = events[len(events)-1].(*domain.FrameworkImported).Version
			}
			return events, err
		})
	if err == nil && !res.Replayed {
		res.ID = strconv.Itoa(version)
	}
	return res, err
}

// FrameworkVersions returns the imports of kind, the oldest first, for
// whoever may read frameworks.
func (h *Handler) FrameworkVersions(ctx context.Context, a domain.Actor, kind domain.FrameworkKind) ([]domain.FrameworkVersion, error) {
	if err := h.AuthorizeFrameworkRead(ctx, a); err != nil {
		return nil, err
	}
	if !kind.Valid() {
		return nil, &domain.Error{Kind: domain.KindNotFound, Field: "kind", Reason: "no framework " + string(kind)}
	}
	stream := domain.FrameworkStream(kind)
	e := h.cache.get(stream, func() *entry { return &entry{state: domain.NewFramework(kind), idem: map[string]idemRecord{}} })
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := h.catchUp(ctx, e, stream); err != nil {
		h.cache.drop(stream)
		return nil, err
	}
	return e.state.(*domain.Framework).Versions(), nil
}

// AuthorizeFrameworkRead decides who may search the frameworks: the
// operator, and the active members of a structure (any role).
func (h *Handler) AuthorizeFrameworkRead(ctx context.Context, a domain.Actor) error {
	if err := validActor(a); err != nil {
		return err
	}
	if a.Role == domain.RoleOperator {
		return nil
	}
	return h.withStructure(ctx, a.Tenant, func(st *domain.Structure) error {
		return authorizeFrameworkRead(a, st, h.now())
	})
}
