/**
 * Loading memflow's signing keys from PEM files and checking plugin signatures (memflow-registry's
 * pki.rs through @memflow-ts/core). A check tells a high-S signature apart from a wrong one:
 * `openssl dgst -sign` writes high-S signatures about half the time; they are valid ECDSA, but
 * k256, and so memflow-registry and memflowup, refuses them, and so does this CLI.
 */
import { readFileSync } from "node:fs";
import { MemflowError } from "@memflow-ts/core/plugin-files";
import {
  MEMFLOW_REGISTRY_PUBLIC_KEY,
  parsePrivateKeyPem,
  parsePublicKeyPem,
  verifyPluginSignature,
} from "@memflow-ts/core/registry";
import { CliFailure, fileFailure } from "../failure.ts";

export interface PublicKey {
  readonly point: Uint8Array;
  /** The file it came from; undefined for the official registry's bundled key. */
  readonly path: string | undefined;
}

function readKeyFile(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw fileFailure(`read the ${what}`, path, error);
  }
}

function keyFailure(path: string, what: string, error: unknown, hint: string): CliFailure {
  if (!(error instanceof MemflowError)) throw error;
  return new CliFailure(`${path} is not a usable ${what}: ${error.message}`, [hint]);
}

/** The public key in `path` (SPKI PEM), or the official registry's bundled key. */
export function loadPublicKey(path: string | undefined): PublicKey {
  if (path === undefined) return { point: parsePublicKeyPem(MEMFLOW_REGISTRY_PUBLIC_KEY), path };
  const pem = readKeyFile(path, "public key");
  try {
    return { point: parsePublicKeyPem(pem), path };
  } catch (error) {
    throw keyFailure(path, "public key", error, "make one with: openssl ec -in priv.pem -pubout -out pub.pem");
  }
}

/** The private key in `path` (PKCS#8 PEM), as memflowup's `--priv-key` takes it. */
export function loadPrivateKey(path: string): Uint8Array {
  const pem = readKeyFile(path, "private key");
  try {
    return parsePrivateKeyPem(pem);
  } catch (error) {
    throw keyFailure(
      path,
      "private key",
      error,
      "make one with: openssl ecparam -name secp256k1 -genkey | openssl pkcs8 -topk8 -nocrypt -out priv.pem",
    );
  }
}

/** secp256k1's group order. */
const ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** DER `SEQUENCE { INTEGER r, INTEGER s }` in hex → r and s, or undefined when it is not that. */
function decodeDerSignature(hex: string): { r: bigint; s: bigint } | undefined {
  if (!/^([0-9a-fA-F]{2})+$/.test(hex)) return undefined;
  const bytes = Buffer.from(hex, "hex");
  if (bytes.length < 8 || bytes[0] !== 0x30 || bytes[1] !== bytes.length - 2) return undefined;
  let offset = 2;
  const integers: bigint[] = [];
  for (let index = 0; index < 2; index++) {
    const length = bytes[offset + 1];
    if (bytes[offset] !== 0x02 || length === undefined || length === 0 || offset + 2 + length > bytes.length) {
      return undefined;
    }
    integers.push(BigInt(`0x${bytes.subarray(offset + 2, offset + 2 + length).toString("hex")}`));
    offset += 2 + length;
  }
  const [r, s] = integers;
  return offset === bytes.length && r !== undefined && s !== undefined ? { r, s } : undefined;
}

function derInteger(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  if (Number.parseInt(hex.slice(0, 2), 16) >= 0x80) hex = `00${hex}`;
  return Buffer.concat([Buffer.from([0x02, hex.length / 2]), Buffer.from(hex, "hex")]);
}

function encodeDerSignature(r: bigint, s: bigint): string {
  const body = Buffer.concat([derInteger(r), derInteger(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]).toString("hex");
}

export type SignatureCheck = "valid" | "high-s" | "invalid";

/**
 * Whether `signature` signs `file` for `key`. `high-s` is a signature that would be valid with
 * its S replaced by n − S: refused all the same, but the fix is to re-sign, not to distrust.
 */
export function checkSignature(file: Uint8Array, signature: string, key: PublicKey): SignatureCheck {
  if (verifyPluginSignature(file, signature, key.point)) return "valid";
  const decoded = decodeDerSignature(signature);
  if (decoded === undefined || decoded.s <= ORDER / 2n || decoded.s >= ORDER) return "invalid";
  const lowS = encodeDerSignature(decoded.r, ORDER - decoded.s);
  return verifyPluginSignature(file, lowS, key.point) ? "high-s" : "invalid";
}
