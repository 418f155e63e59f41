/**
 * The one place where the inventory commands turn a MemflowError into output and an exit code:
 * `[X] <memflow's text>` on stderr, then what to do next.
 */
import { MemflowError } from "@memflow-ts/core/plugin-files";
import { type CliContext, ExitCode } from "../io.ts";
import { memflowNextStep } from "../memflow-next-step.ts";
import { printer } from "../output.ts";

/** Prints a MemflowError and the next step; returns the exit code for it. */
export function reportMemflowError(context: CliContext, error: MemflowError): ExitCode {
  printer(context).failure(error.message);
  context.stderr.write(`    ${memflowNextStep(error)}\n`);
  return ExitCode.failed;
}

/** Runs `action`, reporting a MemflowError it throws; anything else propagates. */
export async function withMemflowErrors(
  context: CliContext,
  action: () => ExitCode | Promise<ExitCode>,
): Promise<ExitCode> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof MemflowError) return reportMemflowError(context, error);
    throw error;
  }
}
