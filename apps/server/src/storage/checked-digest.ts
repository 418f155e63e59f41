/** The digest that names a stored file, checked before it becomes part of a path. */
import { isSha256Digest } from "@memflow-ts/core/plugin-files";
import { StorageError } from "./storage-error.ts";

/** A sha256 digest as hex: 64 lower-case digits and nothing else (no path can hide in it). */
export function checkedDigest(digest: string): string {
  if (!isSha256Digest(digest))
    throw new StorageError("invalid-digest", "invalid digest: expected 64 lower-case hex digits");
  return digest;
}
