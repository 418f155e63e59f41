import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireTool } from "../../../tooling/testing/require-tool.ts";
import { MemflowError } from "../src/index.ts";
import {
  MEMFLOW_REGISTRY_PUBLIC_KEY,
  parsePrivateKeyPem,
  parsePublicKeyPem,
  signPlugin,
  verifyPluginDigestSignature,
  verifyPluginSignature,
} from "../src/registry.ts";

const vectors = join(import.meta.dir, "fixtures", "signatures");
const read = (name: string) => readFileSync(join(vectors, name), "utf8");
const message = new Uint8Array(readFileSync(join(vectors, "message.bin")));
const publicKey = parsePublicKeyPem(read("public-key.pem"));
const privateKey = parsePrivateKeyPem(read("private-key.pem"));
const scratch = mkdtempSync(join(tmpdir(), "memflow-ts-signature-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("plugin signatures", () => {
  test("accept openssl's low-S signature, in either hex case", () => {
    const signature = read("openssl-low-s.sig.hex").trim();
    expect(verifyPluginSignature(message, signature, publicKey)).toBe(true);
    expect(verifyPluginSignature(message, signature.toUpperCase(), publicKey)).toBe(true);
  });

  test("refuse openssl's high-S signature, as k256 and so memflow-registry and memflowup do", () => {
    expect(verifyPluginSignature(message, read("openssl-high-s.sig.hex").trim(), publicKey)).toBe(false);
  });

  test("refuse other bytes, other keys and malformed hex", () => {
    const signature = read("openssl-low-s.sig.hex").trim();
    const other = message.slice();
    other[0] = (other[0] ?? 0) ^ 1;
    expect(verifyPluginSignature(other, signature, publicKey)).toBe(false);
    expect(verifyPluginSignature(message, signature, parsePublicKeyPem(MEMFLOW_REGISTRY_PUBLIC_KEY))).toBe(false);
    for (const bad of ["", "0", "zz", `${signature}0`])
      expect(verifyPluginSignature(message, bad, publicKey)).toBe(false);
  });

  test("check a signature against the file's sha256 as against the file, high-S refused alike", () => {
    const sha256 = new Bun.CryptoHasher("sha256").update(message).digest();
    const signature = read("openssl-low-s.sig.hex").trim();
    expect(verifyPluginDigestSignature(sha256, signature, publicKey)).toBe(true);
    expect(verifyPluginDigestSignature(sha256, read("openssl-high-s.sig.hex").trim(), publicKey)).toBe(false);
    const other = Uint8Array.from(sha256);
    other[0] = (other[0] ?? 0) ^ 1;
    expect(verifyPluginDigestSignature(other, signature, publicKey)).toBe(false);
    // Not a sha256: the file itself is never taken for one.
    expect(verifyPluginDigestSignature(message, signature, publicKey)).toBe(false);
  });

  test("sign deterministically, low-S, DER in uppercase hex, verifiable by us and by openssl", () => {
    const signature = signPlugin(message, privateKey);
    expect(signature).toMatch(/^30[0-9A-F]+$/);
    expect(signPlugin(message, privateKey)).toBe(signature);
    expect(verifyPluginSignature(message, signature, publicKey)).toBe(true);
    const openssl = requireTool("openssl", "openssl");
    if (!openssl.available) return;
    const sigPath = join(scratch, "signature.der");
    writeFileSync(sigPath, Buffer.from(signature, "hex"));
    const verify = Bun.spawnSync(
      [
        "openssl",
        "dgst",
        "-sha256",
        "-verify",
        join(vectors, "public-key.pem"),
        "-signature",
        sigPath,
        join(vectors, "message.bin"),
      ],
      { stdout: "pipe", stderr: "pipe" },
    );
    expect(verify.stdout.toString().trim()).toBe("Verified OK");
  });

  test("read the bundled official key, and refuse SEC1 private keys with the conversion command", () => {
    expect(parsePublicKeyPem(MEMFLOW_REGISTRY_PUBLIC_KEY)).toHaveLength(65);
    let error: unknown;
    try {
      parsePrivateKeyPem(read("sec1-private-key.pem"));
    } catch (caught) {
      error = caught;
    }
    expect(error instanceof MemflowError && error.message.includes("openssl pkcs8 -topk8 -nocrypt")).toBe(true);
    expect(() => parsePublicKeyPem("not a key")).toThrow(/BEGIN PUBLIC KEY/);
  });
});
