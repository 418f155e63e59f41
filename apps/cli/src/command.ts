/**
 * What every command is: a name path (`["registry", "ls"]`), a one-line summary for the command
 * list, its help text, and a `run` that takes the arguments after its name and a context and
 * returns an exit code. Commands never touch `process`.
 */
import { type ParseArgsConfig, parseArgs } from "node:util";
import type { CliContext, ExitCode } from "./io.ts";

export interface Command {
  /** The full help, printed by `--help` and after a usage error. */
  readonly usage: string;
  run(args: readonly string[], context: CliContext): Promise<ExitCode>;
}

/** An entry of the command list; the module is imported only when the command runs. */
export interface CommandEntry {
  readonly path: readonly string[];
  readonly aliases?: readonly (readonly string[])[];
  readonly summary: string;
  readonly load: () => Promise<Command>;
}

/** A usage error: wrong flags or arguments. Exit code 2, message plus the command's usage. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * node:util's parseArgs, strict, with positionals; its errors become UsageErrors with a
 * message a user can act on. `--help`/`-h` is always accepted.
 */
export function parseFlags<O extends Options>(args: readonly string[], options: O) {
  try {
    return parseArgs({
      args: [...args],
      options: { ...options, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ""));
  }
}
