#!/usr/bin/env bun
/**
 * The executable. The only file of the CLI that reads `process`: it turns the process into a
 * CliContext, runs the command and sets the exit code.
 */
import { fstatSync, statSync, writeSync } from "node:fs";
import type { HostPlatform } from "@memflow-ts/core/plugin-files";
import { runCli } from "./cli.ts";
import { type CliContext, OutputClosedError, type OutputStream } from "./io.ts";

/** Blocks this thread for a moment, while a full pipe drains. */
const pause = new Int32Array(new SharedArrayBuffer(4));

function errorCode(error: unknown): unknown {
  return error instanceof Error && "code" in error ? error.code : undefined;
}

/**
 * Writes all of `text` to a file descriptor, synchronously, so output keeps its order. A reader
 * that went away (EPIPE: Bun ignores SIGPIPE) is an OutputClosedError, which ends the command.
 */
function writeAll(fd: 1 | 2, text: string): void {
  const length = Buffer.byteLength(text);
  let bytes: Buffer | undefined;
  let written = 0;
  while (written < length) {
    try {
      // The text as it is until a write is partial: a write is mostly whole, and a Buffer of the
      // whole text first cost `ps` (100 KB) its copy and the page faults of its memory.
      if (written === 0) written = writeSync(fd, text);
      else {
        bytes ??= Buffer.from(text);
        written += writeSync(fd, bytes, written, length - written);
      }
    } catch (error) {
      const code = errorCode(error);
      if (code === "EPIPE") throw new OutputClosedError(fd === 1 ? "stdout" : "stderr", { cause: error });
      if (code !== "EAGAIN") throw error;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

function nullDevice(): number | undefined {
  try {
    return statSync("/dev/null").rdev;
  } catch {
    return undefined;
  }
}
const NULL_DEVICE = nullDevice();

/**
 * Whether a descriptor is a terminal: a character device other than /dev/null. node:tty's
 * isatty would say it exactly, but importing node:tty (like touching process.stdout) costs
 * ~18 ms at start-up, most of what `memflow-ts --version` took. The setup wizard checks the
 * real streams again before it prompts.
 */
function isTerminal(fd: number): boolean {
  try {
    const stats = fstatSync(fd);
    return stats.isCharacterDevice() && stats.rdev !== NULL_DEVICE;
  } catch {
    return false;
  }
}

function stream(fd: 1 | 2): OutputStream {
  return { write: (text) => writeAll(fd, text), isTTY: isTerminal(fd) };
}

/** HOME, else the passwd entry; node:os is loaded only then (it costs ~1 ms of start-up). */
function homeDirectory(): string {
  const home = process.env.HOME;
  if (home !== undefined) return home;
  const { homedir } = require("node:os") as typeof import("node:os");
  return homedir();
}

let workingDirectory: string | undefined;

/**
 * The working directory, asked when a command first needs it. One that was removed under the
 * shell is a failure the user can act on; Bun's own error would come with a stack trace.
 */
function currentDirectory(): string {
  if (workingDirectory !== undefined) return workingDirectory;
  try {
    workingDirectory = process.cwd();
    return workingDirectory;
  } catch (error) {
    const { CliFailure } = require("./failure.ts") as typeof import("./failure.ts");
    throw new CliFailure(
      "the working directory no longer exists (it was removed or moved)",
      ["cd to an existing folder and run the command again"],
      { cause: error },
    );
  }
}

let platform: HostPlatform | undefined;

/**
 * memflow's platform for this process, by core's rule. Core's file conventions are loaded when a
 * command first asks: `--version` and `--help` need none, and loading them is a tenth of their
 * start-up (decision 0007). `require` is what loads a module on demand, synchronously.
 */
function pluginPlatform(): HostPlatform {
  const { hostPlatform } = require("@memflow-ts/core/plugin-files") as typeof import("@memflow-ts/core/plugin-files");
  platform ??= hostPlatform(process.platform);
  return platform;
}

const context: CliContext = {
  stdout: stream(1),
  stderr: stream(2),
  stdinIsTTY: isTerminal(0),
  env: process.env,
  get cwd() {
    return currentDirectory();
  },
  home: homeDirectory(),
  get platform() {
    return platform ?? pluginPlatform();
  },
  arch: process.arch,
  // Only the setup wizard's prompts use these streams; built on first use (see stream()).
  get terminal() {
    return { input: process.stdin, output: process.stdout };
  },
  uid: process.getuid?.(),
};

/** Runs the command line. A single-file executable's entry calls it (tooling/scripts/build-bin.ts). */
export async function main(): Promise<void> {
  process.exitCode = await runCli(process.argv.slice(2), context);
}

if (import.meta.main) await main();
