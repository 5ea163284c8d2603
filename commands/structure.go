package commands

import (
	"context"

	"github.com/parcours/parcours/domain"
)

// structureUpdate runs decide on structure id after checking that the
// actor is the operator or, when adminOK, an active admin of it.
func (h *Handler) structureUpdate(ctx context.Context, call Call, id string, adminOK bool, request any,
	decide func(*domain.Structure) ([]domain.Event, error)) (Result, error) {
	if err := validActor(call.Actor); err != nil {
		return Result{}, err
	}
	if !domain.ValidID(id) {
		return Result{}, &domain.Error{Kind: domain.KindInvalid, Field: "structure_id", Reason: "must be 1 to 64 letters, digits, '-' or '_'"}
	}
	a := call.Actor
	return h.update(ctx, call, id, domain.StructureStream(id), func() aggregate { return domain.NewStructure(id) }, request, true,
		func(s aggregate) ([]domain.Event, error) {
			st := s.(*domain.Structure)
			switch {
			case a.Role == domain.RoleOperator:
			case adminOK && a.Tenant == id && st.HasActive(a.PersonID, domain.RoleStructureAdmin):
			case a.Tenant == id && st.Exists():
				return nil, &domain.Error{Kind: domain.KindForbidden, Reason: "only the structure's admins may do this"}
			default:
				return nil, &domain.Error{Kind: domain.KindNotFound, Field: "structure", Reason: "no structure " + id}
			}
			return decide(st)
		})
}

// RegisterStructure registers a new structure (the operator only).
type RegisterStructure struct {
	StructureID string `json:"structure_id"`
	Name        string `json:"name"`
	Seats       int    `json:"seats"`
}

func (h *Handler) RegisterStructure(ctx context.Context, call Call, cmd RegisterStructure) (Result, error) {
	if cmd.StructureID == "" {
		cmd.StructureID = h.newID(call, "s-", 0)
	}
	if call.Actor.Role != domain.RoleOperator {
		return Result{}, &domain.Error{Kind: domain.KindForbidden, Reason: "only the platform operator registers structures"}
	}
	res, err := h.structureUpdate(ctx, call, cmd.StructureID, false, cmd, func(s *domain.Structure) ([]domain.Event, error) {
		return s.RegisterStructure(cmd.Name, cmd.Seats)
	})
	res.ID = cmd.StructureID
	return res, err
}

// ChangeSeats sets a structure's number of seats.
type ChangeSeats struct {
	StructureID string `json:"structure_id"`
	Seats       int    `json:"seats"`
}

func (h *Handler) ChangeSeats(ctx context.Context, call Call, cmd ChangeSeats) (Result, error) {
	return h.structureUpdate(ctx, call, cmd.StructureID, true, cmd, func(s *domain.Structure) ([]domain.Event, error) {
		return s.ChangeSeats(cmd.Seats)
	})
}

// EnrolPerson enrols a person in a role; a beneficiary gets a portfolio.
type EnrolPerson struct {
	StructureID string      `json:"structure_id"`
	PersonID    string      `json:"person_id"`
	Role        domain.Role `json:"role"`
	Name        string      `json:"name"`
	Email       string      `json:"email,omitempty"`
}

func (h *Handler) EnrolPerson(ctx context.Context, call Call, cmd EnrolPerson) (Result, error) {
	if cmd.PersonID == "" {
		cmd.PersonID = h.newID(call, "p-", 0)
	}
	res, err := h.structureUpdate(ctx, call, cmd.StructureID, true, cmd, func(s *domain.Structure) ([]domain.Event, error) {
		return s.Enrol(cmd.PersonID, cmd.Role, domain.PersonIdentity{Name: cmd.Name, Email: cmd.Email})
	})
	res.ID = cmd.PersonID
	if err != nil || cmd.Role != domain.RoleBeneficiary {
		return res, err
	}
	// The portfolio is its own stream: open it now (again after a partial
	// failure: an existing portfolio is fine).
	_, err = h.update(ctx, call, cmd.StructureID, domain.PortfolioStream(cmd.PersonID),
		func() aggregate { return domain.NewPortfolio(cmd.PersonID) }, nil, true,
		func(s aggregate) ([]domain.Event, error) { return s.(*domain.Portfolio).Open(cmd.StructureID) })
	if domain.KindOf(err) == domain.KindConflict {
		err = nil
	}
	return res, err
}

// LeaveStructure records that a person left; their portfolio stays theirs.
type LeaveStructure struct {
	StructureID string `json:"structure_id"`
	PersonID    string `json:"person_id"`
}

func (h *Handler) LeaveStructure(ctx context.Context, call Call, cmd LeaveStructure) (Result, error) {
	return h.structureUpdate(ctx, call, cmd.StructureID, true, cmd, func(s *domain.Structure) ([]domain.Event, error) {
		return s.Leave(cmd.PersonID)
	})
}
