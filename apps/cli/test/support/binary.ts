/**
 * The real executable (`bun src/main.ts`) in a child process, for what only a real process
 * shows: a pipe whose reader goes away, a plugin that crashes the process, the exit status a
 * shell sees.
 */
import { join } from "node:path";

export const MAIN = join(import.meta.dir, "../../src/main.ts");

export interface BinaryRun {
  /** The exit code, or 128 + the signal number when a signal ended the process (as a shell reports it). */
  readonly code: number;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

const SIGNALS: Readonly<Record<string, number>> = { SIGILL: 4, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8, SIGSEGV: 11 };

/** Runs `memflow-ts <args>` with exactly `env` (plus PATH) and returns what it printed. */
export async function runBinary(
  args: readonly string[],
  extraEnv: Record<string, string>,
  cwd: string,
): Promise<BinaryRun> {
  const env = { PATH: process.env.PATH ?? "", NO_COLOR: "1", ...extraEnv };
  const child = Bun.spawn([process.execPath, MAIN, ...args], { cwd, env, stdout: "pipe", stderr: "pipe" });
  const output = Promise.all([child.stdout.text(), child.stderr.text()]);
  const exitCode = await child.exited;
  const [stdout, stderr] = await output;
  const signal = child.signalCode === null ? null : String(child.signalCode);
  const code = signal === null ? exitCode : 128 + (SIGNALS[signal] ?? 0);
  return { code, signal, stdout, stderr };
}

/**
 * Runs `memflow-ts <args> | head -c <bytes>` through sh, so that the reader of stdout goes away
 * after `bytes` bytes as it does in a shell pipeline; returns the CLI's exit status and stderr
 * (empty with `stderrToo`, which sends stderr into the same pipe: `2>&1 | head`).
 */
export async function runIntoHead(
  args: readonly string[],
  bytes: number,
  env: Record<string, string>,
  cwd: string,
  options: { stderrToo?: boolean } = {},
): Promise<{ code: number; stderr: string; head: string }> {
  const quoted = [process.execPath, MAIN, ...args].map((word) => `'${word.replaceAll("'", `'\\''`)}'`).join(" ");
  const script = `${quoted} ${options.stderrToo ? "2>&1" : '2>"$ERR"'}; echo $? >"$CODE"`;
  const errFile = join(cwd, `stderr-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const codeFile = `${errFile}.code`;
  const pipeline = Bun.spawn(["sh", "-c", `{ ${script}; } | head -c ${bytes}`], {
    cwd,
    env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", ...env, ERR: errFile, CODE: codeFile },
    stdout: "pipe",
    stderr: "inherit",
  });
  const head = await new Response(pipeline.stdout).text();
  await pipeline.exited;
  const code = Number((await Bun.file(codeFile).text()).trim());
  const stderr = options.stderrToo ? "" : await Bun.file(errFile).text();
  return { code, stderr, head };
}
