package commands

import (
	"context"

	"github.com/parcours/parcours/domain"
)

// IsMember reports whether person is an active member of structure in
// role, from the structure's stream (cached: only new events are read).
// Credentials use it at login and when tokens are made.
func (h *Handler) IsMember(ctx context.Context, structure, person string, role domain.Role) (bool, error) {
	if !domain.ValidID(structure) {
		return false, nil
	}
	var ok bool
	err := h.withStructure(ctx, structure, func(st *domain.Structure) error {
		ok = st.HasActive(person, role)
		return nil
	})
	return ok, err
}
