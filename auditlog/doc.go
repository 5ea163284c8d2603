// Package auditlog is the evidence a certifier can check without trusting
// the Parcours server: a signed Merkle log over the global event log,
// anchors of VAE dossier submissions in it, and evidence bundles that
// `parcours verify BUNDLE.zip` checks offline.
//
// # The tree
//
// Every event of the store's global log, of every stream, becomes one
// leaf, in the order the global log delivers them; the leaf's data is the
// event's 32-byte hash (which covers stream, revision, ID, type, data,
// metadata and the previous hash, see eventstore), so the leaf hash is
// SHA-256(0x00 || event hash) and interior nodes SHA-256(0x01 || l || r)
// as in RFC 6962 / RFC 9162. The tree maths are golang.org/x/mod/sumdb/tlog.
// The per-stream hash chain proves order within a portfolio; the tree
// adds what a chain cannot: that nothing was cut from the end or
// rewritten since a checkpoint was published.
//
// The tree lives in auditlog.db, its own SQLite file in the data
// directory (Migrate, Open): leaves (index, event ID, event hash,
// position, and the tlog stored hashes that leaf completed, see
// hashes.go), signed checkpoints, anchors, and the tree's size and
// position.
//
// # Why a follower and not a projection
//
// projections.Projection writes through a Batch of JSON documents and
// logs, is fed only the domain's streams, and commits one event per
// transaction. The tree needs integer-keyed tables for O(log n) proofs,
// must cover every event of the global log, and must not slow the
// appenders. So Log.Run is its own follower: it reads the global log
// with Store.ReadAll from the tree's position every Poll and adds what is
// new in one transaction per Batch, together with the new tree size and
// position (its checkpoint). A crash loses the whole transaction or
// nothing; an event already in the tree is skipped, so each event is
// exactly one leaf, even with two followers on the same file. It polls
// rather than Subscribe: the tree needs no per-commit latency, and one
// read and one transaction per poll cost the appenders far less than one
// per commit. Each event's hash is recomputed before it is added: an event
// whose stored bytes no longer match its hash stops the log (ErrTampered)
// rather than being notarised. auditlog.db is synchronous=NORMAL: it is a
// pure function of the global log's order, recomputed identically after a
// lost transaction.
//
// # Checkpoints
//
// A checkpoint (Checkpoint) is a C2SP tlog-checkpoint, a note signed with
// Ed25519 (golang.org/x/mod/sumdb/note): origin, tree size, root hash, and
// an extension line with the signing time. One is signed at start, then
// every Config.CheckpointEvery events or Config.CheckpointInterval,
// whichever comes first. The key is created on first start in the data
// directory (audit.key, mode 0600; LoadOrCreateKey), never in the event
// store; its name is the log's origin. PublicKey gives the verifier key.
//
// # Endpoints
//
// Log.Handler serves GET /v1/audit/public-key, /v1/audit/checkpoint,
// /v1/audit/inclusion?event=ID&size=N and /v1/audit/consistency?old=N&new=M
// (see Handler). They are public: they reveal only hashes, sizes and the
// public key. Watcher (`parcours audit watch`) is the auditor's side: it
// keeps the last checkpoint it saw and checks each new one with a
// consistency proof, so a server that rewrote history is caught, with the
// two checkpoints it signed as evidence.
//
// # Anchors
//
// When the follower adds a VAEDossierSubmitted event it records the
// submission; the next checkpoint signed covers it and becomes the
// dossier's anchor (AnchorOf), in the same transaction as the checkpoint.
//
// # Evidence bundles
//
// BuildBundle writes a zip for one submitted dossier:
//
//	dossier.html, dossier.json  the dossier, French first then English, and for machines
//	events.jsonl                every event of the portfolio stream the checkpoint covers,
//	                            exact stored bytes (sealed parts included), with its leaf index
//	proofs.json                 each event's inclusion proof in the checkpoint's tree; the
//	                            anchor checkpoint, the submission's inclusion in it, and the
//	                            consistency proof from it to the bundle's checkpoint
//	checkpoint.txt              the latest signed checkpoint
//	public-key.txt              the log's verifier key
//	disclosure.json             opened personal parts, with their part keys (see below)
//	files/                      the dossier's evidence files, decrypted
//	manifest.json, manifest.sig every entry's SHA-256, the stream's head, signed by the log's key
//
// What is disclosed. disclosure.json carries the opened personal parts of
// exactly the events the dossier refers to (the experiences and evidence
// mapped to its blocks, their live tasks, the live evidence attached to
// them, the attestations of that evidence and those tasks, the comments
// on any of these and on the dossier; for each, the event that last set
// its content), and files/ the decrypted originals, so the auditor checks
// each file's SHA-256 against the one its (disclosed) event records and
// can open it. Per-file keys with the encrypted files would prove nothing
// more: the file's ID and hash come from the same sealed part.
//
// A person's key opens every sealed part of theirs, in every event of the
// portfolio and beyond, so a bundle never holds it. Parts sealed in
// version 2 (personaldata: a key per part, derived with HKDF-SHA256 from
// the person's key and the part's binding, tenant, stream, subject, event
// ID and revision) come instead with that part's key (part_key, base64):
// the verifier opens the sealed part of that event as events.jsonl holds
// it, the bytes the hash chain and the signed log notarise, and requires
// the plaintext to be the disclosed text. A part key opens its own part
// and nothing else, so the auditor receives no more of the person than
// the disclosed parts; and the platform, which signs the manifest, cannot
// disclose a text other than the sealed one, hand over a wrong key or
// another part's, or leave a version 2 part's key out, without the check
// failing. (It can still say a part is erased, with neither text nor key:
// that hides a part, it does not falsify one.) A part key, once handed
// over, opens that one part for good, even after the person's erasure:
// that is what disclosing it means. A bundle built after the erasure has
// no key and no text for the erased parts.
//
// The limit, for parts sealed in version 1 only (events written before
// seal v2; GCM under the person's key has no per-message key to hand
// over): such a part comes without a key, and the link between its
// disclosed plaintext and the sealed bytes the log notarised is attested
// by the platform's signature over the manifest, not proven. That
// signature is accountable: anyone who later holds the key (the person,
// through the portability export) can show a false disclosure. The report
// says how many parts were proven by key and how many only attested.
//
// # Verification
//
// Bundle.Verify (ReadBundle, VerifyBundle; `parcours verify BUNDLE.zip
// --key K`) runs offline and reports, in French and English: the manifest
// signature and every entry's hash; the checkpoint's signature; the hash
// chain of the portfolio's events from revision 0 to the head the
// manifest names (so events removed at the end are caught too); every
// inclusion proof; the anchor; that the disclosure covers exactly the
// events the dossier refers to, and that each version 2 part's key opens
// its event's sealed part to exactly the disclosed text; that
// dossier.json and dossier.html are byte for byte what the events and
// disclosure produce; and every file's SHA-256. Every JSON entry (part
// keys included) must be in the canonical form the builder writes, and
// every signature a single one in canonical base64, so that a bundle has
// one reading. The key should come from the platform
// (/v1/audit/public-key, or the certifier's records); without --key the
// bundle's own is used and the report warns. Authorization to download a
// bundle is the HTTP layer's: an auditor with a grant on the dossier.
package auditlog
