/**
 * What every command is: a name path (`["registry", "ls"]`), a one-line summary for the command
 * list, its help text, and a `run` that takes the arguments after its name and a context and
 * returns an exit code. Commands never touch `process`.
 */
import { FlagError, type FlagSpecs, type ParsedFlags, parseFlagList } from "./flags.ts";
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

/**
 * A usage error: wrong flags or arguments. Exit code 2; the message, its hints, then the
 * command's usage unless `showUsage` is false (memflowup answers an unknown config key with
 * its message alone).
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
  readonly hints: readonly string[];
  readonly showUsage: boolean;

  constructor(message: string, options: { hints?: readonly string[]; showUsage?: boolean } = {}) {
    super(message);
    this.hints = options.hints ?? [];
    this.showUsage = options.showUsage ?? true;
  }
}

const HELP_FLAG = { help: { type: "boolean", short: "h" } } as const;

/** Strict flag parsing with positionals; `--help`/`-h` is always accepted. Errors are UsageErrors. */
export function parseFlags<const O extends FlagSpecs>(
  args: readonly string[],
  options: O,
): ParsedFlags<O & typeof HELP_FLAG> {
  try {
    return parseFlagList(args, { ...options, ...HELP_FLAG });
  } catch (error) {
    if (error instanceof FlagError) throw new UsageError(error.message);
    throw error;
  }
}
