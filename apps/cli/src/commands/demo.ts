/**
 * `memflow-ts demo`: the README's main job, non-interactive. It shows what the plugin scan sees
 * (every directory memflow searches, each plugin file there with its descriptors or why it is
 * skipped), then opens a dummy connector, writes a pattern into its memory, reads it back,
 * prints a hexdump; then looks inside the dummy OS over a dummy connector (os-tour.ts), and ends
 * with the inventory table and commands to try next, offering to install what they need.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { PluginDescriptorInfo } from "@memflow-ts/analyzer";
import { analyzeFile } from "@memflow-ts/analyzer/fs";
import type { Inventory } from "@memflow-ts/core/inventory";
import { pluginExtension, pluginSearchPaths, printable } from "@memflow-ts/core/plugin-files";
import { bundledPluginCache } from "@memflow-ts/sdk";
import { type Command, UsageError } from "../command.ts";
import { openDummy } from "../demo/dummy-connector.ts";
import { offerInstallThenHint } from "../demo/install-offer.ts";
import { DEMO_OS_CHAIN, tourDummyOs } from "../demo/os-tour.ts";
import { failureMessage } from "../error-report.ts";
import { CliFailure, errnoCode, fileProblem } from "../failure.ts";
import { hexdump } from "../inventory/hexdump.ts";
import { type CliContext, ExitCode } from "../io.ts";
import { formatTable, printer } from "../output.ts";

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
    return { name, problem: failureMessage(error) };
  }
}

async function scanDirectory(directory: string, extension: string): Promise<DirectoryScan> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    const code = errnoCode(error);
    if (code === undefined) throw error;
    return { directory, problem: code === "ENOENT" ? "does not exist" : `unreadable: ${fileProblem(error)}` };
  }
  const candidates = names.filter((name) => name.endsWith(`.${extension}`)).sort();
  return { directory, files: await Promise.all(candidates.map((name) => scanFile(directory, name))) };
}

/** A descriptor in one line; its name and version are the plugin's, so escaped. */
function describe(descriptor: PluginDescriptorInfo): string {
  const architecture =
    typeof descriptor.architecture === "string"
      ? descriptor.architecture
      : `unknown(${descriptor.architecture.unknown})`;
  return printable(
    `${descriptor.plugin_kind} ${descriptor.name} ${descriptor.version} (${descriptor.file_type}/${architecture}, plugin_version ${descriptor.plugin_version})`,
  );
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
    // Folder and file names come from the environment and the folders: escaped.
    const directory = printable(scan.directory);
    if (scan.files === undefined) {
      out.write(`  ${directory}  (${scan.problem})\n`);
      continue;
    }
    out.write(`  ${directory}  (${scan.files.length} file${scan.files.length === 1 ? "" : "s"})\n`);
    for (const file of scan.files) {
      const name = printable(file.name);
      if ("problem" in file) {
        out.write(`    ${name}: skipped, ${file.problem}\n`);
      } else if (file.descriptors.length === 0) {
        out.write(`    ${name}: skipped, no memflow descriptor\n`);
      } else {
        out.write(`    ${name}\n`);
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
  return walkThrough(context);
}

/** The pattern the demo writes: a greeting, then bytes counting up. */
export function demoPattern(): Uint8Array {
  const pattern = new Uint8Array(64);
  pattern.set(new TextEncoder().encode("memflow-ts demo!"));
  for (let index = 16; index < pattern.length; index += 1) pattern[index] = index - 16;
  return pattern;
}

const DEMO_ADDRESS = 0x1000n;

const INVENTORY_HEADER = ["NAME", "KIND", "VERSION", "ABI", "SOURCE"];

/** Each plugin the inventories used, once: both parts of the demo may scan the same folder. */
function inventoryRows(inventories: readonly Inventory[]): string[][] {
  const rows = new Map<string, string[]>();
  for (const entry of inventories.flatMap((inventory) => inventory.plugins())) {
    for (const descriptor of entry.descriptors) {
      rows.set(`${entry.path}\0${descriptor.plugin_kind}\0${descriptor.name}`, [
        descriptor.name,
        descriptor.plugin_kind,
        descriptor.version,
        String(descriptor.plugin_version),
        entry.origin === "builtin" ? "TypeScript" : entry.path,
      ]);
    }
  }
  return [...rows.values()];
}

/**
 * What to try next. The demo builds its plugins into a cache folder, not a plugin folder, so the
 * commands that find plugins by name need the dummy connector and the dummy OS installed: the
 * demo offers that at its end (demo/install-offer.ts), or prints the command that does it.
 */
export const NEXT_COMMANDS = [
  "memflow-ts list",
  "memflow-ts read -c dummy 0x1000 64",
  `memflow-ts ps -c dummy::size=${DEMO_OS_CHAIN.size} -o dummy::procs=${DEMO_OS_CHAIN.procs},seed=${DEMO_OS_CHAIN.seed}`,
  `memflow-ts modules -c dummy::size=${DEMO_OS_CHAIN.size} -o dummy::procs=${DEMO_OS_CHAIN.procs},seed=${DEMO_OS_CHAIN.seed} 1`,
] as const;

async function walkThrough(context: CliContext): Promise<ExitCode> {
  const out = printer(context);
  out.line();
  out.line("memflow-ts demo: reading and writing memory through a connector");
  out.line();
  const cache = bundledPluginCache(context.env, context.home);
  const { connector, origin, inventory } = openDummy("1m", cache);
  try {
    out.success(`Opened "dummy" with size=1m: ${origin}`);
    const metadata = connector.metadata();
    out.line(`    ${metadata.realSize} bytes of physical memory, addresses 0x0-0x${metadata.maxAddress.toString(16)}`);
    const pattern = demoPattern();
    connector.write(DEMO_ADDRESS, pattern);
    out.success(`Wrote ${pattern.byteLength} bytes at 0x${DEMO_ADDRESS.toString(16)}`);
    const back = connector.read(DEMO_ADDRESS, pattern.byteLength);
    const same = back.every((byte, index) => byte === pattern[index]);
    if (!same) throw new CliFailure("the bytes read back differ from the bytes written");
    out.success("Read them back: identical");
    out.line();
    out.line(hexdump(back, DEMO_ADDRESS).trimEnd());
  } finally {
    connector.close();
  }
  out.line();
  out.line("memflow-ts demo: looking inside an OS (the dummy OS, over a dummy connector)");
  out.line();
  const osInventory = tourDummyOs(out, cache);
  out.line();
  out.line("Inventory of this run:");
  out.line(formatTable([12, 10, 8, 4], [INVENTORY_HEADER, ...inventoryRows([inventory, osInventory])]).trimEnd());
  out.line();
  const failed = await offerInstallThenHint(context, out, NEXT_COMMANDS);
  return failed ? ExitCode.failed : ExitCode.ok;
}

export const demoCommand: Command = {
  usage: `Usage: memflow-ts demo

Scans the plugin directories memflow searches and shows what is there; then writes and reads
memory through a dummy connector, and looks inside the dummy OS over a dummy connector (processes,
modules, a virtual read, its virtToPhys and the same bytes read physically). Builds the SDK's C
plugins into a cache folder (the TypeScript ones without a C compiler). At its end, the commands
to try next need the dummy connector and OS in the plugin folder: on a terminal it asks whether
to install them there; otherwise it prints the command that does (plugin install dummy dummy-os).`,
  async run(args, context) {
    if (args.length > 0) throw new UsageError(`demo takes no arguments (got ${args.join(" ")})`);
    return runDemo(context);
  },
};
