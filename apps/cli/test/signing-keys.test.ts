import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CliFailure } from "../src/failure.ts";
import { checkSignature, loadPrivateKey, loadPublicKey } from "../src/registry/signing-keys.ts";
import { ELF_FIXTURES, FIXTURES, PRIVATE_KEY_PEM, PUBLIC_KEY_PEM, sign } from "./registry-server.ts";

const plugin = new Uint8Array(readFileSync(join(ELF_FIXTURES, "x86_64-gcc.so")));
const vector = (name: string) => readFileSync(join(FIXTURES, "signatures", name), "utf8").trim();

describe("signatures made by openssl", () => {
  const key = loadPublicKey(PUBLIC_KEY_PEM);

  test("a low-S openssl signature in lowercase hex is valid", () => {
    expect(checkSignature(plugin, vector("openssl-low-s.sig.hex"), key)).toBe("valid");
  });

  test("a high-S openssl signature is refused, and told apart from a wrong one", () => {
    expect(checkSignature(plugin, vector("openssl-high-s.sig.hex"), key)).toBe("high-s");
    expect(checkSignature(plugin.subarray(1), vector("openssl-high-s.sig.hex"), key)).toBe("invalid");
    expect(checkSignature(plugin, "not hex", key)).toBe("invalid");
  });

  test("memflow-ts signs low-S in uppercase hex, which the openssl public key verifies", () => {
    loadPrivateKey(PRIVATE_KEY_PEM);
    const signature = sign(plugin);
    expect(signature).toMatch(/^30[0-9A-F]+$/);
    expect(checkSignature(plugin, signature, key)).toBe("valid");
  });

  test("the bundled official key does not verify the fixture's signatures", () => {
    expect(checkSignature(plugin, vector("openssl-low-s.sig.hex"), loadPublicKey(undefined))).toBe("invalid");
  });

  test("a SEC1 private key is refused with the command that converts it", () => {
    const error = (() => {
      try {
        loadPrivateKey(join(FIXTURES, "signatures/sec1-private-key.pem"));
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(CliFailure);
    expect((error as Error).message).toContain("openssl pkcs8 -topk8 -nocrypt");
  });
});
