/**
 * Everything a command may touch of the outside world, passed in so that tests can drive
 * commands with plain strings. Only `main.ts` builds one from `process`.
 */
import type { HostPlatform } from "@memflow-ts/core/plugin-files";

export interface OutputStream {
  /** Throws OutputClosedError once the reader has gone (a closed pipe: `memflow-ts read … | head`). */
  write(text: string): void;
  /** True when a person is watching: colours and prompts are allowed. */
  readonly isTTY: boolean;
}

export interface CliContext {
  stdout: OutputStream;
  stderr: OutputStream;
  /** True only when stdin is a terminal; nothing prompts otherwise. */
  stdinIsTTY: boolean;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  home: string;
  platform: HostPlatform;
  /** The CPU architecture in Node's names (`x64`, `arm64`, …): which plugins this machine loads. */
  arch: string;
  /** The terminal's streams, for prompts (clack); absent in tests without one. */
  terminal?: { input: NodeJS.ReadStream; output: NodeJS.WriteStream } | undefined;
  /** The user id on Unix (root is 0); undefined where there is none. */
  uid?: number | undefined;
}

/**
 * Exit codes shared by every command. `outputClosed` is what a shell reports for a program that
 * SIGPIPE ended (128 + 13), as `cat` in `cat big | head` is: the reader went away, nothing failed.
 */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  outputClosed: 141,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * Whether a prompt may be shown: stdin and stdout are terminals and this is not CI. clack under
 * Bun spins at 100% CPU on a closed stdin, so nothing prompts otherwise.
 */
export function canPrompt(context: CliContext): boolean {
  return context.stdinIsTTY && context.stdout.isTTY && context.env.CI !== "true";
}

/**
 * stdout or stderr can no longer be written: its reader went away (EPIPE). The command stops
 * where it is and the CLI ends quietly with `ExitCode.outputClosed`.
 */
export class OutputClosedError extends Error {
  override readonly name = "OutputClosedError";

  constructor(stream: "stdout" | "stderr", options?: { cause?: unknown }) {
    super(`${stream} was closed by its reader`, options);
  }
}
