/**
 * The one place where an error becomes text on stderr and an exit code. Commands throw; `cli.ts`
 * hands whatever `command.run` throws to `reportError`, and commands that report an item and go
 * on (pull, push, plugins rm…) hand each item's error to `reportFailure`, so both word it alike.
 *
 * | thrown                               | printed                                                  | exit |
 * | ------------------------------------ | -------------------------------------------------------- | ---- |
 * | UsageError                           | the message, its hints, then the command's usage         | 2    |
 * | CliFailure, RegistryRequestError     | the message, its hints (or what the HTTP status means)   | 1    |
 * | ContextualError                      | `<prefix>: ` and its cause's report                      | –    |
 * | MemflowError (core)                  | memflow's text, then what to do next                     | 1    |
 * | AnalyzeError (analyzer)              | `<kind>: <message>`                                      | 1    |
 * | BuildError, PluginNameError (SDK)    | the message                                              | 1    |
 * | a Node system error (`ENOENT`, …)    | `unable to <action> "<path>": it does not exist`         | 1    |
 * | OutputClosedError (stdout's reader went away) | nothing                                         | 141  |
 * | anything else: a bug                 | `internal error: <message>` and "please report this"     | 1    |
 *
 * A stack trace is printed only with `--debug` (or MEMFLOW_TS_DEBUG=1). Every message and hint is
 * escaped: memflow's details, a registry's answers and a compiler's output come from files and
 * servers.
 */
import type { AnalyzeError } from "@memflow-ts/analyzer";
import { MemflowError, printable, printableLines } from "@memflow-ts/core/plugin-files";
import type { BuildError, PluginNameError } from "@memflow-ts/sdk";
import { UsageError } from "./command.ts";
import { CliFailure, ContextualError, errnoCode, errorMessage, fileFailureMessage } from "./failure.ts";
import { type CliContext, ExitCode, OutputClosedError } from "./io.ts";
import { memflowNextStep } from "./memflow-next-step.ts";
import { type Printer, printer } from "./output.ts";
import { RegistryRequestError, registryNextSteps } from "./registry/registry-request-error.ts";

export interface ErrorReport {
  /** What went wrong: one line, or several for a compiler's output. */
  readonly message: string;
  /** One line each: what to do next. */
  readonly hints: readonly string[];
  readonly exitCode: ExitCode;
  /** A usage error after which the command's usage is printed. */
  readonly showUsage: boolean;
  /** A bug in memflow-ts rather than a failure the user can act on. */
  readonly internal: boolean;
}

const INTERNAL_HINT =
  "this is a bug in memflow-ts; please report this with the command you ran (--debug prints where it happened)";

function failure(message: string, hints: readonly string[] = []): ErrorReport {
  return { message, hints, exitCode: ExitCode.failed, showUsage: false, internal: false };
}

/** Nothing to say: whoever would read it has gone. */
const OUTPUT_CLOSED: ErrorReport = {
  message: "",
  hints: [],
  exitCode: ExitCode.outputClosed,
  showUsage: false,
  internal: false,
};

/**
 * Whether `error` is the SDK's or the analyzer's error class called `name`. Importing those
 * packages to test `instanceof` would load tens of their modules into every command that
 * reports per item (`plugins rm` has no other use for them) and into every failure; their
 * error classes set `name` as a class field, which is as reliable.
 */
function isNamed<T extends Error>(error: unknown, name: T["name"]): error is T {
  return error instanceof Error && error.name === name;
}

/** Node's system errors carry the failed call and usually the path: `open`, `/x/y`. */
function systemErrorCall(error: unknown): { syscall: string; path: string | undefined } | undefined {
  if (!(error instanceof Error) || errnoCode(error) === undefined) return undefined;
  if (!("syscall" in error) || typeof error.syscall !== "string") return undefined;
  const path = "path" in error && typeof error.path === "string" ? error.path : undefined;
  return { syscall: error.syscall, path };
}

/** The words for a failed system call in `unable to <action> "<path>"`. */
const ACTIONS: Readonly<Record<string, string>> = {
  open: "open",
  read: "read",
  write: "write",
  fsync: "write",
  scandir: "read the folder",
  opendir: "read the folder",
  mkdir: "create the folder",
  rename: "move",
  unlink: "delete",
  rmdir: "delete",
  rm: "delete",
  stat: "find",
  lstat: "find",
  access: "find",
  realpath: "find",
  copyfile: "copy",
};

function describeUnescaped(error: unknown): ErrorReport {
  if (error instanceof ContextualError) {
    const cause = describeUnescaped(error.cause);
    if (cause.internal || cause.exitCode !== ExitCode.failed) return cause;
    return { ...cause, message: `${error.prefix}: ${cause.message}` };
  }
  if (error instanceof OutputClosedError) return OUTPUT_CLOSED;
  if (error instanceof UsageError) {
    return {
      message: error.message,
      hints: error.hints,
      exitCode: ExitCode.usage,
      showUsage: error.showUsage,
      internal: false,
    };
  }
  // A registry's answer is one line here, whatever line breaks it sent.
  if (error instanceof RegistryRequestError) return failure(printable(error.message), registryNextSteps(error));
  if (error instanceof CliFailure) return failure(error.message, error.hints);
  if (error instanceof MemflowError) return failure(error.message, [memflowNextStep(error)]);
  if (isNamed<AnalyzeError>(error, "AnalyzeError")) return failure(`${error.kind}: ${error.message}`);
  if (isNamed<BuildError>(error, "BuildError") || isNamed<PluginNameError>(error, "PluginNameError")) {
    return failure(error.message);
  }
  const call = systemErrorCall(error);
  if (call !== undefined) {
    const action = ACTIONS[call.syscall] ?? call.syscall;
    return failure(
      call.path === undefined
        ? `unable to ${action}: ${errorMessage(error)}`
        : fileFailureMessage(action, call.path, error),
    );
  }
  const name = error instanceof Error && error.name !== "Error" ? `${error.name}: ` : "";
  return {
    message: `internal error: ${printable(`${name}${errorMessage(error)}`)}`,
    hints: [INTERNAL_HINT],
    exitCode: ExitCode.failed,
    showUsage: false,
    internal: true,
  };
}

/** What an error says to the user, escaped for the terminal, and the exit code it means. */
export function describeError(error: unknown): ErrorReport {
  const report = describeUnescaped(error);
  return { ...report, message: printableLines(report.message), hints: report.hints.map(printable) };
}

function print(out: Printer, context: CliContext, report: ErrorReport): void {
  out.failure(report.message);
  for (const hint of report.hints) context.stderr.write(`    ${hint}\n`);
}

/** Each error of the cause chain with its stack, for --debug. */
function stacks(error: unknown): string {
  const parts: string[] = [];
  let current = error;
  for (let depth = 0; current instanceof Error && depth < 8; depth += 1) {
    parts.push(printableLines(current.stack ?? `${current.name}: ${current.message}`));
    current = current.cause;
  }
  return parts.length === 0 ? "" : `${parts.join("\ncaused by: ")}\n`;
}

export interface ReportOptions {
  /** The command's usage, printed after a usage error. */
  readonly usage?: string | undefined;
  /** Print the stack of the error and its causes (`--debug`). */
  readonly debug?: boolean;
}

/**
 * Prints what a command threw and returns its exit code: `[X] <message>`, the hints indented
 * below, and for a usage error the command's `usage`. When stderr is closed too, the exit code
 * is all there is to give.
 */
export function reportError(context: CliContext, error: unknown, options: ReportOptions = {}): ExitCode {
  const report = describeError(error);
  try {
    if (report.exitCode !== ExitCode.outputClosed) print(printer(context), context, report);
    const usage = options.usage;
    if (report.showUsage && usage !== undefined)
      context.stderr.write(`\n${usage.endsWith("\n") ? usage : `${usage}\n`}`);
    if (options.debug) context.stderr.write(stacks(error));
  } catch (failed) {
    if (!(failed instanceof OutputClosedError)) throw failed;
  }
  return report.exitCode;
}

/**
 * Prints one item's failure, `[X] <prefix>: <message>` and its hints, so the command can go on
 * with the next item. A bug, a usage error or a closed output is rethrown: it is not about this
 * item.
 */
export function reportFailure(out: Printer, context: CliContext, error: unknown, prefix?: string): void {
  const report = describeError(prefix === undefined ? error : new ContextualError(prefix, error));
  if (report.internal || report.exitCode !== ExitCode.failed) throw error;
  print(out, context, report);
}

/** The report of a failure a command shows among its own lines; a bug or a closed output is rethrown. */
function shownFailure(error: unknown): ErrorReport {
  const report = describeError(error);
  if (report.internal || report.exitCode === ExitCode.outputClosed) throw error;
  return report;
}

/** The message of a failure alone, for a line of its own (a prompt's validation, the demo's scan). */
export function failureMessage(error: unknown): string {
  return shownFailure(error).message;
}

/** A failure with its hints on the lines below, indented, for a log (the setup wizard's). */
export function failureText(error: unknown): string {
  const report = shownFailure(error);
  return [report.message, ...report.hints.map((hint) => `    ${hint}`)].join("\n");
}
