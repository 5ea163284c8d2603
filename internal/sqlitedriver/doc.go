// Package sqlitedriver chooses the database/sql driver behind every
// SQLite file of the service (events, read models, keys, credentials,
// audit log). Importing it registers the driver; open files with Name.
//
// The default is modernc.org/sqlite (pure Go, SQLite translated to Go).
// Built with -tags ncruces, github.com/ncruces/go-sqlite3 is used
// instead (SQLite compiled to WebAssembly, then to Go), so that the two
// can be measured on the same log (bench rebuild, bench append). Both
// accept the same data source names (file: URIs with _pragma and _txlock
// parameters). The ncruces build is for measurement only: it did not win
// (the rebuild took as much CPU time, the raw scan about 10% less), and
// two cases of the event-store conformance suite fail with it (a read
// cut short by its context reports "interrupted" instead of the context's
// error; the tamper test's direct UPDATE meets the immutability trigger).
package sqlitedriver
