package httpapi

import (
	"crypto/sha256"
	"sync"
	"time"

	"github.com/parcours/parcours/projections"
)

// Versioner tells the version of the read models this process keeps (the
// projections runner); answers computed at one version stay right while it
// holds.
type Versioner interface {
	Version() uint64
}

// pageCacheTTL bounds how long a cached published page is served without
// looking at the read models again: changes made by another process (which
// the version does not count) show within it.
const pageCacheTTL = time.Second

// pageCache keeps the published pages read recently, by token hash: a page
// opened by many recruiters is read from the read models once per change
// (or once a second), not once per request.
type pageCache struct {
	mu    sync.Mutex
	pages map[[32]byte]cachedPage
}

type cachedPage struct {
	page    projections.PublishedPage
	version uint64
	at      time.Time
}

const pageCacheMax = 1024

// get returns the cached page of token if it is still right at now.
func (c *pageCache) get(token string, version uint64, now time.Time) (projections.PublishedPage, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.pages[sha256.Sum256([]byte(token))]
	if !ok || p.version != version || now.Sub(p.at) > pageCacheTTL || !p.page.Until.IsZero() && !now.Before(p.page.Until) {
		return projections.PublishedPage{}, false
	}
	return p.page, true
}

func (c *pageCache) put(token string, page projections.PublishedPage, version uint64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pages == nil || len(c.pages) >= pageCacheMax {
		c.pages = map[[32]byte]cachedPage{}
	}
	c.pages[sha256.Sum256([]byte(token))] = cachedPage{page: page, version: version, at: now}
}
