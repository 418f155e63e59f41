/**
 * A request the server cannot act on as sent: a query, body or parameter that does not parse, or
 * a body over the limit. The message names what was wrong, in memflow-registry's words where it
 * has them (serde's and axum's); http/errors.ts gives the status.
 */
import { DomainError } from "../domain-error.ts";

export type RequestErrorReason =
  /** A value that does not parse or is out of range. */
  | "bad-request"
  /** A body over the size limit. */
  | "too-large";

export class RequestError extends DomainError<RequestErrorReason> {
  override readonly name = "RequestError";
}
