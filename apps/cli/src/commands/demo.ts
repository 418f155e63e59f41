/**
 * `memflow-ts demo`: the README's main job. For now it shows what the plugin scan sees: every
 * directory memflow searches, each plugin file there and the descriptors the analyzer finds in
 * it, or why the file would be skipped. (The dummy-connector walk-through joins it once core can
 * load plugins.)
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { AnalyzeError, type PluginDescriptorInfo } from "@memflow-ts/analyzer";
import { analyzeFile } from "@memflow-ts/analyzer/fs";
import { pluginExtension, pluginSearchPaths } from "@memflow-ts/core";
import { type Command, UsageError } from "../command.ts";
import { type CliContext, ExitCode } from "../io.ts";

type FileScan = { name: string; descriptors: PluginDescriptorInfo[] } | { name: string; problem: string };

interface DirectoryScan {
  directory: string;
  /** Undefined when the directory cannot be read. */
  files?: FileScan[];
  problem?: string;
}

async function scanFile(directory: string, name: string): Promise<FileScan> {
  try {
    return { name, descriptors: await analyzeFile(join(directory, name)) };
  } catch (error) {
    if (error instanceof AnalyzeError) return { name, problem: `${error.kind}: ${error.message}` };
    return { name, problem: `unreadable (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
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
  return { directory, files: await Promise.all(candidates.map((name) => scanFile(directory, name))) };
}

function describe(descriptor: PluginDescriptorInfo): string {
  const architecture =
    typeof descriptor.architecture === "string"
      ? descriptor.architecture
      : `unknown(${descriptor.architecture.unknown})`;
  return `${descriptor.plugin_kind} ${descriptor.name} ${descriptor.version} (${descriptor.file_type}/${architecture}, plugin_version ${descriptor.plugin_version})`;
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
  let plugins = 0;
  for (const scan of scans) {
    if (scan.files === undefined) {
      out.write(`  ${scan.directory}  (${scan.problem})\n`);
      continue;
    }
    out.write(`  ${scan.directory}  (${scan.files.length} file${scan.files.length === 1 ? "" : "s"})\n`);
    for (const file of scan.files) {
      if ("problem" in file) {
        out.write(`    ${file.name}: skipped, ${file.problem}\n`);
      } else if (file.descriptors.length === 0) {
        out.write(`    ${file.name}: skipped, no memflow descriptor\n`);
      } else {
        out.write(`    ${file.name}\n`);
        for (const descriptor of file.descriptors) out.write(`      ${describe(descriptor)}\n`);
        plugins += file.descriptors.length;
      }
    }
  }
  out.write(
    plugins === 0
      ? "\nNo plugins found. Install one into the first directory above, or set MEMFLOW_PLUGIN_PATH.\n"
      : `\n${plugins} plugin${plugins === 1 ? "" : "s"} found.\n`,
  );
  return ExitCode.ok;
}

export const demoCommand: Command = {
  usage: "Usage: memflow-ts demo\n\nScans the plugin directories memflow searches and shows what is there.",
  async run(args, context) {
    if (args.length > 0) throw new UsageError(`demo takes no arguments (got ${args.join(" ")})`);
    return runDemo(context);
  },
};
