// Package postgres is the PostgreSQL event store of Parcours, through pgx
// v5 (pgxpool), for deployments where several processes (API replicas,
// projection workers) share one log.
//
// # Schema
//
// One table, events, in the schema the connection's search_path selects.
// It is created and upgraded only by Migrate (`parcours migrate`), which
// records each version in schema_version; Open refuses a schema older
// (ErrSchemaTooOld) or newer (ErrSchemaTooNew) than the binary. Triggers
// refuse UPDATE, DELETE and TRUNCATE on events; the hash chain catches what
// bypasses them. Data and metadata are bytea, stored byte for byte.
//
// # Concurrency and idempotency
//
// The database enforces the per-stream order: (stream, revision) is a
// unique key, so of two appends that read the same head only one can
// insert the next revision; the other gets a unique violation, reads the
// head again and, if its expectation no longer holds, fails with a
// *eventstore.ConflictError. event_id is unique too: an append whose IDs
// are already stored is resolved by eventstore.MatchRetry (the original
// result, or ErrIdempotencyConflict). The hash chain is computed in Go from
// the head row (revision, hash) read before the insert; the unique key
// guarantees that head was still the last event when the insert committed.
//
// # Group commit
//
// Each stream is served by one of Options.Writers writer goroutines. A
// writer takes every append waiting for it, reads the heads of their
// streams in one query, checks each expectation in Go, and inserts the
// events of every append that passed in one INSERT … SELECT FROM unnest(…),
// a single statement and so a single transaction with a single WAL flush.
// Appends that failed their check, or all of the batch if the insert hit a
// unique key (a retry, or a writer in another process), are then taken one
// by one, so a conflict fails its own append only. Durability is
// PostgreSQL's: with the default synchronous_commit=on an append is
// acknowledged after its commit record is flushed.
//
// # The global log: the transaction-id snapshot rule
//
// PostgreSQL transactions commit in another order than they take sequence
// numbers, so "all rows with seq > checkpoint" would let a subscriber pass
// an event whose transaction commits late. Each row therefore records the
// 64-bit id of the transaction that inserted it (tx_id xid8 DEFAULT
// pg_current_xact_id()) next to a sequence number (seq), and the position
// of an event is Position{Hi: tx_id, Lo: seq}. ReadAll returns rows in
// (tx_id, seq) order, after the checkpoint, and only those with
//
//	tx_id < pg_snapshot_xmin(pg_current_snapshot())
//
// that is, rows whose transaction is older than every transaction still in
// flight. Transaction ids are handed out in increasing order, so no
// transaction that has not ended yet can add a row below that line: the
// part of the log below it is final, and a subscriber that follows it never
// skips an event, never sees one twice, and always sees one order. Head is
// the last position below the line. The index on (tx_id, seq) (the primary
// key) serves both.
//
// The other way to get this guarantee is to serialise appends (a table
// lock or an advisory lock held to commit, with a gap-free counter). It is
// simpler to read but allows one append at a time across all processes, so
// it caps throughput at one commit per WAL flush. The snapshot rule lets
// appends run and commit in parallel, and group commit applies.
//
// Its cost: the line is the oldest transaction in flight in the whole
// PostgreSQL cluster that has a transaction id, whatever it does and
// whichever database it is in. While such a transaction runs, events
// committed after it began stay invisible to ReadAll and subscribers (never
// lost: they appear, in order, as soon as it ends). Our own appends are
// single statements that last milliseconds; statement_timeout
// (Options.StatementTimeout) bounds a stuck one, and
// idle_in_transaction_session_timeout (Options.IdleInTxTimeout), set on
// every connection of the store, ends a session that went idle inside a
// transaction. Sessions of other applications are out of the store's
// reach: keep long write transactions (bulk loads, long migrations,
// forgotten psql sessions, prepared two-phase transactions) off the
// cluster that holds the events, or set idle_in_transaction_session_timeout
// for the whole server. ReadStream is not subject to the rule: it sees
// every committed event of the stream at once.
//
// So that "append, then read the log" behaves as a reader expects, ReadAll
// and Head wait, up to Options.SettleTimeout (1s), for the transactions in
// flight below the newest committed event when they are called, polling
// with a pause that grows from 0.5ms to 50ms. After that they return what is
// settled; a subscriber then waits for its next wake-up.
//
// # Live subscriptions
//
// Every insert statement calls pg_notify on a channel named after the
// schema (so stores in different schemas do not wake each other); the
// notification is delivered only once the transaction has committed. Each
// Store keeps one connection outside the pool listening on that channel;
// it reconnects by itself with a backoff, and wakes every subscriber when it
// does, since notifications may have been lost meanwhile. Appends of the
// same process wake its subscribers directly. A caught-up subscriber
// otherwise reads the log every Options.PollInterval (1s), the fallback for
// a lost notification; there is no busy polling.
//
// # Faults
//
// An append is one statement: it is committed wholly or not at all,
// whatever happens to the client or the server. pgxpool replaces broken
// connections, so the store recovers from a server restart by itself;
// an append whose outcome was lost fails with the connection's error, and
// retrying it with the same event IDs never duplicates it.
package postgres
