/**
 * The shape of the server's own errors: a reason in a word, for the one table in http/errors.ts
 * to map, and a message for people (memflow-registry's text where it has one). Each layer has
 * its own subclass and reasons, and none of them knows HTTP.
 */
export abstract class DomainError<Reason extends string> extends Error {
  readonly reason: Reason;

  constructor(reason: Reason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}
