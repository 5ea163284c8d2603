package commands

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/personaldata"
)

// AuthorizePersonRights reports whether a may erase or export the data of
// person id (GDPR articles 17 and 20): the person themself, or an active
// admin of a structure the person is or was a member of. Anyone else gets
// not found, so a denial never reveals that the person exists.
func (h *Handler) AuthorizePersonRights(ctx context.Context, a domain.Actor, id string) error {
	if err := validActor(a); err != nil {
		return err
	}
	if !domain.ValidID(id) {
		return &domain.Error{Kind: domain.KindNotFound, Field: "person", Reason: "no person " + id}
	}
	if a.PersonID == id && a.Role != domain.RoleOperator {
		return nil
	}
	if a.Role != domain.RoleStructureAdmin {
		return &domain.Error{Kind: domain.KindNotFound, Field: "person", Reason: "no person " + id}
	}
	return h.withStructure(ctx, a.Tenant, func(st *domain.Structure) error {
		if _, member := st.Member(id); !member || !st.HasActive(a.PersonID, domain.RoleStructureAdmin) {
			return &domain.Error{Kind: domain.KindNotFound, Field: "person", Reason: "no person " + id}
		}
		return nil
	})
}

// ErasePerson erases person id for the actor of call, who must pass
// AuthorizePersonRights (see Erase), and forgets every cached state: they
// hold personal data opened before the erasure.
func (h *Handler) ErasePerson(ctx context.Context, call Call, ring *personaldata.Keyring, files *personaldata.Files, id string) (Result, error) {
	if err := h.AuthorizePersonRights(ctx, call.Actor, id); err != nil {
		return Result{}, err
	}
	res, _, err := Erase(ctx, h.store, ring, files, id, call.Actor, h.now())
	h.cache.purge()
	return res, err
}

// Erase crypto-shreds person id (their files, then their keys: see
// personaldata.ErasePerson) and then records a PersonErased event, which
// holds no personal data, in their person stream, attributed to by. The
// caller authorizes. Erasing again is safe: it finds nothing left to
// destroy and records the event again, so a failure between the two steps
// is repaired by retrying. The person's logins, sessions and API tokens
// are not its business: once it succeeded, the erase paths (the API's
// DELETE /v1/people/{id}, `parcours admin erase-person`) call
// credentials.Service.ForgetPerson, and a retry of a whole erasure, which
// passes here again, reaches that step again.
func Erase(ctx context.Context, store eventstore.Store, ring *personaldata.Keyring, files *personaldata.Files, id string, by domain.Actor, now time.Time) (Result, personaldata.ErasureReport, error) {
	if !domain.ValidID(id) {
		return Result{}, personaldata.ErasureReport{}, &domain.Error{Kind: domain.KindInvalid, Field: "person", Reason: "must be 1 to 64 letters, digits, '-' or '_'"}
	}
	rep, err := personaldata.ErasePerson(ctx, ring, files, id)
	if err != nil {
		return Result{}, rep, err
	}
	data, err := json.Marshal(domain.PersonErased{Subject: id, FilesDestroyed: rep.Files})
	if err != nil {
		return Result{}, rep, fmt.Errorf("erase %s: %w", id, err)
	}
	meta := eventstore.Metadata{Actor: by.PersonID, Role: string(by.Role), Tenant: by.Tenant, OccurredAt: now.UTC()}.Marshal()
	stream := domain.PersonStream(id)
	out, err := store.Append(ctx, stream, eventstore.Any, eventstore.Proposed{
		ID: eventstore.NewEventID(), Type: domain.PersonErased{}.EventType(), SchemaVersion: 1, Data: data, Metadata: meta})
	if err != nil {
		return Result{}, rep, fmt.Errorf("keys destroyed, but recording the erasure of %s failed (erase again): %w", id, err)
	}
	return Result{Stream: stream, FirstRevision: out.FirstRevision, Revision: out.LastRevision, Position: out.Position, Events: 1}, rep, nil
}

// purge forgets every cached aggregate.
func (c *cache) purge() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.entries)
	c.order.Init()
}

// PersonErased forgets what the handler cached of a person erased by any
// process (its cached states hold their personal data, opened): the read
// models' runner calls it when a PersonErased event goes by.
func (h *Handler) PersonErased(subject string) {
	h.codec.Forget(subject)
	h.cache.purge()
}
