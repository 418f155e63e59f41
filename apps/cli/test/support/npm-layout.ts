/**
 * The npm package's files laid out in a node_modules folder the way npm and bun install them, for
 * the launcher's tests and the start-up bench: the CLI package (its `bin/memflow-ts` launcher, its
 * sources as a link), a platform package, and the bin links package managers make.
 */
import { linkSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { type BinTarget, binPath } from "../../../../tooling/scripts/build-bin.ts";
import { CLI_PACKAGE, cliPlatformPackage } from "../../../../tooling/scripts/cli-platform-packages.ts";

const cliRoot = join(import.meta.dir, "..", "..");
/** The launcher the CLI package's `bin` names. */
export const LAUNCHER = join(cliRoot, "bin", "memflow-ts");

/** Installs the CLI package at `folder` (`<node_modules>/@memflow-ts/cli`); returns its launcher. */
export function installCliPackage(folder: string): string {
  mkdirSync(join(folder, "bin"), { recursive: true });
  const launcher = join(folder, "bin", "memflow-ts");
  writeFileSync(launcher, readFileSync(LAUNCHER), { mode: 0o755 });
  symlinkSync(join(cliRoot, "src"), join(folder, "src"));
  symlinkSync(join(cliRoot, "package.json"), join(folder, "package.json"));
  return launcher;
}

/** An executable's path, or a script made for the file it is installed as. */
export type Executable = string | { readonly script: (file: string) => string };

/**
 * Installs `target`'s platform package into `nodeModules`: `executable` hard linked into it, or a
 * file with `executable`'s text when it is `{ script }`. Returns the installed executable's path.
 */
export function installPlatformPackage(nodeModules: string, target: BinTarget, executable: Executable): string {
  const folder = join(nodeModules, cliPlatformPackage(target));
  mkdirSync(folder, { recursive: true });
  const installed = join(folder, basename(binPath(target, "memflow-ts")));
  if (typeof executable === "string") linkSync(executable, installed);
  else writeFileSync(installed, executable.script(installed), { mode: 0o755 });
  return installed;
}

/** A relative symbolic link at `link` to `to`, as npm and bun make bin links. */
export function binLink(link: string, to: string): string {
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(relative(dirname(link), to), link);
  return link;
}

/**
 * The CLI as `bun add -g` installs it under `bunInstall` (BUN_INSTALL): the platform package
 * hoisted beside it in `install/global/node_modules`, the bin link in `bin`.
 */
export function installLikeBunGlobal(bunInstall: string, target: BinTarget, executable: Executable) {
  const nodeModules = join(bunInstall, "install", "global", "node_modules");
  const installed = installPlatformPackage(nodeModules, target, executable);
  const bin = binLink(join(bunInstall, "bin", "memflow-ts"), installCliPackage(join(nodeModules, CLI_PACKAGE)));
  return { bin, executable: installed };
}
