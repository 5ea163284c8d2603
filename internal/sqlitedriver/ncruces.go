//go:build ncruces

package sqlitedriver

import _ "github.com/ncruces/go-sqlite3/driver" // registers the "sqlite3" driver

// Name is the driver name to pass to sql.Open.
const Name = "sqlite3"
