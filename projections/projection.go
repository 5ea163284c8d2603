package projections

import (
	"github.com/parcours/parcours/eventcodec"
)

// Projection builds one read model from the events.
type Projection interface {
	// Name names the read model: lower-case letters and '_'.
	Name() string
	// Version changes when Apply changes what it builds; a projection whose
	// stored version differs is rebuilt.
	Version() int
	// Apply changes the read model for one event. It must not fail on an
	// event it does not care about, and it reads personal data only
	// through the event's PersonalRef (kept, not opened), so read models
	// hold none in clear.
	Apply(b *Batch, d eventcodec.Decoded) error
}
