/**
 * Building C against memflow's plugin ABI here: the compiler to use, and where memflow-abi.h is.
 *
 * The compiler is the one a caller names (a cross compiler such as `x86_64-w64-mingw32-gcc`),
 * else `$CC`, `cc`, `gcc` or `clang` on PATH, else Bun's built-in TinyCC. TinyCC compiles into
 * memory only: enough for the plugin host's shim, not for a plugin library that must exist as a
 * file. memflow-abi.h is memflow 0.2's plugin ABI in C, shared by the shim, the SDK's
 * memflow-plugin.h and C test plugins; put its folder on the include path (`-I`,
 * abi-header-sources.ts's ABI_INCLUDE_DIRECTORY).
 */
import { realpathSync, statSync } from "node:fs";

export type CompilerChoice = { readonly kind: "system"; readonly path: string } | { readonly kind: "tinycc" };

export interface FindCompilerOptions {
  /** A compiler name or path to use and nothing else. */
  readonly preferred?: string | undefined;
  /** Where `CC` is read (default: this process's environment). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The compiler to use; undefined only when `preferred` was given and is not on PATH. */
export function findCompiler(options: FindCompilerOptions = {}): CompilerChoice | undefined {
  if (options.preferred !== undefined) {
    const path = Bun.which(options.preferred);
    return path === null ? undefined : { kind: "system", path };
  }
  const env = options.env ?? process.env;
  for (const candidate of [env.CC, "cc", "gcc", "clang"]) {
    if (!candidate) continue;
    const path = Bun.which(candidate);
    if (path !== null) return { kind: "system", path };
  }
  return { kind: "tinycc" };
}

/** The first line of `<compiler> --version`: part of every cache key for what a compiler built. */
export function compilerVersion(path: string): string {
  const run = Bun.spawnSync([path, "--version"], { stdout: "pipe", stderr: "ignore" });
  return run.stdout.toString().split("\n")[0] ?? "";
}

/**
 * What identifies a compiler without running it: its canonical path, inode, size and modification
 * time. Installing another compiler (or another version of it) replaces the file, so a cache keyed
 * by this is invalidated at least as often as one keyed by `compilerVersion`, and costs a stat
 * instead of starting a process (a few milliseconds of every command that loads a plugin).
 */
export function compilerIdentity(path: string): string {
  try {
    const real = realpathSync(path);
    const stats = statSync(real, { bigint: true });
    return [real, stats.ino, stats.size, stats.mtimeNs].join("/");
  } catch {
    return compilerVersion(path);
  }
}
