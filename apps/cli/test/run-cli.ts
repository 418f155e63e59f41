/** Runs the CLI in a test home folder and returns what it printed. */
import { runCli } from "../src/index.ts";
import type { CliContext } from "../src/io.ts";
import { captureStream, testContext } from "./capture.ts";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(
  home: string,
  args: readonly string[],
  overrides: Partial<CliContext> & { stderrIsTTY?: boolean } = {},
): Promise<CliRun> {
  const { stderrIsTTY = false, ...rest } = overrides;
  const stderr = captureStream(stderrIsTTY);
  const { context, stdout } = testContext({ home, cwd: home, stderr, ...rest });
  const code = await runCli(args, context);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
