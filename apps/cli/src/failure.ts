/**
 * The CLI's one failure type for the memflowup commands: what went wrong, and what to do about
 * it. Commands print it in memflowup's `[X]` form, the hints indented below, and count it towards
 * exit code 1. Anything else thrown is a bug and is left to surface.
 */
import type { CliContext } from "./io.ts";
import type { Printer } from "./output.ts";

export class CliFailure extends Error {
  override readonly name = "CliFailure";
  /** One line each: what the user can do next. */
  readonly hints: readonly string[];

  constructor(message: string, hints: readonly string[] = [], options?: { cause?: unknown }) {
    super(message, options);
    this.hints = hints;
  }
}

/** Prints `[X] <context>: <message>` and the hints; rethrows what is not a CliFailure. */
export function reportFailure(out: Printer, context: CliContext, prefix: string, error: unknown): void {
  if (!(error instanceof CliFailure)) throw error;
  out.failure(prefix === "" ? error.message : `${prefix}: ${error.message}`);
  for (const hint of error.hints) context.stderr.write(`    ${hint}\n`);
}

/** Node's error code of a failed file operation, if it is one. */
export function errnoCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

/** A failed file operation as a CliFailure; anything else is rethrown. */
export function fileFailure(action: string, path: string, error: unknown, hints: readonly string[] = []): CliFailure {
  const code = errnoCode(error);
  if (code === undefined) throw error;
  const reason =
    code === "ENOENT"
      ? "it does not exist"
      : code === "EACCES" || code === "EPERM"
        ? "permission denied"
        : (error as Error).message;
  return new CliFailure(`unable to ${action} ${JSON.stringify(path)}: ${reason}`, hints, { cause: error });
}
