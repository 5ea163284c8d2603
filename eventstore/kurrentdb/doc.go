// Package kurrentdb is the clustered event store of Parcours: KurrentDB
// (formerly EventStoreDB) through github.com/EventStore/EventStore-Client-Go/v4.
//
// Open takes a connection string with the scheme esdb://, esdb+discover://,
// kurrentdb:// or kurrentdb+discover:// (the kurrentdb schemes are spelled
// esdb for the client). The connection's user must be allowed to read $all.
//
// # Streams and the hash chain
//
// Each Parcours stream is one KurrentDB stream of the same name (after
// Options.StreamPrefix, if set). KurrentDB does not know the hash chain, so
// the adapter computes it: an append reads the stream's head (a backwards
// read of its last event), links the new events onto it with
// eventstore.Chain, and appends with the expected revision of that head
// (esdb.Revision(n), or esdb.NoStream for a new stream). A concurrent writer
// therefore makes the server refuse the append instead of forking the chain.
// The caller's own expectation is checked against the head first; when it
// was Any or StreamExists and another writer won the race, the adapter reads
// the new head and tries again, up to Options.AppendAttempts times.
//
// Every KurrentDB event is written as:
//
//	event id      the Parcours event ID (a UUID)
//	event type    the Parcours type
//	content type  application/json
//	data          the caller's data, byte for byte
//	metadata      {"parcours":1,"sv":N,"prev":"<hex>","hash":"<hex>","meta":<caller's metadata>}
//
// (with "ns":"<prefix>" after "parcours" when Options.StreamPrefix is set).
// The metadata envelope carries the schema version and the chain fields;
// the caller's metadata is embedded as raw JSON and read back byte for byte
// (or, in the rare case where it has white space around the object, as a
// JSON string under "meta_text"). So `parcours verify` works unchanged.
// An event without the envelope in a Parcours stream (written by another
// tool) is returned by ReadStream with zero hashes, so verification reports
// it as a break in the chain; the global log leaves it out, and Append
// refuses to link onto it.
//
// # Idempotent retries and their limits
//
// KurrentDB de-duplicates by event ID only on a best-effort basis: the
// server recognises a retry when it carries the same expected revision as
// the original append (it then compares the IDs stored after that revision),
// and, for appends expecting Any, only while the IDs are still in its
// in-memory idempotency cache. It does not look for an ID in other streams. The adapter completes this to meet the contract:
//
//   - a conflict on an exact expectation (NoStream or Exactly(n)) reads the
//     events stored right after the expected revision; if they carry the
//     append's IDs, eventstore.MatchRetry decides between the original
//     result and ErrIdempotencyConflict;
//   - an append expecting Any or StreamExists first reads the last
//     Options.RetryWindow events of the stream (100 by default) and hands any
//     that carry the append's IDs to eventstore.MatchRetry, so a retry, a
//     partial overlap, or an ID reused with other content is recognised;
//   - the IDs this process sent recently (Options.IDCacheSize), whether or
//     not it learnt the outcome, are remembered with the stream and revision
//     they were sent to; an append reusing one reads that place, so a retry
//     into another stream, or from beyond the window, is recognised too.
//
// What remains: a retry expecting Any or StreamExists whose original was
// sent by another process (or before a restart) more than RetryWindow
// events ago is appended again, and an ID that another process stored in
// another stream is not detected.
// Writers that load, decide and append with Exactly(n) (the commands
// package) are fully covered.
//
// # The global log
//
// The global log is $all, filtered to Parcours events of this store: events
// of streams that do not start with "$" and start with Options.StreamPrefix,
// whose metadata carries the envelope with this store's namespace (so an
// unprefixed store does not take a prefixed store's events for its own: the
// hashes of those cover the stream names without the prefix). A Position is {Hi: commit
// position, Lo: prepare position}, which orders events as KurrentDB does.
// ReadAll reads $all forwards and filters in the client (the v4 client
// offers no server-side filter on reads); Subscribe is a catch-up
// subscription to $all with a server-side stream filter, starting after the
// given position (excluded), and it resubscribes from the last delivered
// position when the subscription drops. Head reads $all backwards until it
// meets a Parcours event. Both scans run in the client: a store with a
// prefix on a busy shared cluster reads the other tenants' events too (its
// subscriptions do not).
//
// # Limits
//
// Options.MaxEventSize bounds data plus metadata per event, as for every
// backend. The server has its own limit on one append request
// (--max-append-size, 1 MiB by default), counted over all the events of the
// append; when it refuses an append for size, the error matches
// eventstore.ErrEventTooLarge. Raise the server's limit above
// MaxEventSize times the largest batch.
//
// An append costs three round trips: the head read, the append, and a read
// of the last event appended, which gives its exact $all position (servers
// from 2022 on report $all positions on stream reads; with older ones the
// append's own result is used).
package kurrentdb
