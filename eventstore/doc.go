// Package eventstore is the storage contract of Parcours: an append-only,
// hash-chained log of events, one stream per aggregate, with one global log
// that subscribers read in commit order.
//
// The contract lives here, like database/sql/driver; the backends live in
// sub-packages (sqlite, postgres, kurrentdb) and all pass the conformance
// suite in eventstore/storetest. Backends differ only by the capabilities they
// declare to that suite.
//
// # Streams and revisions
//
// A stream is named by its aggregate ("portfolio-<id>"). Its events are
// numbered by revision from 0. An append states what it expects of the
// stream (Any, NoStream, StreamExists or Exactly(n)); when the stream does not
// match, the append fails with an error that matches ErrWrongExpectedRevision
// and carries the stream's actual revision (see *ConflictError). An append of
// several events is atomic: all of them are stored at consecutive revisions,
// or none is.
//
// # Idempotent retries
//
// Every event has an ID chosen by the writer. Appending again events whose
// IDs are already stored at consecutive revisions of the same stream, with the
// same content, is a no-op that returns the original result: a writer that
// did not learn the outcome of an append (timeout, lost connection) retries
// with the same IDs and never duplicates. A retry that only partly overlaps
// what is stored, or reuses an ID for other content, fails with
// ErrIdempotencyConflict.
//
// # The global log
//
// Every stored event has a Position in the global log. Positions are opaque
// pairs ordered lexicographically; each backend says what they mean. A
// subscriber that reads the log after a position receives every event stored
// after it, exactly once and in one order that never changes, including
// events whose transaction committed late: no event is ever skipped. The
// position given to ReadAll or Subscribe is excluded, so a consumer that
// checkpoints the position of the last event it handled resumes without gap
// or duplicate.
//
// # The hash chain
//
// Each event carries the hash of the previous event of its stream (32 zero
// bytes for revision 0) and its own hash, SHA-256 over:
//
//	"parcours.event.v1\n"
//	u64(len(stream))  stream
//	u64(revision)
//	event ID (16 bytes)
//	u64(len(type))    type
//	u64(schema version)
//	u64(len(data))     data
//	u64(len(metadata)) metadata
//	previous hash (32 bytes)
//
// where u64 is an unsigned 64-bit big-endian integer. Data and metadata are
// the exact bytes the writer gave; stores return them byte for byte, so no
// canonical form of JSON is needed. VerifyChain and VerifyStream recompute the
// chain and report the first event where it breaks.
package eventstore
