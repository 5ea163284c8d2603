// Package personaldata keeps personal data erasable inside an immutable
// ledger ("crypto-shredding").
//
// Every person (data subject) gets a random 256-bit data key. Keys are
// stored wrapped (AES-256-GCM) under a master key that comes from
// configuration (PARCOURS_MASTER_KEY) or from a file created on first start
// with mode 0600; the master key is never stored with the events, and the
// wrapped keys live in their own table (KeyStore), apart from the events.
//
// Personal fields of an event (names, free text, contact details, file
// names, comments) are sealed with the person's key into one "sealed"
// member of the event's JSON data; the clear members (IDs, types, dates,
// states, framework codes, hashes) stay readable. The seal is AES-256-GCM
// with the tenant, stream, event ID, revision and subject as associated
// data, so a sealed part cannot be moved to another event. The hash chain
// covers the sealed bytes, so it still verifies after erasure.
//
// Evidence files are encrypted at rest (Files) with a per-file key wrapped
// by the owner's key, in the DARE format of github.com/minio/sio
// (authenticated, streamed in 64 KiB packages).
//
// Erasing a person deletes their key and their files' keys and files, and
// leaves a tombstone so no new key is ever made for them: every sealed part
// of theirs then reads as erased (ErrErased), which readers show as
// "erased" instead of failing.
package personaldata
