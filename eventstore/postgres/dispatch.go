package postgres

import (
	"context"
	"time"

	"github.com/parcours/parcours/eventstore"
)

type request struct {
	ctx      context.Context
	stream   string
	expected eventstore.ExpectedRevision
	events   []eventstore.Proposed
	reply    chan reply
}

type reply struct {
	res eventstore.AppendResult
	err error
}

// dispatcher turns the appends to its share of the streams into group
// commits, one batch in flight at a time; a stream always goes to the same
// dispatcher, so two batches of one process never race for a stream.
//
// While a batch is in flight the next appends wait. When it is done, the
// next batch starts as soon as as many appends are waiting as the last
// batch held, or after a short linger: under steady load the writers whose
// appends were just answered come back at once, and waiting for them makes
// one commit of what would otherwise be two (a large one and a small one).
type dispatcher struct {
	s       *Store
	reqs    chan *request
	done    chan *batch
	heads   map[string]head // the last known head of recently written streams
	pending []*request
	busy    bool          // a batch is in flight
	target  int           // appends in the last batch
	insert  time.Duration // how long the last insert took
}

// maxCachedHeads bounds each dispatcher's cache of stream heads.
const maxCachedHeads = 16384

// maxLinger bounds the wait for more appends; the wait is also at most half
// the time the last insert took, so a light load is never held back long.
const maxLinger = time.Millisecond

func newDispatcher(s *Store) *dispatcher {
	return &dispatcher{s: s, reqs: make(chan *request), done: make(chan *batch, 1), heads: map[string]head{}}
}

func (d *dispatcher) run() {
	defer d.s.bg.Done()
	linger := time.NewTimer(time.Hour)
	linger.Stop()
	lingering, expired := false, false
	for {
		select {
		case r := <-d.reqs:
			d.pending = append(d.pending, r)
		case b := <-d.done:
			d.finish(b)
		case <-linger.C:
			lingering, expired = false, true
		case <-d.s.life.Done():
			// Close waited for every append: at most a batch handing
			// back its heads is left.
			if d.busy {
				<-d.done
			}
			return
		}
		d.drain()
		if d.busy || len(d.pending) == 0 {
			continue
		}
		if len(d.pending) < d.target && !expired {
			if !lingering {
				linger.Reset(min(maxLinger, d.insert/2))
				lingering = true
			}
			continue
		}
		if lingering {
			linger.Stop()
			lingering = false
		}
		expired = false
		d.launch()
	}
}

// drain takes every append already waiting, without blocking.
func (d *dispatcher) drain() {
	for {
		select {
		case r := <-d.reqs:
			d.pending = append(d.pending, r)
		default:
			return
		}
	}
}

// launch starts a batch with the waiting appends, up to Options.MaxBatch
// events.
func (d *dispatcher) launch() {
	b := &batch{s: d.s, heads: make(map[string]head, len(d.pending))}
	n, i := 0, 0
	for ; i < len(d.pending); i++ {
		r := d.pending[i]
		if n > 0 && n+len(r.events) > d.s.opts.MaxBatch {
			break
		}
		n += len(r.events)
		b.reqs = append(b.reqs, r)
		if h, ok := d.heads[r.stream]; ok {
			b.heads[r.stream] = h
		}
	}
	rest := copy(d.pending, d.pending[i:])
	clear(d.pending[rest:])
	d.pending = d.pending[:rest]
	d.busy, d.target = true, len(b.reqs)
	d.s.bg.Add(1)
	go func() {
		defer d.s.bg.Done()
		start := time.Now()
		b.commit()
		b.took = time.Since(start)
		d.done <- b
	}()
}

// finish keeps the heads a finished batch learnt.
func (d *dispatcher) finish(b *batch) {
	d.busy, d.insert = false, b.took
	for _, r := range b.reqs {
		h, ok := b.heads[r.stream]
		if !ok || !h.exists {
			delete(d.heads, r.stream)
			continue
		}
		if _, known := d.heads[r.stream]; !known && len(d.heads) >= maxCachedHeads {
			for k := range d.heads { // map order is random: a random eviction
				delete(d.heads, k)
				break
			}
		}
		d.heads[r.stream] = h
	}
}
