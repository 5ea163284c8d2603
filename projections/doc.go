// Package projections builds the read models of Parcours from the global
// log of the event store, with Watermill.
//
// Subscriber is a Watermill message.Subscriber over the log: it reads from
// a checkpoint (excluded), catches up, follows live, and delivers one
// message at a time in log order (it passes Watermill's universal Pub/Sub
// tests for the features it declares). Runner wires a Watermill Router with
// one handler per read model, the correlation-ID, Recoverer and in-place
// Retry middleware; each handler applies an event to its read model and
// commits the new checkpoint in the same transaction, so a crash never
// applies an event twice nor skips one. A projection that is behind gets
// the events already read in one message (SubscriberConfig.MaxBatch) and
// applies them, up to 256, in one transaction: catching up after a start,
// a burst or a lease takeover costs a commit per batch, not per event.
// The projections of a runner read the log through one shared tail of it
// (the latest events in memory), not each on its own at every commit. A
// poison event stops its projection (logged, counted, recorded in its
// status) and no other.
//
// The read models and checkpoints live in the SQLite file readmodels.db
// (OpenSQLite), or, with the PostgreSQL event store, in the same
// PostgreSQL database (OpenPostgres), where several parcours processes
// share them. SQLite has one writing process and serial transactions: a
// runner there runs every projection, with no lease. On PostgreSQL a
// runner runs a projection only while it holds the projection's lease, a
// session-level advisory lock; a process that dies or loses its session
// loses its leases, and another runner takes them over within its
// RunnerOptions.LeaseRetry. Each transaction also locks the projection's
// state row and checks the lease, so an event is applied once, by one
// process, even during a handover; Status says which projections a runner
// owns.
//
// A read model is a set of JSON documents and append-only logs in tables
// of its own generation; Rebuild fills a new generation from the start of
// the log while the old one serves, then swaps them in one transaction.
// A rebuild reads and decodes the next page of events while it applies the
// current one, keeps the documents recent pages used in memory (a
// structure's overview or a counsellor's caseload is read and written once,
// not once per page), writes documents and log entries 128 rows to a
// statement, and indexes each log once it is full rather than entry by
// entry.
// Read models never hold personal data in clear: they keep references to
// the events' sealed parts and open them when a query answers, so an
// erased person reads as erased everywhere at once.
package projections
