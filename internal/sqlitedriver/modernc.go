//go:build !ncruces

package sqlitedriver

import _ "modernc.org/sqlite" // registers the "sqlite" driver

// Name is the driver name to pass to sql.Open.
const Name = "sqlite"
