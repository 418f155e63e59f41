/**
 * Builds the C test plugins in `support/plugins/` with gcc into a folder, once per test file,
 * and the C programs that drive them (`support/testos-host/`, and core's native benchmarks).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ABI_INCLUDE_DIRECTORY } from "../../src/install.ts";

const SOURCES = join(import.meta.dir, "plugins");
const TESTOS_HOST = join(import.meta.dir, "testos-host", "host.c");

/** gcc with the warnings the test sources must build clean under; libraries go after the source. */
function gcc(source: string, path: string, flags: readonly string[], libraries: readonly string[] = []): void {
  const run = Bun.spawnSync(
    [
      "gcc",
      "-Wall",
      "-Wextra",
      "-Werror",
      "-O2",
      "-pthread",
      `-I${ABI_INCLUDE_DIRECTORY}`,
      ...flags,
      "-o",
      path,
      source,
      ...libraries,
    ],
    { stderr: "pipe" },
  );
  if (run.exitCode !== 0) throw new Error(`gcc failed for ${source}: ${run.stderr.toString()}`);
}

/** Compiles `support/plugins/<source>` into `directory/<output>`; returns the output path. */
export function buildTestPlugin(
  directory: string,
  source: string,
  output: string,
  flags: readonly string[] = [],
): string {
  const path = join(directory, output);
  gcc(join(SOURCES, source), path, ["-shared", "-fPIC", ...flags]);
  return path;
}

/**
 * Compiles a C program that drives the test plugins (it may include this folder's headers, such
 * as testmem-host.h) into `directory/<output>`, linked with libdl; returns its path.
 */
export function buildProgram(directory: string, source: string, output: string, flags: readonly string[] = []): string {
  const path = join(directory, output);
  gcc(source, path, [`-I${import.meta.dir}`, ...flags], ["-ldl"]);
  return path;
}

/** Compiles the C host that checks the testos plugin against its contract; returns the program's path. */
export function buildTestosHost(directory: string, output: string, flags: readonly string[] = []): string {
  return buildProgram(directory, TESTOS_HOST, output, flags);
}

export function pluginDirectory(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
