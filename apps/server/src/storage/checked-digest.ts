/** The digest that names a stored file, checked before it becomes part of a path. */
import { isSha256Digest } from "@memflow-ts/core/plugin-files";
import { StorageError } from "./storage-error.ts";

/**
 * A sha256 digest as hex: 64 lower-case digits and nothing else (no path can hide in it). Any
 * other text names no stored file, so it is "not found", as memflow-registry answers for an
 * upper-case or shortened digest (http/errors.ts gives it 404); JSON clients still see the code
 * `invalid-digest`, which tells a misspelt digest from a deleted plugin.
 */
export function checkedDigest(digest: string): string {
  if (!isSha256Digest(digest))
    throw new StorageError("invalid-digest", "plugin not found: a digest is 64 lower-case hex digits");
  return digest;
}
