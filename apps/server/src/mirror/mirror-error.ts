/** What can go wrong when the mirror asks its upstream registry; http/errors.ts maps it (502). */
import { DomainError } from "../domain-error.ts";

export type MirrorErrorReason =
  /** The upstream could not be reached or answered with an error. */
  | "upstream-unreachable"
  /** The upstream's file does not match its digest or is not signed by the upstream key. */
  | "upstream-refused";

export class MirrorError extends DomainError<MirrorErrorReason> {
  override readonly name = "MirrorError";
}
