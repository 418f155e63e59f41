#!/usr/bin/env bun
/**
 * The executable. The only file of the CLI that reads `process`: it turns the process into a
 * CliContext, runs the command and sets the exit code.
 */
import { homedir } from "node:os";
import type { HostPlatform } from "@memflow-ts/core";
import { runCli } from "./cli.ts";
import type { CliContext, OutputStream } from "./io.ts";

function hostPlatform(): HostPlatform {
  const platform = process.platform;
  return platform === "win32" || platform === "darwin" ? platform : "linux";
}

function stream(target: NodeJS.WriteStream): OutputStream {
  return { write: (text) => void target.write(text), isTTY: target.isTTY === true };
}

const context: CliContext = {
  stdout: stream(process.stdout),
  stderr: stream(process.stderr),
  stdinIsTTY: process.stdin.isTTY === true,
  env: process.env,
  cwd: process.cwd(),
  home: process.env.HOME ?? homedir(),
  platform: hostPlatform(),
  terminal: { input: process.stdin, output: process.stdout },
  uid: process.getuid?.(),
};

process.exitCode = await runCli(process.argv.slice(2), context);
