package kurrentdb

import (
	"sync"

	"github.com/parcours/parcours/eventstore"
)

// idCache remembers where this process sent its recent events (whether or
// not it learnt that they were stored), oldest forgotten first. KurrentDB has no index by event ID, so this is what lets
// an append see that one of its IDs already lives in another stream.
type idCache struct {
	mu    sync.Mutex
	size  int
	at    map[eventstore.EventID]idLoc
	order []eventstore.EventID // ring of the IDs in at, oldest at next
	next  int
}

type idLoc struct {
	stream string
	rev    uint64
}

func newIDCache(size int) *idCache {
	return &idCache{size: size, at: make(map[eventstore.EventID]idLoc)}
}

// add remembers events as sent to stream from revision first on (a later
// attempt replaces the place of an earlier one).
func (c *idCache) add(stream string, first uint64, events []eventstore.Proposed) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, e := range events {
		loc := idLoc{stream: stream, rev: first + uint64(i)}
		if _, ok := c.at[e.ID]; ok {
			c.at[e.ID] = loc
			continue
		}
		if len(c.order) < c.size {
			c.order = append(c.order, e.ID)
		} else {
			delete(c.at, c.order[c.next])
			c.order[c.next] = e.ID
			c.next = (c.next + 1) % c.size
		}
		c.at[e.ID] = loc
	}
}

// get returns where id was stored, if it is remembered.
func (c *idCache) get(id eventstore.EventID) (idLoc, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	loc, ok := c.at[id]
	return loc, ok
}
