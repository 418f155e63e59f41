/**
 * `memflow-ts modules -c <connector> -o <os> <pid|name>`: a process's modules (memflow's
 * `module_list`), in the OS's order: name, base, size, architecture, path.
 */
import { formatArchitecture, type ModuleInfo, moduleInfoJson } from "@memflow-ts/core/inventory";
import { type Command, UsageError } from "../command.ts";
import { formatAddress } from "../inventory/numbers.ts";
import { ExitCode } from "../io.ts";
import { osUsage, parseOsArgs, useProcess } from "../os/os-command.ts";
import { parseProcessSelector } from "../os/process-selector.ts";
import { formatTable, printer } from "../output.ts";

const USAGE = osUsage({
  command: "modules",
  operands: "<pid|name>",
  description: `Lists a process's modules: name, base address, size, architecture and path. The process is a
pid (digits) or a name; by name, the first process of that exact name that is not dead (memflow's
rule).`,
  json: "print [{ name, base, size, arch, path, address, parent_process }]",
  example: "1",
});

/** The module table's column widths and header, shared with the demo. */
export const MODULE_COLUMNS = [20, 18, 10, 10] as const;
export const MODULE_HEADER = ["NAME", "BASE", "SIZE", "ARCH", "PATH"];

export function moduleRow(module: ModuleInfo): string[] {
  return [
    module.name,
    formatAddress(module.base),
    formatAddress(module.size),
    formatArchitecture(module.arch),
    module.path,
  ];
}

export const modulesCommand: Command = {
  usage: USAGE,
  async run(args, context) {
    const { chain, values, positionals } = parseOsArgs(args, {});
    if (positionals.length !== 1) {
      throw new UsageError(`modules needs one process, a pid or a name (got ${positionals.join(" ") || "nothing"})`);
    }
    const selector = parseProcessSelector(positionals[0] ?? "");
    const modules = useProcess(context, chain, values, "modules", selector, (process) => process.moduleList());
    if (values.json === true) {
      printer(context).json(modules.map(moduleInfoJson));
      return ExitCode.ok;
    }
    const rows = modules.map(moduleRow);
    context.stdout.write(formatTable(MODULE_COLUMNS, values.quiet === true ? rows : [MODULE_HEADER, ...rows]));
    return ExitCode.ok;
  },
};
