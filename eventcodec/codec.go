// Package eventcodec turns domain events into stored events and back. It
// is shared by the command layer (which writes) and the projections (which
// read), so both see events the same way.
package eventcodec

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/personaldata"
)

// Codec turns domain events into stored events and back: the clear part is
// the event's JSON, the personal part is sealed with the data subject's key
// (personaldata), older schema versions are upcast on the way in.
type Codec struct {
	ring  *personaldata.Keyring
	specs map[string]domain.EventSpec
}

// New returns a codec for every event type of the domain.
func New(ring *personaldata.Keyring) *Codec {
	c := &Codec{ring: ring, specs: map[string]domain.EventSpec{}}
	for _, s := range domain.Events() {
		c.specs[s.Type] = s
	}
	return c
}

// Spec returns the spec of an event type.
func (c *Codec) Spec(typ string) (domain.EventSpec, bool) {
	s, ok := c.specs[typ]
	return s, ok
}

// subjectOf returns whose key seals e's personal part in stream: the person
// it names, or the owner of the portfolio stream.
func subjectOf(stream string, e domain.Event) (string, error) {
	if s, ok := e.(domain.WithSubject); ok {
		return s.DataSubject(), nil
	}
	if owner, ok := strings.CutPrefix(stream, "portfolio-"); ok {
		return owner, nil
	}
	return "", fmt.Errorf("%s in %s: personal data without a data subject", e.EventType(), stream)
}

// Encode returns the stored form of e as event id at revision rev of
// stream in tenant.
func (c *Codec) Encode(ctx context.Context, tenant, stream string, rev uint64, id eventstore.EventID, e domain.Event, meta []byte) (eventstore.Proposed, error) {
	spec, ok := c.specs[e.EventType()]
	if !ok {
		return eventstore.Proposed{}, fmt.Errorf("encode: unknown event type %s", e.EventType())
	}
	clear, err := json.Marshal(e)
	if err != nil {
		return eventstore.Proposed{}, fmt.Errorf("encode %s: %w", e.EventType(), err)
	}
	data := clear
	if wp, ok := e.(domain.WithPersonal); ok {
		subject, err := subjectOf(stream, e)
		if err != nil {
			return eventstore.Proposed{}, err
		}
		personal, err := json.Marshal(wp.PersonalPart())
		if err != nil {
			return eventstore.Proposed{}, fmt.Errorf("encode %s: %w", e.EventType(), err)
		}
		b := personaldata.Binding{Tenant: tenant, Stream: stream, EventID: id, Revision: rev}
		if data, err = c.ring.SealData(ctx, b, subject, clear, personal); err != nil {
			return eventstore.Proposed{}, fmt.Errorf("encode %s: %w", e.EventType(), err)
		}
	}
	return eventstore.Proposed{ID: id, Type: spec.Type, SchemaVersion: spec.Version, Data: data, Metadata: meta}, nil
}

// Decoded is a stored event made domain event again.
type Decoded struct {
	Event domain.Event
	// Erased is set when the event's personal part belongs to an erased
	// person: the personal fields are empty.
	Erased  bool
	Subject string
	Meta    Metadata
	Stored  eventstore.Event
}

// Decode returns the domain event of a stored one, upcast to the current
// schema version, with its personal part opened (or marked erased).
func (c *Codec) Decode(ctx context.Context, s eventstore.Event) (Decoded, error) {
	spec, ok := c.specs[s.Type]
	if !ok {
		return Decoded{}, fmt.Errorf("decode %s@%d: unknown event type %q", s.Stream, s.Revision, s.Type)
	}
	clear := s.Data
	if s.SchemaVersion > spec.Version {
		return Decoded{}, fmt.Errorf("decode %s@%d: %s version %d is newer than this binary knows (%d)", s.Stream, s.Revision, s.Type, s.SchemaVersion, spec.Version)
	}
	for v := s.SchemaVersion; v < spec.Version; v++ {
		up, ok := spec.Upcast[v]
		if !ok {
			return Decoded{}, fmt.Errorf("decode %s@%d: no upcast of %s from version %d", s.Stream, s.Revision, s.Type, v)
		}
		var err error
		if clear, err = up(clear); err != nil {
			return Decoded{}, fmt.Errorf("decode %s@%d: upcast %s from version %d: %w", s.Stream, s.Revision, s.Type, v, err)
		}
	}
	e := spec.New()
	if err := json.Unmarshal(clear, e); err != nil {
		return Decoded{}, fmt.Errorf("decode %s@%d (%s): %w", s.Stream, s.Revision, s.Type, err)
	}
	d := Decoded{Event: e, Stored: s}
	if err := json.Unmarshal(s.Metadata, &d.Meta); err != nil {
		return Decoded{}, fmt.Errorf("decode %s@%d metadata: %w", s.Stream, s.Revision, err)
	}
	if wp, ok := e.(domain.WithPersonal); ok {
		o, err := c.ring.OpenData(ctx, personaldata.BindingOf(s), s.Data)
		if err != nil {
			return Decoded{}, fmt.Errorf("decode %s@%d: %w", s.Stream, s.Revision, err)
		}
		d.Subject, d.Erased = o.Subject, o.Erased
		if o.Personal != nil {
			if err := json.Unmarshal(o.Personal, wp.PersonalPart()); err != nil {
				return Decoded{}, fmt.Errorf("decode %s@%d personal part: %w", s.Stream, s.Revision, err)
			}
		}
	}
	return d, nil
}

// Metadata is what Parcours writes in every event's metadata.
type Metadata struct {
	eventstore.Metadata
	// IdempotencyKey is a hash of the actor and the key they sent; Request
	// a hash of the command, so a key reused for another command is caught.
	IdempotencyKey string `json:"idempotency_key,omitempty"`
	Request        string `json:"request,omitempty"`
}
