package projections

import "database/sql"

// Test hooks for the black-box tests of projections_test.

// Rebind is rebind.
func Rebind(query string) string { return rebind(query) }

// Writer returns the pool that writes the read models.
func (d *DB) Writer() *sql.DB { return d.writer }
