/**
 * What the OS-plugin checks are told, and the helpers they share: the OS is always started over
 * an input connector the user names (a chain step such as `dummy::size=8m`), found in the
 * directories given, so a check sees the plugin as `memflow-ts … -c <connector> -o <os>` does.
 */
import type { PluginDescriptorInfo } from "@memflow-ts/analyzer";
import { connectorStep, type Inventory, MemflowError, type Os, type Process, type ProcessInfo } from "@memflow-ts/core";
import type { CheckResult } from "./check-result.ts";

/** The same whether the checks run here or in a child process (plain JSON). */
export interface OsCheckSettings {
  /** The OS plugin's name in the inventory. */
  readonly name: string;
  /** The input connector as a chain step, `name:target:args` (e.g. `dummy::size=8m`). */
  readonly connector: string;
  /** Folders the input connector is found in (scanned as plugin folders). */
  readonly connectorDirectories: readonly string[];
  /** Arguments the OS should start with (`target:extra`); the first is used by the checks. */
  readonly sampleArgs: readonly string[];
  /** Open/close cycles of each order in the leak check. */
  readonly cycles: number;
}

export interface OsCheckContext extends OsCheckSettings {
  readonly inventory: Inventory;
  /** Descriptors read statically from the file. */
  readonly descriptors: readonly PluginDescriptorInfo[];
}

export interface OsCheck {
  readonly id: string;
  readonly title: string;
  run(context: OsCheckContext): CheckResult;
}

export { fail, pass } from "./check-result.ts";

/** A fresh OS over a fresh input connector; the OS owns the connector. */
export function openOs(context: OsCheckContext, args = context.sampleArgs[0]): Os {
  const step = connectorStep(context.connector);
  const input = context.inventory.instantiateConnector(
    step.name,
    undefined,
    step.kind === "connector" ? step.args : undefined,
  );
  return context.inventory.instantiateOs(context.name, input, args);
}

/** `pid 3 (init)`, for messages; the name is the plugin's text, escaped where it is printed. */
export function processLabel(info: ProcessInfo): string {
  return `pid ${info.pid} (${JSON.stringify(info.name)})`;
}

export const hex = (value: bigint): string => `0x${value.toString(16)}`;

/** Runs `use` on each listed process in turn, each borrowed from the OS and closed afterwards. */
export function eachProcess(os: Os, use: (process: Process, info: ProcessInfo) => string | undefined): string[] {
  const problems: string[] = [];
  for (const info of os.processInfoList()) {
    using process = os.processByInfo(info);
    const problem = use(process, info);
    if (problem !== undefined) problems.push(problem);
  }
  return problems;
}

/** The MemflowError `run` throws, undefined when it returns; anything else is rethrown. */
export function memflowErrorOf(run: () => unknown): MemflowError | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof MemflowError) return error;
    throw error;
  }
}

/** The first few problems and how many more, as one message. */
export function summarize(problems: readonly string[]): string {
  const shown = problems.slice(0, 5).join("; ");
  return problems.length > 5 ? `${shown}; and ${problems.length - 5} more` : shown;
}
