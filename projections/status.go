package projections

import (
	"context"
	"fmt"
	"time"

	"github.com/parcours/parcours/eventstore"
)

// Status is where a projection stands.
type Status struct {
	Name       string              `json:"name"`
	Version    int                 `json:"version"`
	Generation int                 `json:"generation"`
	Position   eventstore.Position `json:"-"`
	At         string              `json:"position"`
	State      string              `json:"state"` // new, running, stopped
	Error      string              `json:"error,omitempty"`
	// Owned says this runner runs the projection: with SQLite, every
	// projection while Run runs; with PostgreSQL, those whose lease it
	// holds (another process runs the others).
	Owned bool `json:"owned"`
	// LagEvents counts the events after Position (up to 10000); LagSeconds
	// is the age of the oldest of them (0 when caught up).
	LagEvents  int     `json:"lag_events"`
	LagSeconds float64 `json:"lag_seconds"`
	// Applied counts the events this runner applied to the read model
	// since it started (its rate is the projection's apply rate here).
	Applied uint64 `json:"applied_events"`
}

const lagScan = 10000

// Status reports every projection's position and lag.
func (r *Runner) Status(ctx context.Context) ([]Status, error) {
	out := make([]Status, 0, len(r.projections))
	for _, p := range r.projections {
		st, _, err := loadState(ctx, r.db.reader, p.Name())
		if err != nil {
			return nil, err
		}
		s := Status{Name: p.Name(), Version: st.Version, Generation: st.Generation, Position: st.Position, At: st.Position.String(), State: st.Status, Error: st.Error, Owned: r.isOwned(p.Name()),
			Applied: r.counts[p.Name()].Load()}
		if s.State == "" {
			s.State = "new"
		}
		behind, err := r.store.ReadAll(ctx, st.Position, lagScan)
		if err != nil {
			return nil, fmt.Errorf("lag of %s: %w", p.Name(), err)
		}
		s.LagEvents = len(behind)
		if len(behind) > 0 {
			s.LagSeconds = time.Since(behind[0].RecordedAt).Seconds()
		}
		out = append(out, s)
	}
	return out, nil
}

// WaitFor blocks until every projection (or those named) has applied the
// event at pos, so a caller can read its own write; it fails with the
// context's error on timeout, or at once if a projection is stopped.
func (r *Runner) WaitFor(ctx context.Context, pos eventstore.Position, names ...string) error {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	for {
		woken, elsewhere := r.signal.Wait(), r.db.changedWait()
		behind := false
		for _, p := range r.projections {
			if len(want) > 0 && !want[p.Name()] {
				continue
			}
			st, _, err := loadState(ctx, r.db.reader, p.Name())
			if err != nil {
				return err
			}
			if st.Status == "stopped" {
				return fmt.Errorf("projection %s is stopped: %s", p.Name(), st.Error)
			}
			if st.Position.Less(pos) {
				behind = true
				break
			}
		}
		if !behind {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for read models at %s: %w", pos, ctx.Err())
		case <-woken:
		case <-elsewhere: // another process committed to a read model
		case <-time.After(200 * time.Millisecond): // a notification may be lost
		}
	}
}
