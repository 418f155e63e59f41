/**
 * A `<pid|name>` argument: digits are a pid, anything else a process name, as memflow's examples
 * take them. By name, memflow's rule applies (the first process of that exact name that is not
 * dead); the OS plugin applies it. A process that is not found keeps memflow's error
 * (OsLayer, ProcessNotFound), with what was asked for as its detail.
 */
import { MemflowError, type Os, type Process } from "@memflow-ts/core/inventory";
import { UsageError } from "../command.ts";

export type ProcessSelector = { readonly pid: number } | { readonly name: string };

const MAX_PID = 0xffff_ffff;

export function parseProcessSelector(text: string): ProcessSelector {
  if (text === "") throw new UsageError("a process is a pid (digits) or a name, not an empty string");
  if (!/^[0-9]+$/.test(text)) return { name: text };
  const pid = Number(text);
  // memflow's Pid is a u32.
  if (pid > MAX_PID) throw new UsageError(`pid ${text} is out of range: pids are 0 to ${MAX_PID}`);
  return { pid };
}

/** `pid 4` or `name "explorer.exe"`, for messages (the name is the user's, quoted). */
export function describeSelector(selector: ProcessSelector): string {
  return "pid" in selector ? `pid ${selector.pid}` : `name ${JSON.stringify(selector.name)}`;
}

/** A process that borrows `os` (close it before the OS). */
export function openProcess(os: Os, selector: ProcessSelector): Process {
  try {
    return "pid" in selector ? os.processByPid(selector.pid) : os.processByName(selector.name);
  } catch (error) {
    if (error instanceof MemflowError && error.is("OsLayer", "ProcessNotFound")) {
      const rule = "pid" in selector ? "" : " that is alive";
      throw new MemflowError(
        "OsLayer",
        "ProcessNotFound",
        `no process with ${describeSelector(selector)}${rule} in os ${os.name}`,
        { cause: error },
      );
    }
    throw error;
  }
}
