// A second, independent verifier of Open Badges 3.0 credentials secured
// with eddsa-jcs-2022, written from the specifications (W3C VC Data
// Integrity EdDSA Cryptosuites v1.0, §3.3; Bitstring Status List v1.0)
// with none of Parcours' code: JCS by canonicalize (RFC 8785, by one of
// its authors), Ed25519 by Node's crypto, base58 by bs58, the 1EdTech
// JSON schema checked by Ajv. Offline: nothing is fetched.
//
//   node verify.mjs CREDENTIAL.json [--key did:key:…] [--status LIST.json] [--schema SCHEMA.json]
//
// Prints one JSON object; exit status 0 when every check passes, 1 if not.
import { createHash, createPublicKey, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import canonicalize from "canonicalize";
import bs58 from "bs58";
import Ajv2019 from "ajv/dist/2019.js";
import addFormats from "ajv-formats";

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const readJSON = (path) => JSON.parse(readFileSync(path, "utf8"));
const sha256 = (s) => createHash("sha256").update(Buffer.from(s, "utf8")).digest();

// publicKeyOf resolves a did:key verification method to an Ed25519 key.
function publicKeyOf(vm) {
  const m = /^did:key:(z[1-9A-HJ-NP-Za-km-z]+)(?:#(z[1-9A-HJ-NP-Za-km-z]+))?$/.exec(vm);
  if (!m || (m[2] && m[2] !== m[1])) throw new Error(`not a did:key verification method: ${vm}`);
  const bytes = bs58.decode(m[1].slice(1));
  if (bytes.length !== 34 || bytes[0] !== 0xed || bytes[1] !== 0x01) throw new Error("not an Ed25519 multikey");
  const x = Buffer.from(bytes.slice(2)).toString("base64url");
  return { did: `did:key:${m[1]}`, key: createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x }, format: "jwk" }) };
}

// verifyDocument checks every proof of a secured document and returns the
// did:key of each signer.
function verifyDocument(doc) {
  const proofs = Array.isArray(doc.proof) ? doc.proof : doc.proof ? [doc.proof] : [];
  if (proofs.length === 0) throw new Error("no proof");
  const unsecured = { ...doc };
  delete unsecured.proof;
  return proofs.map((proof) => {
    if (proof.type !== "DataIntegrityProof" || proof.cryptosuite !== "eddsa-jcs-2022") throw new Error("not an eddsa-jcs-2022 DataIntegrityProof");
    if (proof.proofPurpose !== "assertionMethod") throw new Error("proof purpose is not assertionMethod");
    const options = { ...proof };
    delete options.proofValue;
    if (options["@context"]) {
      const dc = [].concat(unsecured["@context"] ?? []);
      const pc = [].concat(options["@context"]);
      if (!pc.every((c, i) => JSON.stringify(c) === JSON.stringify(dc[i]))) throw new Error("the document's @context does not start with the proof's");
    }
    const data = Buffer.concat([sha256(canonicalize(options)), sha256(canonicalize(unsecured))]);
    if (typeof proof.proofValue !== "string" || !proof.proofValue.startsWith("z")) throw new Error("proofValue is not base58btc");
    const sig = Buffer.from(bs58.decode(proof.proofValue.slice(1)));
    const { did, key } = publicKeyOf(proof.verificationMethod);
    if (!verify(null, data, key, sig)) throw new Error("signature does not verify");
    return did;
  });
}

// revoked reads the credential's bit in a status list credential.
function revoked(entry, list, signers) {
  const listSigners = verifyDocument(list);
  if (!listSigners.some((d) => signers.includes(d))) throw new Error("the status list is signed by another key");
  if (list.id !== entry.statusListCredential) throw new Error("not the credential's status list");
  const subject = list.credentialSubject;
  if (subject.type !== "BitstringStatusList" || subject.statusPurpose !== entry.statusPurpose) throw new Error("not a matching BitstringStatusList");
  if (!subject.encodedList.startsWith("u")) throw new Error("encodedList is not multibase base64url");
  const bits = gunzipSync(Buffer.from(subject.encodedList.slice(1), "base64url"));
  if (bits.length * 8 < 131072) throw new Error("status list shorter than 131072 entries");
  const i = Number.parseInt(entry.statusListIndex, 10);
  return (bits[i >> 3] & (0x80 >> (i % 8))) !== 0;
}

const out = { file: args[0], checks: {} };
try {
  const doc = readJSON(args[0]);
  const signers = verifyDocument(doc);
  out.checks.proof = "ok";
  out.signers = signers;
  const pinned = opt("--key");
  if (pinned) {
    if (!signers.includes(publicKeyOf(pinned.split("#")[0]).did)) throw new Error("not signed by the pinned issuer key");
    out.checks.issuerKey = "ok";
  }
  const schemaPath = opt("--schema");
  if (schemaPath) {
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(readJSON(schemaPath));
    if (!validate(doc)) throw new Error("schema: " + ajv.errorsText(validate.errors));
    out.checks.schema = "ok";
  }
  const statusPath = opt("--status");
  if (statusPath) {
    if (revoked(doc.credentialStatus, readJSON(statusPath), signers)) throw new Error("revoked");
    out.checks.status = "ok";
  }
  out.ok = true;
} catch (e) {
  out.ok = false;
  out.error = e.message;
}
console.log(JSON.stringify(out));
process.exit(out.ok ? 0 : 1);
