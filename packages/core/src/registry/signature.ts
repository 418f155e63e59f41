/**
 * memflow's plugin signatures (memflow-registry's pki.rs): ECDSA over secp256k1 with SHA-256 of
 * the whole plugin file, DER-encoded, as hex. Keys are PEM: public keys SPKI
 * (`BEGIN PUBLIC KEY`), private keys PKCS#8 (`BEGIN PRIVATE KEY`). Signatures are produced low-S
 * with RFC 6979 nonces and uppercase hex, as memflowup writes them; verification refuses high-S
 * signatures, as k256 (and so memflow-registry and memflowup) does.
 */
import type { secp256k1 as Secp256k1 } from "@noble/curves/secp256k1.js";
import { MemflowError } from "../error.ts";

/** DER prefixes of secp256k1 SPKI public keys (id-ecPublicKey + secp256k1), uncompressed and compressed. */
const SPKI_UNCOMPRESSED = "3056301006072a8648ce3d020106052b8104000a034200";
const SPKI_COMPRESSED = "3036301006072a8648ce3d020106052b8104000a032200";
/** PKCS#8 with an embedded SEC1 ECPrivateKey: the 32-byte key follows `04 20` inside. */
const PKCS8_PREFIX = "303e020100301006072a8648ce3d020106052b8104000a042730250201010420";
const PKCS8_PREFIX_WITH_PUBLIC = "308184020100301006072a8648ce3d020106052b8104000a046d306b0201010420";

function pemBody(pem: string, label: string): Uint8Array {
  const match = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`).exec(pem);
  if (!match?.[1]) throw new MemflowError("Other", "InvalidArgument", `expected a PEM block "BEGIN ${label}"`);
  return Uint8Array.from(Buffer.from(match[1].replace(/\s+/g, ""), "base64"));
}

/**
 * The curve, loaded on first use: importing @noble/curves costs ~20 ms, which every CLI command
 * would pay at start-up through core's index. `require` keeps the signing API synchronous.
 */
let curve: typeof Secp256k1 | undefined;
function secp256k1(): typeof Secp256k1 {
  curve ??= (require("@noble/curves/secp256k1.js") as { secp256k1: typeof Secp256k1 }).secp256k1;
  return curve;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

/** The public key point from an SPKI PEM (`-----BEGIN PUBLIC KEY-----`) for secp256k1. */
export function parsePublicKeyPem(pem: string): Uint8Array {
  const der = pemBody(pem, "PUBLIC KEY");
  const text = hex(der);
  for (const [prefix, length] of [
    [SPKI_UNCOMPRESSED, 65],
    [SPKI_COMPRESSED, 33],
  ] as const) {
    if (text.startsWith(prefix) && der.length === prefix.length / 2 + length) return der.subarray(prefix.length / 2);
  }
  throw new MemflowError(
    "Other",
    "InvalidArgument",
    "the public key is not a secp256k1 key in SPKI form (openssl ec -pubout)",
  );
}

/** The 32-byte secret from a PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`) for secp256k1. */
export function parsePrivateKeyPem(pem: string): Uint8Array {
  if (pem.includes("BEGIN EC PRIVATE KEY")) {
    throw new MemflowError(
      "Other",
      "InvalidArgument",
      "the private key is SEC1 (BEGIN EC PRIVATE KEY); convert it to PKCS#8: openssl pkcs8 -topk8 -nocrypt -in key.pem",
    );
  }
  const der = pemBody(pem, "PRIVATE KEY");
  const text = hex(der);
  for (const prefix of [PKCS8_PREFIX, PKCS8_PREFIX_WITH_PUBLIC]) {
    if (text.startsWith(prefix)) return der.subarray(prefix.length / 2, prefix.length / 2 + 32);
  }
  throw new MemflowError("Other", "InvalidArgument", "the private key is not a secp256k1 key in PKCS#8 form");
}

/** Decodes a signature's hex (either case); undefined when it is not hex. */
function decodeHex(signature: string): Uint8Array | undefined {
  if (signature.length < 2 || signature.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(signature)) return undefined;
  return Uint8Array.from(Buffer.from(signature, "hex"));
}

/** Whether `signature` (DER, hex) signs `file` for `publicKey`; high-S signatures do not count. */
export function verifyPluginSignature(file: Uint8Array, signature: string, publicKey: Uint8Array): boolean {
  return verifySigned(file, true, signature, publicKey);
}

/**
 * `verifyPluginSignature` for a file known by its sha256 (32 bytes), as a server that hashed it
 * while receiving it knows it: the signature is over that hash, so the file need not be read again.
 */
export function verifyPluginDigestSignature(sha256: Uint8Array, signature: string, publicKey: Uint8Array): boolean {
  return sha256.byteLength === 32 && verifySigned(sha256, false, signature, publicKey);
}

/** `message` is the file (`prehash`: hashed here) or its sha256 already. */
function verifySigned(message: Uint8Array, prehash: boolean, signature: string, publicKey: Uint8Array): boolean {
  const der = decodeHex(signature);
  if (der === undefined) return false;
  try {
    return secp256k1().verify(der, message, publicKey, { prehash, format: "der", lowS: true });
  } catch {
    return false;
  }
}

/** Signs `file` as memflowup does: deterministic nonce, low-S, DER, uppercase hex. */
export function signPlugin(file: Uint8Array, privateKey: Uint8Array): string {
  const der = secp256k1().sign(file, privateKey, { prehash: true, format: "der", lowS: true });
  return hex(der).toUpperCase();
}

/** The official memflow registry's public key, as bundled with memflowup. */
export const MEMFLOW_REGISTRY_PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MFYwEAYHKoZIzj0CAQYFK4EEAAoDQgAEwFb+pnLXeLpW3n1utc0a18PfnV1fMaxq
wt3vkyIaLMfMcmIUISq9c51CsNLKPYxzOGS7PW3Nyd0NQWjCvR74mQ==
-----END PUBLIC KEY-----
`;
