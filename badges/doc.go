// Package badges issues and verifies Open Badges 3.0 credentials
// (OpenBadgeCredential, a W3C Verifiable Credential 2.0) for what a person
// achieved in Parcours: a competence block of an RNCP certification that a
// VAE jury validated, or another achievement a counsellor recognised.
//
// A credential is secured by an embedded Data Integrity proof with the
// eddsa-jcs-2022 cryptosuite (W3C VC Data Integrity EdDSA Cryptosuites
// v1.0): an Ed25519 signature over SHA-256(JCS(proof options)) ||
// SHA-256(JCS(credential without its proof)), JCS being RFC 8785. The
// verification method is the issuer key as a did:key, so a credential is
// checked offline without fetching anything; the issuer profile, served
// at a stable https URL, names the same key, and a verifier may pin it.
//
// Revocation is a Bitstring Status List (W3C Bitstring Status List v1.0):
// each credential names one index of its structure's list, a list of
// 131072 bits, served as a BitstringStatusListCredential secured like the
// badges themselves.
//
// Building is deterministic: the same Award and key give the same bytes
// (Ed25519 signatures are deterministic and the proof's creation time is
// the award's), so Parcours stores the facts of an award in its event and
// signs the credential again whenever it is downloaded.
package badges
