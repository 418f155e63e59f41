/** The digest that names a stored file, checked before it becomes part of a path. */
import { StorageError } from "./storage-error.ts";

const DIGEST = /^[0-9a-f]{64}$/;

/** A sha256 digest as hex: 64 lower-case digits and nothing else (no path can hide in it). */
export function checkedDigest(digest: string): string {
  if (!DIGEST.test(digest))
    throw new StorageError("invalid-digest", "invalid digest: expected 64 lower-case hex digits");
  return digest;
}
