/**
 * `memflow-ts ps -c <connector> -o <os>`: the processes an OS reports (memflow's
 * `process_info_list`), in the OS's order: pid, name, architecture, state, path, command line.
 */
import { formatArchitecture, type ProcessInfo, processInfoJson } from "@memflow-ts/core/inventory";
import type { Command } from "../command.ts";
import { ExitCode } from "../io.ts";
import { expectNoOperands, osUsage, parseOsArgs, useOs } from "../os/os-command.ts";
import { stateText } from "../os/process-state.ts";
import { formatTable, printer } from "../output.ts";

const USAGE = osUsage({
  command: "ps",
  operands: "",
  description: `Lists the processes of the OS at the end of the chain, in the order the OS gives them: pid,
name, architecture (the process's own; a 32-bit process on a 64-bit OS shows x86_32), state,
path and command line.`,
  json: "print [{ pid, name, state, exit_code, sys_arch, proc_arch, path, command_line, address, dtb1, dtb2 }]",
  example: "",
});

/** The process table's column widths and header, shared with the demo. */
export const PROCESS_COLUMNS = [7, 16, 10, 10, 28] as const;
export const PROCESS_HEADER = ["PID", "NAME", "ARCH", "STATE", "PATH", "COMMAND LINE"];

export function processRow(info: ProcessInfo): string[] {
  return [
    String(info.pid),
    info.name,
    formatArchitecture(info.procArch),
    stateText(info.state),
    info.path,
    info.commandLine,
  ];
}

export const psCommand: Command = {
  usage: USAGE,
  async run(args, context) {
    const { chain, values, positionals } = parseOsArgs(args, {});
    expectNoOperands("ps", positionals);
    const processes = useOs(context, chain, values, "ps", (os) => os.processInfoList());
    if (values.json === true) {
      printer(context).json(processes.map(processInfoJson));
      return ExitCode.ok;
    }
    const rows: string[][] = values.quiet === true ? [] : [PROCESS_HEADER];
    for (const info of processes) rows.push(processRow(info));
    context.stdout.write(formatTable(PROCESS_COLUMNS, rows));
    return ExitCode.ok;
  },
};
