/**
 * The keys uploads must be signed with. memflow-registry trusts one key; here a key file may hold
 * several PEM public keys and the option may be repeated (its TODO "allow multiple signing keys"),
 * so a registry can rotate keys without refusing the old key's uploads in between.
 */
import { readFileSync } from "node:fs";
import { parsePublicKeyPem, verifyPluginSignature } from "@memflow-ts/core/registry";

export class TrustedKeyError extends Error {
  override readonly name = "TrustedKeyError";
}

export interface TrustedKeys {
  readonly count: number;
  /** The keys as SEC1 points, for checks in another thread (the store's upload workers). */
  readonly publicKeys: readonly Uint8Array[];
  verify(file: Uint8Array, signature: string): boolean;
}

/** Reads every `BEGIN PUBLIC KEY` block of every file. */
export function loadTrustedKeys(files: readonly string[]): TrustedKeys {
  const keys: Uint8Array[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      throw new TrustedKeyError(`cannot read the public key file ${file}: ${(error as Error).message}`);
    }
    const blocks = text.match(/-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/g) ?? [];
    if (blocks.length === 0) {
      throw new TrustedKeyError(
        `${file} holds no "-----BEGIN PUBLIC KEY-----" block; create one with \`openssl ec -in <private key> -pubout\``,
      );
    }
    for (const block of blocks) {
      try {
        keys.push(parsePublicKeyPem(block));
      } catch (error) {
        throw new TrustedKeyError(`${file}: ${(error as Error).message}`);
      }
    }
  }
  return {
    count: keys.length,
    publicKeys: keys,
    verify(file, signature) {
      return keys.some((key) => verifyPluginSignature(file, signature, key));
    },
  };
}
