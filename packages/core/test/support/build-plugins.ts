/**
 * Builds the C test plugins in `support/plugins/` with gcc into a folder, once per test file.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ABI_INCLUDE_DIRECTORY } from "../../src/install.ts";

const SOURCES = join(import.meta.dir, "plugins");

/** Compiles `support/plugins/<source>` into `directory/<output>`; returns the output path. */
export function buildTestPlugin(
  directory: string,
  source: string,
  output: string,
  flags: readonly string[] = [],
): string {
  const path = join(directory, output);
  const gcc = Bun.spawnSync(
    [
      "gcc",
      "-Wall",
      "-Wextra",
      "-Werror",
      "-shared",
      "-fPIC",
      "-O2",
      "-pthread",
      `-I${ABI_INCLUDE_DIRECTORY}`,
      ...flags,
      "-o",
      path,
      join(SOURCES, source),
    ],
    { stderr: "pipe" },
  );
  if (gcc.exitCode !== 0) throw new Error(`gcc failed for ${source}: ${gcc.stderr.toString()}`);
  return path;
}

export function pluginDirectory(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
