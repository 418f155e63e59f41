import { join } from "node:path";

/** The repository root, whatever the working directory of the test run. */
export const repoRoot: string = join(import.meta.dir, "..", "..");

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion without a shell, capturing both streams. */
export async function runCommand(
  command: readonly string[],
  options: { cwd: string; env?: Record<string, string | undefined> },
): Promise<CommandResult> {
  const child = Bun.spawn([...command], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { exitCode, stdout, stderr };
}
