/**
 * `memflow-ts inspect <file…> [--json]`: the memflow descriptors the analyzer reads from each
 * file, without loading it. `--json` prints `[{ file, descriptors } | { file, error }]`.
 */
import { resolve } from "node:path";
import type { PluginDescriptorInfo } from "@memflow-ts/analyzer";
import { analyzeFile } from "@memflow-ts/analyzer/fs";
import { MEMFLOW_PLUGIN_VERSION, printable, targetLabel } from "@memflow-ts/core/plugin-files";
import { type Command, parseFlags, UsageError } from "../command.ts";
import { describeError } from "../error-report.ts";
import { descriptorTitle } from "../inventory/describe.ts";
import { LISTING_FLAGS } from "../inventory/listing-flags.ts";
import { type CliContext, ExitCode } from "../io.ts";
import { printer } from "../output.ts";

const USAGE = `Usage: memflow-ts inspect <file...> [--json] [--quiet]

Shows the memflow plugin descriptors in each file (ELF, PE or Mach-O), read statically: the
file is never loaded. Exits 1 when a file cannot be read or analysed.

Options:
  --json       print [{ "file": ..., "descriptors": [...] } | { "file": ..., "error": "..." }]
  -q, --quiet  print only the problems
`;

type Inspection = { file: string; descriptors: PluginDescriptorInfo[] } | { file: string; error: string };

/** The file's descriptors, or why it cannot be analysed (the other files are still inspected). */
async function inspect(context: CliContext, file: string): Promise<Inspection> {
  try {
    return { file, descriptors: await analyzeFile(resolve(context.cwd, file)) };
  } catch (error) {
    const report = describeError(error);
    if (report.internal) throw error;
    return { file, error: report.message };
  }
}

function printText(context: CliContext, inspections: readonly Inspection[], quiet: boolean): void {
  const out = printer(context, { quiet });
  for (const inspection of inspections) {
    if ("error" in inspection) {
      out.failure(`${inspection.file}: ${inspection.error}`);
      continue;
    }
    if (inspection.descriptors.length === 0) {
      out.info(`${inspection.file}: no memflow plugin descriptor (not a memflow plugin)`);
      continue;
    }
    out.line(inspection.file);
    for (const descriptor of inspection.descriptors) {
      const abi =
        descriptor.plugin_version === MEMFLOW_PLUGIN_VERSION
          ? `plugin_version ${descriptor.plugin_version}`
          : `plugin_version ${descriptor.plugin_version} (memflow 0.2 loads only ${MEMFLOW_PLUGIN_VERSION})`;
      out.line(
        printable(`  ${descriptorTitle(descriptor)}  ${descriptor.export_name}  ${targetLabel(descriptor)}  ${abi}`),
      );
      if (descriptor.description !== "") out.line(`    ${printable(descriptor.description)}`);
    }
  }
}

export const inspectCommand: Command = {
  usage: USAGE,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, LISTING_FLAGS);
    if (positionals.length === 0) throw new UsageError("inspect needs at least one file");
    const inspections: Inspection[] = [];
    for (const file of positionals) inspections.push(await inspect(context, file));
    if (values.json) printer(context).json(inspections);
    else printText(context, inspections, values.quiet === true);
    return inspections.some((inspection) => "error" in inspection) ? ExitCode.failed : ExitCode.ok;
  },
};
