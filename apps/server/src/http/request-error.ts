/**
 * A request the server cannot act on as sent: a query, body or parameter that does not parse, a
 * body over the limit, or one more upload than the server takes at once. The message names what was wrong, in memflow-registry's words where it
 * has them (serde's and axum's); http/errors.ts gives the status.
 */
import { DomainError } from "../domain-error.ts";

export type RequestErrorReason =
  /** A value that does not parse or is out of range. */
  | "bad-request"
  /** A body over the size limit. */
  | "too-large"
  /** The server is handling as many such requests as it may; the client should try again later. */
  | "busy";

export class RequestError extends DomainError<RequestErrorReason> {
  override readonly name = "RequestError";
  /** When a `busy` client may try again, in seconds (the Retry-After header). */
  readonly retryAfterSeconds: number | undefined;

  constructor(reason: RequestErrorReason, message: string, options?: { retryAfterSeconds?: number }) {
    super(reason, message);
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}
