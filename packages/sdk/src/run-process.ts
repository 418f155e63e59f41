/**
 * Running a child process to its end without blocking the event loop, and collecting what it
 * printed: for the compiler (so a caller can draw a spinner meanwhile).
 */
import type { Subprocess } from "bun";

export interface ProcessOutput {
  readonly exitCode: number | null;
  /** The signal that ended it (a crashing plugin's SIGSEGV, say); null when it exited. */
  readonly signalCode: Subprocess["signalCode"];
  readonly stdout: string;
  readonly stderr: string;
}

export async function runProcess(command: readonly string[]): Promise<ProcessOutput> {
  const child = Bun.spawn([...command], { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { exitCode, signalCode: child.signalCode, stdout, stderr };
}
