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
// commits, one at a time, in its own goroutine; a stream always goes to the
// same dispatcher, so two batches of one process never race for a stream.
//
// Appends queue while a batch is in flight. When it is done, the next batch
// starts as soon as as many appends are waiting as the last batch held, or
// after a short linger: under steady load the writers whose appends were
// just answered come back at once, and waiting for them makes one commit of
// what would otherwise be two (a large one and a small one).
type dispatcher struct {
	s       *Store
	reqs    chan *request
	heads   map[string]head // the last known head of recently written streams
	shared  map[string]bool // streams other processes write to: heads never remembered
	pending []*request
	target  int           // appends in the last batch
	took    time.Duration // how long the last batch took
}

// maxCachedHeads bounds each dispatcher's cache of stream heads, and its
// set of streams written by other processes too.
const maxCachedHeads = 16384

// maxLinger bounds the wait for more appends; the wait is also at most half
// the time the last batch took, so a light load is never held back long.
const maxLinger = time.Millisecond

func newDispatcher(s *Store) *dispatcher {
	return &dispatcher{s: s, reqs: make(chan *request, 1024), heads: map[string]head{}, shared: map[string]bool{}}
}

func (d *dispatcher) run() {
	defer d.s.bg.Done()
	linger := time.NewTimer(time.Hour)
	linger.Stop()
	for {
		if len(d.pending) == 0 {
			select {
			case r := <-d.reqs:
				d.pending = append(d.pending, r)
			case <-d.s.life.Done():
				return // Close waited for every append
			}
		}
		d.drain()
		if len(d.pending) < d.target {
			linger.Reset(min(maxLinger, d.took/2))
		wait:
			for len(d.pending) < d.target {
				select {
				case r := <-d.reqs:
					d.pending = append(d.pending, r)
					d.drain()
				case <-linger.C:
					break wait
				}
			}
			linger.Stop()
		}
		d.commit()
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

// commit runs one batch of the waiting appends, up to Options.MaxBatch
// events, and keeps the heads it learnt.
func (d *dispatcher) commit() {
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
	d.target = len(b.reqs)
	start := time.Now()
	b.commit()
	d.took = time.Since(start)
	for _, stream := range b.stale {
		remember(d.shared, stream, true)
	}
	for _, r := range b.reqs {
		h, ok := b.heads[r.stream]
		if !ok || !h.exists || d.shared[r.stream] {
			delete(d.heads, r.stream)
			continue
		}
		remember(d.heads, r.stream, h)
	}
}

// remember sets m[k] = v, first evicting a random entry if m is full.
func remember[V any](m map[string]V, k string, v V) {
	if _, known := m[k]; !known && len(m) >= maxCachedHeads {
		for old := range m { // map order is random
			delete(m, old)
			break
		}
	}
	m[k] = v
}
