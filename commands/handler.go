package commands

import (
	"container/list"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"sync"
	"time"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventcodec"
	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/personaldata"
)

// Handler runs the commands of Parcours. It is safe for concurrent use.
type Handler struct {
	store eventstore.Store
	ring  *personaldata.Keyring
	codec *eventcodec.Codec
	now   func() time.Time
	log   *slog.Logger
	cache *cache
	// publicURL is the service's address as others reach it, written
	// into the badges it issues (Options.PublicURL).
	publicURL string
	// hashes computes a call's idempotency hashes: idemHashes (tests of
	// the events of older binaries set legacyIdemHashes).
	hashes func(call Call, stream string, request any) (key, req string)
}

// Options configure a Handler.
type Options struct {
	// Now is the clock (default time.Now); tests pass a fixed one.
	Now func() time.Time
	// CacheSize bounds the aggregates kept in memory (default 10000).
	CacheSize int
	Log       *slog.Logger
	// PublicURL is the service's address as people and verifiers reach
	// it ("https://parcours.example"); badges name their issuer profile
	// and revocation list under it.
	PublicURL string
}

// New returns a handler over store, sealing personal data with ring.
func New(store eventstore.Store, ring *personaldata.Keyring, opts Options) *Handler {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.CacheSize <= 0 {
		opts.CacheSize = 10000
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	h := &Handler{store: store, ring: ring, codec: eventcodec.New(ring), now: func() time.Time { return opts.Now().UTC() },
		log: opts.Log, cache: newCache(opts.CacheSize), publicURL: opts.PublicURL}
	h.hashes = h.idemHashes
	return h
}

// Codec returns the handler's codec (readers decode events with it).
func (h *Handler) Codec() *eventcodec.Codec { return h.codec }

// Call carries what every command needs beside its own fields.
type Call struct {
	Actor domain.Actor
	// IdempotencyKey, if set, makes the command apply once: sending it
	// again with the same key answers the first result.
	IdempotencyKey string
	CorrelationID  string
	CausationID    string
	// IfRevision, if set, is the revision the caller last saw (HTTP
	// If-Match): the command fails with a conflict if the stream moved.
	IfRevision *uint64
}

// Result says where a command's events landed.
type Result struct {
	Stream        string
	FirstRevision uint64
	Revision      uint64 // of the last event; the stream's new ETag
	Position      eventstore.Position
	Events        int
	// ID is the ID of what the command created, if it created something.
	ID string
	// Secret is a value shown once and never stored in clear (a share
	// link's token); empty for most commands and on replays.
	Secret string
	// Replayed is set when an idempotency key matched an earlier command.
	Replayed bool
}

// newID returns a random ID, or one derived from the call's idempotency
// key so that a replay names the same thing. The derivation is keyed
// (Keyring.LogHash): a key may hold personal data (the console's enrolment
// key holds the e-mail address), and the ID stays in the log after an
// erasure.
func (h *Handler) newID(c Call, prefix string, n int) string {
	if c.IdempotencyKey != "" {
		sum := h.ring.LogHash([]byte(c.Actor.PersonID + "\x00" + c.IdempotencyKey + "\x00" + prefix + string(rune('0'+n))))
		return prefix + hex.EncodeToString(sum[:10])
	}
	var b [10]byte
	rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// cache keeps the most recently used aggregates with their revision, so
// that a command reads only the events appended since (cost independent of
// history length).
type cache struct {
	mu      sync.Mutex
	max     int
	entries map[string]*list.Element
	order   *list.List
}

type cacheItem struct {
	stream string
	entry  *entry
}

func newCache(max int) *cache {
	return &cache{max: max, entries: map[string]*list.Element{}, order: list.New()}
}

// get returns the entry of stream, making it with fresh if absent.
func (c *cache) get(stream string, fresh func() *entry) *entry {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[stream]; ok {
		c.order.MoveToFront(el)
		return el.Value.(*cacheItem).entry
	}
	e := fresh()
	c.entries[stream] = c.order.PushFront(&cacheItem{stream: stream, entry: e})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.entries, last.Value.(*cacheItem).stream)
	}
	return e
}

// drop forgets stream (after a failure left its entry in doubt).
func (c *cache) drop(stream string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[stream]; ok {
		c.order.Remove(el)
		delete(c.entries, stream)
	}
}
