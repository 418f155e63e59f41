/**
 * The CLI's platform packages: `@memflow-ts/cli-<target>`, one per BIN_TARGETS entry, each holding
 * that target's single-file executable and nothing else, with `os`/`cpu` so npm and bun install
 * only the one for the machine. `@memflow-ts/cli` lists them as optional dependencies at its own
 * exact version (added when the release publishes it, never in the workspace: `bun install`
 * here would fetch them), and its `bin` (apps/cli/bin/memflow-ts, a shell launcher) starts the
 * installed one (decision 0007, "the npm package starts the executable").
 *
 * The launcher finds them by the pattern `@memflow-ts/cli-*` and the file name `memflow-ts`;
 * apps/cli/test/launcher.test.ts holds it to the names made here.
 */
import { copyFileSync, linkSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { BinTarget } from "./build-bin.ts";

export const CLI_PACKAGE = "@memflow-ts/cli";

/** The package that carries `target`'s executable of `memflow-ts`. */
export function cliPlatformPackage(target: BinTarget): string {
  return `${CLI_PACKAGE}-${target}`;
}

/** The `optionalDependencies` the CLI is published with: each target's package at exactly `version`. */
export function cliOptionalDependencies(targets: readonly BinTarget[], version: string): Record<string, string> {
  return Object.fromEntries(targets.map((target) => [cliPlatformPackage(target), version]));
}

/** npm's `os` and `cpu` fields for a target (`process.platform`, `process.arch` values). */
function platformOf(target: BinTarget): { os: string[]; cpu: string[] } {
  const [os, cpu] = target.split("-") as [string, string];
  return { os: [os === "windows" ? "win32" : os], cpu: [cpu] };
}

/**
 * Writes `target`'s package into `folder` (created): its package.json and the executable, hard
 * linked from `executable` where the file system allows (they are about 100 MB), else copied.
 * The Windows package also names the executable as its own `bin`: npm's and bun's Windows shims
 * cannot run the CLI's `#!/bin/sh` launcher without a POSIX shell, so Windows users install this
 * package directly (`npm i -g @memflow-ts/cli-windows-x64`). POSIX packages have none, so a
 * local install never has two `memflow-ts` bins competing.
 */
export function writeCliPlatformPackage(target: BinTarget, executable: string, version: string, folder: string): void {
  mkdirSync(folder, { recursive: true });
  const file = basename(executable);
  try {
    linkSync(executable, join(folder, file));
  } catch {
    copyFileSync(executable, join(folder, file));
  }
  const manifest = {
    name: cliPlatformPackage(target),
    version,
    description: `The memflow-ts executable for ${target}, started by ${CLI_PACKAGE}'s memflow-ts`,
    license: "MIT",
    ...platformOf(target),
    ...(target.startsWith("windows") ? { bin: { "memflow-ts": file } } : {}),
    files: [file],
    // Package managers that keep packages in archives (Yarn PnP) must unpack this one to run it.
    preferUnplugged: true,
    publishConfig: { access: "public" },
  };
  writeFileSync(join(folder, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
}
