/**
 * What the commands that look inside an OS share (ps, modules, exports, info, dump, find): the
 * chain (-c/-o, ending with an OS), --json, -q and the plugin log flags; the part of their usage
 * that explains them; and the OS (or one of its processes), opened for one operation and closed
 * after it, then the inventory (which delivers what the plugins logged meanwhile).
 */
import type { ModuleInfo, Os, Process } from "@memflow-ts/core/inventory";
import { MemflowError } from "@memflow-ts/core/inventory";
import { parseFlags, UsageError } from "../command.ts";
import type { FlagSpecs } from "../flags.ts";
import { LOG_FLAGS, LOG_FLAGS_USAGE, logLevelFrom } from "../inventory/log-flags.ts";
import { type ChainArguments, openOs, takeChainArguments, wantedPlugins } from "../inventory/memory-chain.ts";
import { openInventory } from "../inventory/open-inventory.ts";
import type { CliContext } from "../io.ts";
import { describeSelector, openProcess, type ProcessSelector } from "./process-selector.ts";

const OS_FLAGS = { json: { type: "boolean" }, quiet: { type: "boolean", short: "q" }, ...LOG_FLAGS } as const;

/** The chain, then the command's own flags (`flags`) and the shared ones, and the positionals. */
export function parseOsArgs<const O extends FlagSpecs>(args: readonly string[], flags: O) {
  const chain = takeChainArguments(args);
  return { chain, ...parseFlags(chain.rest, { ...flags, ...OS_FLAGS }) };
}

/** A usage error when a command that takes none was given operands. */
export function expectNoOperands(command: string, positionals: readonly string[]): void {
  if (positionals.length > 0) throw new UsageError(`${command} takes no arguments (got ${positionals.join(" ")})`);
}

export interface OsUsage {
  readonly command: string;
  /** What follows the chain flags in the synopsis: `<pid|name> <module>`. */
  readonly operands: string;
  readonly description: string;
  /** The command's own option lines. */
  readonly options?: readonly string[];
  /** What --json prints. */
  readonly json: string;
  /** The operands of the example at the end. */
  readonly example: string;
}

/** One option line of a usage: the flag padded to a column, then what it does. */
export function usageLine(flag: string, text: string): string {
  return `  ${flag.padEnd(39)}  ${text}`.trimEnd();
}

export function osUsage(usage: OsUsage): string {
  return [
    `Usage: memflow-ts ${usage.command} -c <connector[:target[:args]]> -o <os[:target[:args]]> ${usage.operands}`.trimEnd(),
    "",
    usage.description,
    "",
    "Options:",
    usageLine("-c, --connector <name[:target[:args]]>", "the connector the OS reads, e.g. -c dummy::size=4m"),
    usageLine("-o, --os <name[:target[:args]]>", "the OS plugin, e.g. -o dummy::procs=4,seed=7"),
    ...(usage.options ?? []),
    usageLine("--json", usage.json),
    usageLine("-q, --quiet", "print nothing but the result"),
    LOG_FLAGS_USAGE,
    "",
    "Example:",
    `  memflow-ts ${usage.command} -c dummy::size=4m -o dummy::procs=4,seed=7 ${usage.example}`.trimEnd(),
    "",
  ].join("\n");
}

/** `os dummy`: what the OS is called in messages. */
export function osLabel(os: Os): string {
  return `os ${os.name}`;
}

/** Opens the chain's OS with the log level the flags ask for, runs `use`, closes it. */
export function useOs<T>(
  context: CliContext,
  chain: ChainArguments,
  logFlags: Parameters<typeof logLevelFrom>[0],
  command: string,
  use: (os: Os) => T,
): T {
  using inventory = openInventory(context, logLevelFrom(logFlags), wantedPlugins(chain));
  using os = openOs(inventory, chain, command);
  return use(os);
}

/** Opens the chain's OS and the process `selector` picks; runs `use`; closes both. */
export function useProcess<T>(
  context: CliContext,
  chain: ChainArguments,
  logFlags: Parameters<typeof logLevelFrom>[0],
  command: string,
  selector: ProcessSelector,
  use: (process: Process, os: Os) => T,
): T {
  return useOs(context, chain, logFlags, command, (os) => {
    using process = openProcess(os, selector);
    return use(process, os);
  });
}

/** `process dummy1, pid 1, os dummy`: the process in messages (inside parentheses). */
export function processLabel(process: Process): string {
  const info = process.info();
  return `process ${info.name}, pid ${info.pid}, os ${process.name}`;
}

/** The process's module named exactly `name`; memflow's (OsLayer, ModuleNotFound) names both when there is none. */
export function moduleOf(process: Process, name: string, selector: ProcessSelector): ModuleInfo {
  try {
    return process.moduleByName(name);
  } catch (error) {
    if (error instanceof MemflowError && error.is("OsLayer", "ModuleNotFound")) {
      throw new MemflowError(
        "OsLayer",
        "ModuleNotFound",
        `no module named ${JSON.stringify(name)} in the process with ${describeSelector(selector)}`,
        { cause: error },
      );
    }
    throw error;
  }
}
