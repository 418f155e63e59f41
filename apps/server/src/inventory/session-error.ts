/**
 * What can go wrong with a connector session, in the inventory's terms. The session pool throws
 * these where it learns of the problem; http/errors.ts decides what each means to a client.
 */
import { DomainError } from "../domain-error.ts";

export type SessionErrorReason =
  /** No open session has that id: closed, crashed or never opened. */
  | "not-found"
  /** The chain could not be built (an unknown plugin, arguments it refuses): the worker said why. */
  | "chain-failed"
  /** A read the pool refuses before asking the plugin (a length out of range). */
  | "invalid-read"
  /** The connector could not complete a read: memflow's error, as the plugin reported it. */
  | "memory-error"
  /** An OS request on a session whose chain ends with a connector. */
  | "not-an-os"
  /** The pool is full. */
  | "too-many-sessions"
  /** The operator's policy refuses it: a plugin not allowed, a path outside the data folders, a write. */
  | "not-allowed"
  /** The plugin did not answer within its deadline; its process was killed and the session ended. */
  | "timed-out"
  /** The session's process died (a plugin that segfaulted or aborted), or was closed meanwhile. */
  | "plugin-crashed";

export class SessionError extends DomainError<SessionErrorReason> {
  override readonly name = "SessionError";
}
