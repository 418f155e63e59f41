/**
 * What can go wrong in the plugin folder, said in storage's own terms: which reason, and the text
 * memflow-registry gives for it (memflowup prints that text). Storage knows nothing of HTTP; the
 * server turns these into answers in one place (http/errors.ts).
 */
import { DomainError } from "../domain-error.ts";

export type StorageErrorReason =
  /** No stored plugin file has that digest. */
  | "not-found"
  /** A digest that is not 64 lower-case hex digits (it names no stored file, and might hide a path). */
  | "invalid-digest"
  /** An upload that is not a plugin the registry can list. */
  | "bad-plugin"
  /** An upload whose signature no trusted key made. */
  | "bad-signature"
  /** A stored file that no longer parses or no longer describes its plugin; the plugin is withdrawn. */
  | "damaged";

export class StorageError extends DomainError<StorageErrorReason> {
  override readonly name = "StorageError";
}
