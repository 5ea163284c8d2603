package projections

import "database/sql"

// Test hooks for the black-box tests of projections_test.

// Rebind is rebind.
func Rebind(query string) string { return rebind(query) }

// Writer returns the pool that writes the read models.
func (d *DB) Writer() *sql.DB { return d.writer }

// Changed returns a channel closed when any process next tells that a
// read model changed (PostgreSQL; nil otherwise).
func (d *DB) Changed() <-chan struct{} { return d.changedWait() }
