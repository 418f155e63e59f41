import type { CliContext, OutputStream } from "../src/io.ts";

export interface CapturedStream extends OutputStream {
  text(): string;
}

export function captureStream(isTTY = false): CapturedStream {
  const chunks: string[] = [];
  return { isTTY, write: (text) => void chunks.push(text), text: () => chunks.join("") };
}

/** A context with captured output and no terminal, rooted at the given folders. */
export function testContext(overrides: Partial<CliContext> & { home: string; cwd: string }) {
  const stdout = captureStream();
  const stderr = captureStream();
  const context: CliContext = {
    stdout,
    stderr,
    stdinIsTTY: false,
    env: {},
    platform: "linux",
    arch: process.arch,
    ...overrides,
  };
  return { context, stdout, stderr };
}
