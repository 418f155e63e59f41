/**
 * The failures commands throw: a CliFailure says what went wrong and what to do next; a
 * ContextualError puts a step's name before what a lower layer threw (`Unable to list the
 * registry: cannot reach …`). Neither is printed here: `error-report.ts` turns every error into
 * output and an exit code, in one place. This file stays small and import-free because
 * `plugins ls` and the other quick commands load it on every run.
 */

export class CliFailure extends Error {
  override readonly name: string = "CliFailure";
  /** One line each: what the user can do next. */
  readonly hints: readonly string[];

  constructor(message: string, hints: readonly string[] = [], options?: { cause?: unknown }) {
    super(message, options);
    this.hints = hints;
  }
}

/** What `cause` says, reported as `<prefix>: <its message>` with its hints; a bug stays a bug. */
export class ContextualError extends Error {
  override readonly name = "ContextualError";
  readonly prefix: string;

  constructor(prefix: string, cause: unknown) {
    super(`${prefix}: ${errorMessage(cause)}`, { cause });
    this.prefix = prefix;
  }
}

/** Runs `action`; whatever it throws is rethrown with `prefix` as its context. */
export async function withErrorContext<T>(prefix: string, action: () => T | Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw new ContextualError(prefix, error);
  }
}

/** The message of anything thrown: an Error's message, else the value as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Node's error code of a failed file operation (`ENOENT`, `EACCES`, …), if it is one. */
export function errnoCode(error: unknown): string | undefined {
  if (!(error instanceof Error) || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}

/** Why a file operation failed, in words, for the codes people meet; else Node's own message. */
export function fileProblem(error: unknown): string {
  switch (errnoCode(error)) {
    case "ENOENT":
      return "it does not exist";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "it is a folder";
    case "ENOTDIR":
      return "a part of the path is not a folder";
    case "EROFS":
      return "the file system is read-only";
    case "ENOSPC":
      return "no space left on the device";
    default:
      return errorMessage(error);
  }
}

/** `unable to <action> "<path>": <why>`, the one wording of a failed file operation. */
export function fileFailureMessage(action: string, path: string, error: unknown): string {
  return `unable to ${action} ${JSON.stringify(path)}: ${fileProblem(error)}`;
}

/** A failed file operation as a CliFailure with the error as its cause; anything else is rethrown. */
export function fileFailure(action: string, path: string, error: unknown, hints: readonly string[] = []): CliFailure {
  if (errnoCode(error) === undefined) throw error;
  return new CliFailure(fileFailureMessage(action, path, error), hints, { cause: error });
}
