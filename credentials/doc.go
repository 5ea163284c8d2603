// Package credentials holds who may log in and how: people's accounts
// (email and password), their server-side sessions, and the API tokens of
// apps. It keeps them in tables of their own (credentials.db in the data
// directory, or the credentials_* tables in PostgreSQL), never in the
// event log: who was given which role in which structure is recorded
// there, by the enrolment events, and this package only remembers which
// credential acts as which enrolled person.
//
// # Passwords
//
// Passwords are hashed with argon2id (RFC 9106) with DefaultParams:
// memory 64 MiB, 2 passes, 2 lanes, a 16-byte random salt and a 32-byte
// key. On the reference machine (2 cores, AMD EPYC) one hash costs about
// 110 ms of CPU, split over the two lanes: about 60 ms of wall time on
// idle cores, so a login stays under 100 ms, while every offline guess
// costs the same and 64 MiB (3 passes would be about 90 ms: too close to
// the bound under load). BenchmarkHash measures it. Hashes are stored in
// the PHC string format,
//
//	$argon2id$v=19$m=65536,t=2,p=2$<salt>$<key>
//
// so the parameters can be raised later: a hash made with other
// parameters still verifies, and is replaced by one with the current
// parameters at the next successful login. At most a few hashes run at
// once (Options.MaxConcurrentHashes) so that a burst of logins cannot
// exhaust memory.
//
// # Logins
//
// A login answers the same, and does the same work (one argon2id
// computation), whether or not the account exists. Attempts are
// rate-limited per account and per client address with in-memory token
// buckets (5 a minute, burst 5, per account; 20 a minute, burst 20, per
// address); past the limit Login returns a *RateLimitError saying when to
// retry. A successful login creates an opaque session: 32 random bytes,
// base64url, of which only the SHA-256 is stored; it lasts 12 hours idle
// and 7 days at most, and logging out deletes it.
//
// # API tokens
//
// Apps authenticate with bearer tokens ("prc_" and 43 base64url
// characters) that a structure admin creates for an app person enrolled in
// the structure, scoped to that structure and that person's role. The
// token is shown once; only its SHA-256 is stored. Tokens can be revoked,
// and remember when they were last used (written at most once a minute).
//
// # Roles and membership
//
// A credential names the person, the structure (the tenant) and the role
// it acts in. The role must be the person's enrolment: Options.Member,
// which the wiring builds over the event log, is asked when an account or
// a token is created and at every login, and token administration asks it
// about the admin too. Between those moments the stored role is trusted
// for authentication only: the command handlers re-check membership
// against the event log on every command (commands/authz.go), so a person
// who left a structure can still authenticate until their session ends but
// can no longer act in it.
//
// # Erasure
//
// When a person is erased (GDPR art. 17: `parcours admin erase-person` and
// DELETE /v1/people/{id}, which crypto-shred their data with
// commands.Erase), the erasure path then calls Service.ForgetPerson: in
// one transaction, their accounts are deleted in every structure (a
// person ID names one person, whose data key is erased everywhere), with
// their email and password hash, and so are their sessions; every API
// token acting as them is revoked. Token rows stay, revoked, like those
// revoked by an admin: the audit of a token's use keeps them, and they
// hold no personal data beside the pseudonymous person ID (tokens a person
// created for an app act as the app, and stay). From then on their
// password, their sessions and their tokens are refused like unknown or
// revoked ones. Forgetting is idempotent. It runs only after the erasure
// succeeded (a refused or failed erasure touches no credential); if it
// fails after the keys were destroyed, the erasure path says so (the API
// answers 500 erasure-incomplete) and running the same erasure again,
// which is harmless, finishes it: the admin can, and so can the person,
// whose credentials still work until then.
//
// Deleted rows must not stay in the storage. credentials.db is opened
// with secure_delete, which overwrites deleted content with zeros, and
// ForgetPerson then checkpoints the WAL and truncates it (it holds the
// pages as they were before). In PostgreSQL a DELETE only marks the row
// version dead: its bytes stay in the table's and the email index's pages
// until VACUUM, and a plain VACUUM makes the space reusable without
// having to overwrite it; so ForgetPerson rewrites credentials_users with VACUUM
// FULL (new files, the old ones removed), as personaldata does for its key
// tables; it takes an exclusive lock on the account table for the length
// of the rewrite, which stalls logins briefly. Copies outside the live
// files are beyond reach and age out: PostgreSQL's write-ahead log and
// its archive, replicas' and backups' copies, and blocks the file system
// freed. Erasure is rare, so the person's accounts and tokens are found by
// scanning their tables (no index on the person ID). In memory, the login
// rate limiter keeps an email tried recently as a bucket key until a sweep
// or a restart; nothing of it is written.
//
// # Authenticate and cross-site requests
//
// Service.Authenticate reads "Authorization: Bearer prc_…" or the
// parcours_session cookie, and gives the actor with the tenant taken from
// the credential, never from the request. Unsafe requests (POST, PUT,
// PATCH, DELETE) authenticated by the cookie must come from the service's
// own origin: net/http's CrossOriginProtection (Sec-Fetch-Site, Origin),
// and when a browser sends neither header, a Referer on the same host;
// with none of the three, the request is refused. Bearer requests carry
// no ambient credential and are not checked.
package credentials
