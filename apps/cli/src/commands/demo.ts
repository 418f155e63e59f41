/**
 * `memflow-ts demo`: the README's main job. For now it shows what the plugin scan sees: every
 * directory memflow searches, and the plugin files in each. (The dummy-connector walk-through
 * joins it once core can load plugins.)
 */
import { open, readdir } from "node:fs/promises";
import { join } from "node:path";
import { isBinary } from "@memflow-ts/analyzer";
import { pluginExtension, pluginSearchPaths } from "@memflow-ts/core";
import { type CliContext, ExitCode } from "../io.ts";

interface DirectoryScan {
  directory: string;
  /** Undefined when the directory cannot be read. */
  files?: { name: string; binary: boolean }[];
  problem?: string;
}

async function readMagic(path: string): Promise<Uint8Array> {
  const handle = await open(path, "r");
  try {
    const head = new Uint8Array(4);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function scanDirectory(directory: string, extension: string): Promise<DirectoryScan> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { directory, problem: code === "ENOENT" ? "does not exist" : `unreadable (${code ?? "error"})` };
  }
  const candidates = names.filter((name) => name.endsWith(`.${extension}`)).sort();
  const files = await Promise.all(
    candidates.map(async (name) => {
      try {
        return { name, binary: isBinary(await readMagic(join(directory, name))) };
      } catch {
        return { name, binary: false };
      }
    }),
  );
  return { directory, files };
}

export async function runDemo(context: CliContext): Promise<ExitCode> {
  const extension = pluginExtension(context.platform);
  const directories = pluginSearchPaths({
    platform: context.platform,
    home: context.home,
    pluginPathVariable: context.env.MEMFLOW_PLUGIN_PATH,
    cwd: context.cwd,
  });
  const scans = await Promise.all(directories.map((directory) => scanDirectory(directory, extension)));

  const out = context.stdout;
  out.write(`memflow-ts demo: plugin scan (memflow 0.2.4 search order, *.${extension})\n\n`);
  let pluginFiles = 0;
  for (const scan of scans) {
    if (scan.files === undefined) {
      out.write(`  ${scan.directory}  (${scan.problem})\n`);
      continue;
    }
    out.write(`  ${scan.directory}  (${scan.files.length} file${scan.files.length === 1 ? "" : "s"})\n`);
    for (const file of scan.files) {
      out.write(`    ${file.binary ? "binary " : "not a binary, skipped"}  ${file.name}\n`);
      if (file.binary) pluginFiles += 1;
    }
  }
  out.write(
    pluginFiles === 0
      ? "\nNo plugin binaries found. Install one into the first directory above, or set MEMFLOW_PLUGIN_PATH.\n"
      : `\n${pluginFiles} plugin binar${pluginFiles === 1 ? "y" : "ies"} found.\n`,
  );
  return ExitCode.ok;
}
