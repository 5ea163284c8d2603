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
// Streams are spread by hash over Options.Writers dispatchers (2 by
// default, so that one batch runs on the server while the other is
// answered and the next gathered); a dispatcher has at most one batch in
// flight, so two batches of one process never race for a stream. A batch takes every append waiting
// for its dispatcher, checks each expectation in Go against the stream's
// head (the one the dispatcher committed last, or read in one query for all
// the batch's streams), and inserts the events of every append that passed
// in one INSERT … SELECT FROM unnest(…): a single statement, so a single
// transaction and a single WAL flush for all of them. The statement is
// prepared once per connection and its columns are sent as binary arrays
// encoded by the store itself. An append that failed
// its check is then taken on its own (it may be a retry, or a stale head).
// If the insert hit a unique key (a retry, or another process appended to
// one of the streams since the head was remembered), nothing was stored:
// the batch is planned again from heads read afresh and, if it fails again,
// its appends are taken one by one, so a conflict fails its own append
// only. A stream whose remembered head proved out of date (another process
// writes to it too) is not remembered any more: its head is read at each
// batch. Rows go in in (stream, revision) order, the same in every process,
// so two batches that wait for each other's uncommitted keys cannot
// deadlock.
//
// When a batch is done, the next one starts as soon as as many appends are
// waiting as the last one held, or after a linger of at most half the last
// insert's duration (and 1ms): under steady load the writers just answered
// come straight back, and waiting for them makes one commit of what would
// otherwise be a large one and a small one. A commit costs the server far
// more than a row (about 0.15ms of CPU against 0.01ms here), so this is
// what lets many single-event appends approach bulk-insert speed.
//
// Durability is PostgreSQL's: with the default synchronous_commit=on an
// append is acknowledged after its commit record is flushed.
//
// # The global log: the transaction-id snapshot rule
//
// PostgreSQL transactions commit in another order than they take sequence
// numbers, so "all rows with seq > checkpoint" would let a subscriber pass
// an event whose transaction commits late. Each row therefore records the
// 64-bit id of the transaction that inserted it (tx_id xid8 DEFAULT
// pg_current_xact_id()) and its place in that transaction's single insert
// (ord, from 0), and the position of an event is
// Position{Hi: tx_id, Lo: ord}. ReadAll returns rows in
// (tx_id, ord) order, after the checkpoint, and only those with
//
//	tx_id < pg_snapshot_xmin(pg_current_snapshot())
//
// that is, rows whose transaction is older than every transaction still in
// flight. Transaction ids are handed out in increasing order, so no
// transaction that has not ended yet can add a row below that line: the
// part of the log below it is final, and a subscriber that follows it never
// skips an event, never sees one twice, and always sees one order. Head is
// the last position below the line. The primary key (tx_id, ord) serves
// both. (The store inserts once per transaction; anything else inserting
// into events must do the same, or number its rows on from the first
// insert's.)
//
// The other way to get this guarantee is to serialise appends (a table
// lock or an advisory lock held to commit, with a gap-free counter). It is
// simpler to read but allows one append transaction at a time across all
// processes, each waiting for the previous one's WAL flush. The snapshot rule lets
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
// Appends of this process wake its subscribers at once. For the other
// processes, the store sends a NOTIFY on a channel named after the schema
// (so stores in different schemas do not wake each other) after each
// commit, at most once every 10ms: under load one NOTIFY covers many
// commits. It is sent after the commit, not inside the append's
// transaction: PostgreSQL serialises the commits of notifying transactions
// on one lock held until their commit record is flushed, which would undo
// group commit across batches and processes (and a NOTIFY costs the server
// about as much as a small commit). The price is that a process that dies
// between a commit and its NOTIFY wakes nobody; the poll below covers it.
//
// Each Store keeps one connection outside the pool listening on its
// channel; it reconnects by itself with a backoff, and wakes every
// subscriber when it does, since notifications may have been lost
// meanwhile. A caught-up subscriber otherwise reads the log every
// Options.PollInterval (1s), the fallback for a lost notification; there is
// no busy polling. A subscription survives a lost connection or a server
// restart: it reads again, backing off up to 5s.
//
// # Faults
//
// An append is one statement: it is committed wholly or not at all,
// whatever happens to the client or the server. pgxpool replaces broken
// connections, so the store recovers from a server restart by itself;
// an append whose outcome was lost fails with the connection's error, and
// retrying it with the same event IDs never duplicates it.
package postgres
