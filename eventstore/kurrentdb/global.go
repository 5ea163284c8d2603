package kurrentdb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/parcours/parcours/eventstore"
)

// allPage is how many $all events one read asks for; system events and
// other applications' events are dropped in the client, so a page may yield
// fewer Parcours events.
const allPage = 512

// logEvent returns r as an event of the global log, or false if r is not a
// Parcours event of this store: a system stream ("$…"), a stream outside
// the store's prefix, or an event without the metadata envelope.
func (s *Store) logEvent(r *esdb.RecordedEvent) (eventstore.Event, bool) {
	if r == nil || strings.HasPrefix(r.StreamID, "$") || !strings.HasPrefix(r.StreamID, s.opts.StreamPrefix) {
		return eventstore.Event{}, false
	}
	e, err := s.decode(r)
	return e, err == nil
}

// scanAll reads one page of $all from cursor in direction dir and calls fn
// for each event, in order, until fn returns false. It returns how many
// events the server sent (less than allPage at the end of $all).
func (s *Store) scanAll(ctx context.Context, dir esdb.Direction, cursor esdb.AllPosition, fn func(*esdb.RecordedEvent) bool) (int, error) {
	rs, err := s.client.ReadAll(ctx, esdb.ReadAllOptions{Direction: dir, From: cursor}, allPage)
	if err != nil {
		return 0, err
	}
	defer rs.Close()
	n := 0
	for {
		r, err := rs.Recv()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
		if r.Event != nil && !fn(r.Event) {
			return allPage, nil // stopped early: not the end of $all
		}
	}
}

// ReadAll implements eventstore.Store. Reads of $all from a position
// include the event at that position; it is skipped here, as the contract
// wants.
func (s *Store) ReadAll(ctx context.Context, from eventstore.Position, limit int) ([]eventstore.Event, error) {
	op := "read all from " + from.String()
	if err := s.begin(op); err != nil {
		return nil, err
	}
	defer s.ops.Done()
	if limit <= 0 {
		limit = eventstore.DefaultReadLimit
	}
	var out []eventstore.Event
	after, bounded := from, !from.IsZero()
	for len(out) < limit {
		n, err := s.scanAll(ctx, esdb.Forwards, clientPosition(after), func(r *esdb.RecordedEvent) bool {
			pos := fromClientPosition(r.Position)
			if bounded && !after.Less(pos) {
				return true
			}
			after, bounded = pos, true
			if e, ok := s.logEvent(r); ok {
				out = append(out, e)
			}
			return len(out) < limit
		})
		if err != nil {
			return nil, clientError(ctx, op, err)
		}
		if n < allPage {
			break
		}
	}
	return out, nil
}

// Head implements eventstore.Store: it reads $all backwards until it meets
// an event of the global log.
func (s *Store) Head(ctx context.Context) (eventstore.Position, error) {
	if err := s.begin("read head"); err != nil {
		return eventstore.Start, err
	}
	defer s.ops.Done()
	var cursor esdb.AllPosition = esdb.End{}
	var before eventstore.Position
	bounded, found := false, false
	for !found {
		n, err := s.scanAll(ctx, esdb.Backwards, cursor, func(r *esdb.RecordedEvent) bool {
			pos := fromClientPosition(r.Position)
			if bounded && !pos.Less(before) {
				return true
			}
			before, bounded = pos, true
			_, found = s.logEvent(r)
			return !found
		})
		if err != nil {
			return eventstore.Start, clientError(ctx, "read head", err)
		}
		if n < allPage && !found {
			return eventstore.Start, nil
		}
		cursor = clientPosition(before)
	}
	return before, nil
}

// Subscribe implements eventstore.Store with a catch-up subscription to
// $all, filtered on the server to the store's streams. When the
// subscription drops (a lost connection, a leader change), it is resumed
// after the last event delivered, with a growing pause; only a refusal by
// the server (authentication, permissions) or the store's Close end it.
func (s *Store) Subscribe(ctx context.Context, from eventstore.Position, fn func(eventstore.Event) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.begin("subscribe"); err != nil {
		return err
	}
	defer s.ops.Done()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-s.quit:
			cancel()
		case <-ctx.Done():
		}
	}()
	last, delay := from, s.opts.ReconnectDelay
	for {
		delivered, err := s.subscribeOnce(ctx, &last, fn)
		var herr *handlerError
		switch {
		case errors.As(err, &herr):
			return herr.err
		case ctx.Err() != nil:
			select {
			case <-s.quit:
				return fmt.Errorf("subscribe: %w", eventstore.ErrClosed)
			default:
				return ctx.Err()
			}
		case isPermanent(err):
			return fmt.Errorf("subscribe after %s: %w", last, err)
		}
		if delivered {
			delay = s.opts.ReconnectDelay
		}
		s.opts.Logger.Warn("kurrentdb subscription dropped; resuming", "after", last.String(), "in", delay, "err", err)
		if err := pause(ctx, delay); err != nil {
			continue // the next round reports why ctx ended
		}
		delay = min(2*delay, 30*s.opts.ReconnectDelay)
	}
}

// handlerError carries the error of the subscriber's function, which ends
// the subscription.
type handlerError struct{ err error }

func (e *handlerError) Error() string { return e.err.Error() }

// subscribeOnce runs one subscription after *last (excluded) and advances
// *last as events are delivered, until the subscription drops or fn fails.
func (s *Store) subscribeOnce(ctx context.Context, last *eventstore.Position, fn func(eventstore.Event) error) (delivered bool, err error) {
	sub, err := s.client.SubscribeToAll(ctx, esdb.SubscribeToAllOptions{From: clientPosition(*last), Filter: s.filter()})
	if err != nil {
		return false, err
	}
	defer sub.Close()
	bounded := !last.IsZero()
	for {
		msg := sub.Recv()
		if d := msg.SubscriptionDropped; d != nil {
			if d.Error == nil {
				return delivered, errors.New("subscription dropped")
			}
			return delivered, d.Error
		}
		if msg.EventAppeared == nil {
			continue // checkpoints, caught up, fell behind
		}
		r := msg.EventAppeared.Event
		if r == nil {
			continue
		}
		pos := fromClientPosition(r.Position)
		if bounded && !last.Less(pos) {
			continue // the start position, or delivered before a resume
		}
		e, ok := s.logEvent(r)
		if !ok {
			continue
		}
		if err := fn(e); err != nil {
			return delivered, &handlerError{err: err}
		}
		*last, bounded, delivered = pos, true, true
	}
}

// filter selects, on the server, the streams of the global log: those of
// the store's prefix, or all but the system streams.
func (s *Store) filter() *esdb.SubscriptionFilter {
	if s.opts.StreamPrefix != "" {
		return &esdb.SubscriptionFilter{Type: esdb.StreamFilterType, Prefixes: []string{s.opts.StreamPrefix}}
	}
	return &esdb.SubscriptionFilter{Type: esdb.StreamFilterType, Regex: "^[^$]"}
}
