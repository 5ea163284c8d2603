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
// states, framework codes, hashes) stay readable. The hash chain covers
// the sealed bytes, so it still verifies after erasure.
//
// Seal version 2 (what Seal writes): each part is sealed with AES-256-GCM
// under its own 256-bit key, derived from the person's key with
// HKDF-SHA256 (crypto/hkdf, no salt) whose info is the part's binding: a
// "parcours.sealed.v2" label, the tenant, stream and subject (each
// length-prefixed), the event ID and the revision. The same bytes are the
// GCM associated data, so a sealed part cannot be moved to another event.
// PartKey gives that one part's key, and OpenWithPartKey opens the part
// with it and no key ring: an auditor who receives the key of a part can
// check that a disclosed text is what the notarised sealed bytes hold,
// and learns nothing of the person's other parts (HKDF keys of other
// bindings are independent). A part key, once handed over, opens its part
// for good, even after the person's erasure: handing it over is
// disclosing that part.
//
// Seal version 1 (events written before version 2) sealed every part
// directly under the person's key, with associated data labelled
// "parcours.sealed.v1"; Open still reads it. Such a part has no key of its
// own (ErrNoPartKey): only the person's key, which opens all their parts,
// opens it.
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
