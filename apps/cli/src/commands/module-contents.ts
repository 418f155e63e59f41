/**
 * `memflow-ts exports|imports|sections -c <connector> -o <os> <pid|name> <module>`: what a
 * module's image holds (memflow's `module_export_list`, `module_import_list`,
 * `module_section_list`). One command per list, built from one description each.
 */

import type { ModuleInfo, Process } from "@memflow-ts/core/inventory";
import { sectionJson, symbolJson } from "@memflow-ts/core/inventory";
import { type Command, UsageError } from "../command.ts";
import { formatAddress } from "../inventory/numbers.ts";
import { ExitCode } from "../io.ts";
import { moduleOf, osUsage, parseOsArgs, useProcess } from "../os/os-command.ts";
import { parseProcessSelector } from "../os/process-selector.ts";
import { formatTable, printer } from "../output.ts";

interface ContentsList {
  readonly command: "exports" | "imports" | "sections";
  readonly what: string;
  readonly json: string;
  readonly header: readonly string[];
  /** The rows of the table and the JSON values, one each per entry. */
  list(process: Process, module: ModuleInfo): { rows: string[][]; json: unknown[] };
}

function contentsCommand(spec: ContentsList): Command {
  const usage = osUsage({
    command: spec.command,
    operands: "<pid|name> <module>",
    description: `Lists the ${spec.what} of a process's module, named exactly as 'memflow-ts modules' shows it. The
process is a pid (digits) or a name (the first of that exact name that is not dead).`,
    json: spec.json,
    example: "1 libc.so.6",
  });
  return {
    usage,
    async run(args, context) {
      const { chain, values, positionals } = parseOsArgs(args, {});
      if (positionals.length !== 2) {
        throw new UsageError(
          `${spec.command} needs a process (pid or name) and a module name (got ${positionals.join(" ") || "nothing"})`,
        );
      }
      const selector = parseProcessSelector(positionals[0] ?? "");
      const moduleName = positionals[1] ?? "";
      const { rows, json } = useProcess(context, chain, values, spec.command, selector, (process) =>
        spec.list(process, moduleOf(process, moduleName, selector)),
      );
      if (values.json === true) {
        printer(context).json(json);
        return ExitCode.ok;
      }
      const table = values.quiet === true ? rows : [[...spec.header], ...rows];
      context.stdout.write(formatTable([24, 18], table));
      return ExitCode.ok;
    },
  };
}

function symbolList(command: "exports" | "imports", what: string): Command {
  return contentsCommand({
    command,
    what,
    json: "print [{ name, offset, address }] (offset from the module's base; address absolute)",
    header: ["NAME", "OFFSET", "ADDRESS"],
    list(process, module) {
      const symbols = command === "exports" ? process.moduleExportList(module) : process.moduleImportList(module);
      return {
        rows: symbols.map((symbol) => [
          symbol.name,
          formatAddress(symbol.offset),
          formatAddress(module.base + symbol.offset),
        ]),
        json: symbols.map((symbol) => symbolJson(module, symbol)),
      };
    },
  });
}

export const exportsCommand = symbolList("exports", "exports (memflow's module_export_list)");
export const importsCommand = symbolList("imports", "imports (memflow's module_import_list)");

export const sectionsCommand = contentsCommand({
  command: "sections",
  what: "sections (memflow's module_section_list)",
  json: "print [{ name, base, size }] (base absolute)",
  header: ["NAME", "BASE", "SIZE"],
  list(process, module) {
    const sections = process.moduleSectionList(module);
    return {
      rows: sections.map((section) => [section.name, formatAddress(section.base), formatAddress(section.size)]),
      json: sections.map(sectionJson),
    };
  },
});
