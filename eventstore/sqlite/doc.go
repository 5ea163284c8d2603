// Package sqlite is the embedded event store of Parcours: one SQLite file
// (through database/sql and modernc.org/sqlite, pure Go), no server.
//
// Durability: the file is in WAL mode with synchronous=FULL, so an append
// is acknowledged only after its commit reached stable storage (one fsync of
// the WAL). Options.Synchronous "NORMAL" trades that for speed (a power loss
// may lose the last commits, though never tear one); it is opt-in and
// benchmarks report it apart.
//
// Group commit: one goroutine owns the write connection. Appends that
// arrive while it is busy are written together, in one transaction and one
// fsync. Each append in the batch is checked on its own, and one of several
// events runs inside its own savepoint (one event's single INSERT is undone
// by SQLite alone if it fails): a conflict or an invalid event fails that
// append only, never its neighbours. The writer remembers the head (last
// revision and hash) of the streams it wrote, so an append is usually one
// INSERT; each batch first reads PRAGMA data_version under the write lock,
// and if another connection (another process) committed meanwhile, it
// forgets them all and reads heads from the file again. Readers use a
// separate pool and, thanks to WAL, never block the writer nor are blocked
// by it.
//
// Ordering: SQLite has one writer at a time, so the row id assigned at
// insert is also commit order, and a reader's snapshot always holds a prefix
// of the log. A Position is (0, rowid).
//
// Immutability: triggers refuse UPDATE and DELETE on the events table, so
// even a mistaken SQL statement cannot rewrite history; the hash chain
// catches what bypasses them.
//
// The schema is created and upgraded only by Migrate, never by Open.
package sqlite
