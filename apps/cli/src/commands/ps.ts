/**
 * `memflow-ts ps -c <connector> -o <os>`: the processes an OS reports (memflow's
 * `process_info_list`), in the OS's order: pid, name, architecture, state, path, command line.
 */
import {
  type ArchitectureIdent,
  formatArchitecture,
  type ProcessInfo,
  type ProcessState,
  processInfoJson,
} from "@memflow-ts/core/inventory";
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

/** The process table's column widths (shared with the demo, as processRows is) and header. */
export const PROCESS_COLUMNS = [7, 16, 10, 10, 28] as const;
const PROCESS_HEADER = ["PID", "NAME", "ARCH", "STATE", "PATH", "COMMAND LINE"];

/**
 * The table's rows, the header first unless `header` is false. One loop, and the architecture
 * and state texts are made only when the object differs from the row before's: they repeat, and
 * `ps` runs this once, cold, for thousands of processes, where each call counts.
 */
export function processRows(processes: readonly ProcessInfo[], header = true): string[][] {
  const rows: string[][] = header ? [PROCESS_HEADER] : [];
  let arch: ArchitectureIdent | undefined;
  let archText = "";
  let state: ProcessState | undefined;
  let stateLabel = "";
  for (const info of processes) {
    if (info.procArch !== arch) {
      arch = info.procArch;
      archText = formatArchitecture(arch);
    }
    if (info.state !== state) {
      state = info.state;
      stateLabel = stateText(state);
    }
    rows.push([`${info.pid}`, info.name, archText, stateLabel, info.path, info.commandLine]);
  }
  return rows;
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
    context.stdout.write(formatTable(PROCESS_COLUMNS, processRows(processes, values.quiet !== true)));
    return ExitCode.ok;
  },
};
