/**
 * A request refused for who sent it, not for what it asks: a missing or wrong bearer token, or a
 * client the inventory is not served to. Mapped to a status in http/errors.ts.
 */
import { DomainError } from "./domain-error.ts";

export type AuthErrorReason =
  /** No credentials, or not the right ones. */
  | "unauthorized"
  /** Right or wrong credentials, this client may not ask (a remote client of the inventory). */
  | "forbidden";

export class AuthError extends DomainError<AuthErrorReason> {
  override readonly name = "AuthError";
}
