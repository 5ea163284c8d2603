package commands

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventcodec"
	"github.com/parcours/parcours/eventstore"
)

// aggregate is what update loads and decides on.
type aggregate interface {
	Apply(domain.Event)
}

// entry is a cached aggregate: its state after events [0, next), and the
// idempotency keys of the commands that wrote them.
type entry struct {
	mu        sync.Mutex
	state     aggregate
	next      uint64
	idem      map[string]idemRecord
	idemOrder []string
}

type idemRecord struct {
	request     string
	first, last uint64
	position    eventstore.Position
	events      int
}

// maxIdemKeys bounds the idempotency keys remembered per stream.
const maxIdemKeys = 1000

// ErrIdempotencyKeyReused: the key was used before for another command.
var ErrIdempotencyKeyReused = errors.New("idempotency key already used for a different request")

const maxRetries = 5

// update is the one shape of every command: load the aggregate (from the
// cache, reading only newer events), answer a replayed idempotency key,
// decide, append with the expected revision, and on a conflict re-decide
// (only when retrySafe) or report it with the current revision.
func (h *Handler) update(ctx context.Context, call Call, tenant, stream string, fresh func() aggregate,
	request any, retrySafe bool, decide func(state aggregate) ([]domain.Event, error)) (Result, error) {
	e := h.cache.get(stream, func() *entry { return &entry{state: fresh(), idem: map[string]idemRecord{}} })
	e.mu.Lock()
	defer e.mu.Unlock()
	keyHash, reqHash := h.hashes(call, stream, request)
	for attempt := 0; ; attempt++ {
		if err := h.catchUp(ctx, e, stream); err != nil {
			h.cache.drop(stream)
			return Result{}, err
		}
		if keyHash != "" {
			rec, ok := e.idem[keyHash]
			want := reqHash
			if !ok && len(e.idem) > 0 {
				var legacyKey string
				legacyKey, want = legacyIdemHashes(call, stream, request)
				rec, ok = e.idem[legacyKey]
			}
			if ok {
				if rec.request != want {
					return Result{}, fmt.Errorf("%s: %w", stream, ErrIdempotencyKeyReused)
				}
				return Result{Stream: stream, FirstRevision: rec.first, Revision: rec.last, Position: rec.position, Events: rec.events, Replayed: true}, nil
			}
		}
		if call.IfRevision != nil && (e.next == 0 || *call.IfRevision != e.next-1) {
			return Result{}, &eventstore.ConflictError{Stream: stream, Expected: eventstore.Exactly(*call.IfRevision), Actual: e.next - 1, Exists: e.next > 0}
		}
		events, err := decide(e.state)
		if err != nil {
			return Result{}, err
		}
		res, err := h.append(ctx, call, tenant, stream, e, events, keyHash, reqHash)
		if err == nil {
			for _, ev := range events {
				e.state.Apply(ev)
			}
			e.next = res.Revision + 1
			e.remember(keyHash, idemRecord{request: reqHash, first: res.FirstRevision, last: res.Revision, position: res.Position, events: res.Events})
			return res, nil
		}
		if !errors.Is(err, eventstore.ErrWrongExpectedRevision) {
			h.cache.drop(stream) // the outcome is unknown: reload next time
			return Result{}, err
		}
		if !retrySafe || attempt == maxRetries {
			if cerr := h.catchUp(ctx, e, stream); cerr != nil {
				h.cache.drop(stream)
			}
			return Result{}, &eventstore.ConflictError{Stream: stream, Expected: expectation(e.next), Actual: e.next - 1, Exists: e.next > 0}
		}
	}
}

func expectation(next uint64) eventstore.ExpectedRevision {
	if next == 0 {
		return eventstore.NoStream
	}
	return eventstore.Exactly(next - 1)
}

// catchUp applies to e the events of stream it has not seen.
func (h *Handler) catchUp(ctx context.Context, e *entry, stream string) error {
	for {
		page, err := h.store.ReadStream(ctx, stream, eventstore.ReadOptions{From: e.next, Limit: 1000})
		if errors.Is(err, eventstore.ErrStreamNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("load %s: %w", stream, err)
		}
		for _, s := range page {
			d, err := h.codec.Decode(ctx, s)
			if err != nil {
				return fmt.Errorf("load %s: %w", stream, err)
			}
			e.state.Apply(d.Event)
			e.next = s.Revision + 1
			if d.Meta.IdempotencyKey != "" {
				rec, seen := e.idem[d.Meta.IdempotencyKey]
				if !seen {
					rec = idemRecord{request: d.Meta.Request, first: s.Revision}
				}
				rec.last, rec.position, rec.events = s.Revision, s.Position, rec.events+1
				e.remember(d.Meta.IdempotencyKey, rec)
			}
		}
		if len(page) < 1000 {
			return nil
		}
	}
}

func (e *entry) remember(key string, rec idemRecord) {
	if key == "" {
		return
	}
	if _, ok := e.idem[key]; !ok {
		e.idemOrder = append(e.idemOrder, key)
		if len(e.idemOrder) > maxIdemKeys {
			delete(e.idem, e.idemOrder[0])
			e.idemOrder = e.idemOrder[1:]
		}
	}
	e.idem[key] = rec
}

// append encodes events (sealing personal data) and appends them after
// e.next-1.
func (h *Handler) append(ctx context.Context, call Call, tenant, stream string, e *entry, events []domain.Event, keyHash, reqHash string) (Result, error) {
	if len(events) == 0 {
		return Result{Stream: stream, Revision: e.next - 1}, nil
	}
	meta, err := json.Marshal(eventcodec.Metadata{
		Metadata: eventstore.Metadata{Actor: call.Actor.PersonID, Role: string(call.Actor.Role), Tenant: tenant,
			CorrelationID: call.CorrelationID, CausationID: call.CausationID, OccurredAt: h.now()},
		IdempotencyKey: keyHash, Request: reqHash,
	})
	if err != nil {
		return Result{}, fmt.Errorf("metadata: %w", err)
	}
	proposed := make([]eventstore.Proposed, len(events))
	for i, ev := range events {
		id := eventstore.NewEventID()
		if keyHash != "" {
			sum := sha256.Sum256([]byte(fmt.Sprintf("%s\x00%s\x00%d", stream, keyHash, i)))
			copy(id[:], sum[:16])
			id[6], id[8] = id[6]&0x0f|0x50, id[8]&0x3f|0x80 // a name-based UUID (version 5 layout)
		}
		if proposed[i], err = h.codec.Encode(ctx, tenant, stream, e.next+uint64(i), id, ev, meta); err != nil {
			return Result{}, err
		}
	}
	res, err := h.store.Append(ctx, stream, expectation(e.next), proposed...)
	if err != nil {
		return Result{}, err
	}
	return Result{Stream: stream, FirstRevision: res.FirstRevision, Revision: res.LastRevision, Position: res.Position, Events: len(events)}, nil
}

// idemHashes returns the hash of the actor's idempotency key and of the
// request, or "" when the call has no key. Both stay in the log's metadata
// after an erasure, and both may be computed from personal data (a key
// holding an e-mail address, a request holding a name), so they are keyed
// (Keyring.LogHash), not plain hashes that a guess could be checked
// against.
func (h *Handler) idemHashes(call Call, stream string, request any) (key, req string) {
	if call.IdempotencyKey == "" {
		return "", ""
	}
	k := h.ring.LogHash([]byte(call.Actor.PersonID + "\x00" + call.IdempotencyKey))
	r := h.ring.LogHash(requestBytes(stream, request))
	return hex.EncodeToString(k[:16]), hex.EncodeToString(r[:16])
}

// legacyIdemHashes are idemHashes as plain SHA-256, as events written
// before the keyed hashes carry them: a retry of such a command is still
// recognised.
func legacyIdemHashes(call Call, stream string, request any) (key, req string) {
	k := sha256.Sum256([]byte(call.Actor.PersonID + "\x00" + call.IdempotencyKey))
	r := sha256.Sum256(requestBytes(stream, request))
	return hex.EncodeToString(k[:16]), hex.EncodeToString(r[:16])
}

func requestBytes(stream string, request any) []byte {
	body, _ := json.Marshal(request)
	return append([]byte(fmt.Sprintf("%T\x00%s\x00", request, stream)), body...)
}
