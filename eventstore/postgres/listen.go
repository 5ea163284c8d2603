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

// wake tells the subscribers of this process at once, and those of other
// processes through the notifier, that something was committed.
func (s *Store) wake() {
	s.signal.Notify()
	select {
	case s.poke <- struct{}{}:
	default: // a NOTIFY is already due: it covers this commit too
	}
}

// notifyEvery is the least time between two NOTIFYs of one store: under
// load each NOTIFY then covers many commits.
const notifyEvery = 10 * time.Millisecond

// notifier sends a NOTIFY on the store's channel when asked to, at most
// once every notifyEvery, merging the requests that arrive meanwhile. It
// runs outside the append transactions: PostgreSQL serialises the commits
// of notifying transactions on one lock held until their commit record is
// flushed, which would undo group commit (see the package doc).
func (s *Store) notifier() {
	defer s.bg.Done()
	pause := time.NewTimer(0)
	for {
		select {
		case <-s.poke:
		case <-s.life.Done():
			return
		}
		if _, err := s.pool.Exec(s.life, `SELECT pg_notify($1, '')`, s.channel); err != nil && s.life.Err() == nil {
			s.opts.Logger.Warn("postgres event store: NOTIFY failed; other processes will poll", "err", err)
		}
		pause.Reset(notifyEvery)
		select {
		case <-pause.C:
		case <-s.life.Done():
			return
		}
	}
}
