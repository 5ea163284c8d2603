package projections

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/parcours/parcours/eventstore"
)

// With PostgreSQL, a read model may be kept by another process than the
// one waiting to read its own write (API processes that do not project,
// or whose peer holds the lease). The runner that commits to a read model
// sends a NOTIFY on the read models' channel, at most every
// notifyEvery and outside its transactions (a notifying transaction's
// commit is serialised with every other's); each process listens on the
// channel and wakes its waiters. WaitFor still polls behind it, in case a
// notification is lost.

// notices is a DB's side of the read models' channel (PostgreSQL only).
type notices struct {
	db      *DB
	channel string
	changed eventstore.Signal // woken at each notification
	poke    chan struct{}
	life    context.Context // ends with the DB
	stop    context.CancelFunc
	listen  sync.Once
	notify  sync.Once
	wg      sync.WaitGroup
}

const notifyEvery = 10 * time.Millisecond

func newNotices(d *DB) *notices {
	life, stop := context.WithCancel(context.Background()) // the DB's lifetime: stopped by Close
	return &notices{db: d, channel: fmt.Sprintf("parcours_readmodels_%016x", uint64(lockKey("notify", "readmodels", d.schema))),
		poke: make(chan struct{}, 1), life: life, stop: stop}
}

// changedWait returns a channel closed at the next notification, starting
// the listener on first use; nil (never ready) without PostgreSQL.
func (d *DB) changedWait() <-chan struct{} {
	n := d.notices
	if n == nil {
		return nil
	}
	n.listen.Do(func() {
		n.wg.Add(1)
		go n.listenLoop()
	})
	return n.changed.Wait()
}

// committed tells the other processes that a read model changed.
func (d *DB) committed() {
	n := d.notices
	if n == nil {
		return
	}
	n.notify.Do(func() {
		n.wg.Add(1)
		go n.notifier()
	})
	select {
	case n.poke <- struct{}{}:
	default: // a NOTIFY is already due: it covers this commit too
	}
}

func (n *notices) close() {
	n.stop()
	n.wg.Wait()
}

// notifier sends a NOTIFY when poked, at most every notifyEvery.
func (n *notices) notifier() {
	defer n.wg.Done()
	for {
		select {
		case <-n.poke:
		case <-n.life.Done():
			return
		}
		n.db.writer.ExecContext(n.life, `SELECT pg_notify($1, '')`, n.channel) // lost: the waiters poll
		select {
		case <-time.After(notifyEvery):
		case <-n.life.Done():
			return
		}
	}
}

// listenLoop keeps a connection of its own listening on the channel,
// connecting again (backing off up to 5 s) when it is lost, and wakes the
// waiters at each notification and each reconnection (one may have been
// missed meanwhile).
func (n *notices) listenLoop() {
	defer n.wg.Done()
	pause := 100 * time.Millisecond
	for n.life.Err() == nil {
		if n.listenOnce() {
			pause = 100 * time.Millisecond
		}
		n.changed.Notify()
		select {
		case <-time.After(pause):
		case <-n.life.Done():
			return
		}
		pause = min(2*pause, 5*time.Second)
	}
}

func (n *notices) listenOnce() (listened bool) {
	conn, err := pgx.ConnectConfig(n.life, n.db.pg.Copy())
	if err != nil {
		return false
	}
	defer conn.Close(context.WithoutCancel(n.life))
	if _, err := conn.Exec(n.life, "LISTEN "+pgx.Identifier{n.channel}.Sanitize()); err != nil {
		return false
	}
	n.changed.Notify()
	for {
		if _, err := conn.WaitForNotification(n.life); err != nil {
			return true
		}
		n.changed.Notify()
	}
}
