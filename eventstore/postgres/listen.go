package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// listen keeps one connection, outside the pool, listening on the store's
// channel, and wakes the subscribers of this process at every
// notification. When the connection is lost it wakes them anyway (a
// notification may have been lost with it) and connects again, backing off
// up to 5s, until Close.
func (s *Store) listen(cfg *pgx.ConnConfig) {
	defer s.bg.Done()
	const minPause, maxPause = 100 * time.Millisecond, 5 * time.Second
	pause := minPause
	for {
		listening := s.listenOnce(cfg)
		s.signal.Notify()
		if listening {
			pause = minPause
		}
		t := time.NewTimer(pause)
		select {
		case <-s.life.Done():
			t.Stop()
			return
		case <-t.C:
		}
		pause = min(2*pause, maxPause)
	}
}

// listenOnce connects, listens and relays notifications until the
// connection fails or the store closes. It reports whether it got as far
// as listening.
func (s *Store) listenOnce(cfg *pgx.ConnConfig) (listening bool) {
	ctx := s.life
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		if ctx.Err() == nil {
			s.opts.Logger.Warn("postgres event store: listener cannot connect; subscribers poll meanwhile", "err", err)
		}
		return false
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		conn.Close(closeCtx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{s.channel}.Sanitize()); err != nil {
		if ctx.Err() == nil {
			s.opts.Logger.Warn("postgres event store: LISTEN failed", "channel", s.channel, "err", err)
		}
		return false
	}
	s.listens.Add(1)
	// Whatever was committed while nobody listened: read it now.
	s.signal.Notify()
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			if ctx.Err() == nil {
				s.opts.Logger.Warn("postgres event store: listening connection lost; reconnecting", "err", err)
			}
			return true
		}
		s.signal.Notify()
	}
}
