package eventstore

import (
	"context"
	"time"
)

// Follow implements Subscribe for backends whose ReadAll is safe to poll:
// it reads pages after from, calls fn for each event, and when caught up
// waits for wake (a commit in this process, or a notification) or for poll
// to elapse (a commit by another process whose notification was lost).
func Follow(ctx context.Context, read func(context.Context, Position, int) ([]Event, error), from Position, fn func(Event) error, wake func() <-chan struct{}, poll time.Duration) error {
	const page = 512
	timer := time.NewTimer(poll)
	defer timer.Stop()
	for {
		// Take the wake channel before reading, so a commit that lands
		// between the read and the wait is not missed.
		woken := wake()
		events, err := read(ctx, from, page)
		if err != nil {
			return err
		}
		for _, e := range events {
			if err := fn(e); err != nil {
				return err
			}
			from = e.Position
		}
		if len(events) == page {
			if err := ctx.Err(); err != nil {
				return err
			}
			continue
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(poll)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-woken:
		case <-timer.C:
		}
	}
}
