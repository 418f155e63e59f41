/** The lowercase hex sha256 of bytes or of a file: a memflow plugin's digest. */
import { readFileSync } from "node:fs";

export function sha256Hex(bytes: Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
}

/** The digest of the file at `path`; throws Node's error when it cannot be read. */
export function sha256File(path: string): string {
  return sha256Hex(readFileSync(path));
}
