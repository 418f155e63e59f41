/**
 * What `read`, `write` and `dump` share: the plugin chain (-c/-o), -p, -q and the plugin log
 * flags; the part of their usage that explains them; and the memory they work on, opened for one
 * operation and closed after it, then the inventory (which delivers what the plugins logged
 * meanwhile). Without -p that is the chain's physical memory; with `-p <pid|name>` the virtual
 * memory of that process of the OS the chain ends with.
 */
import type { MemoryAccess } from "@memflow-ts/core/inventory";
import { parseFlags } from "../command.ts";
import type { FlagSpecs } from "../flags.ts";
import type { CliContext } from "../io.ts";
import { processLabel, useProcess } from "../os/os-command.ts";
import { type ProcessSelector, parseProcessSelector } from "../os/process-selector.ts";
import { LOG_FLAGS, LOG_FLAGS_USAGE, logLevelFrom } from "./log-flags.ts";
import { type ChainArguments, openMemory, takeChainArguments, wantedPlugins } from "./memory-chain.ts";
import { openInventory } from "./open-inventory.ts";

const MEMORY_FLAGS = {
  quiet: { type: "boolean", short: "q" },
  process: { type: "string", short: "p" },
  ...LOG_FLAGS,
} as const;

/** The chain, then the command's own flags (`flags`) and the shared ones, and the positionals. */
export function parseMemoryArgs<const O extends FlagSpecs>(args: readonly string[], flags: O) {
  const chain = takeChainArguments(args);
  const parsed = parseFlags(chain.rest, { ...flags, ...MEMORY_FLAGS });
  const process = parsed.values.process;
  return { chain, selector: typeof process === "string" ? parseProcessSelector(process) : undefined, ...parsed };
}

export interface MemoryUsage {
  readonly command: "read" | "write" | "dump";
  /** What follows the chain flags in the synopsis: `<address> <length> [--out <file>]`. */
  readonly operands: string;
  /** The paragraph that says what the command does. */
  readonly description: string;
  /** Examples after each chain flag: `e.g. -c dummy::size=1m`. */
  readonly connector: string;
  readonly os: string;
  /** The command's own option lines, aligned with the others. */
  readonly options: readonly string[];
  /** What -q leaves out. */
  readonly quiet: string;
  /** The operands of the example at the end. */
  readonly example: string;
}

export function memoryUsage(usage: MemoryUsage): string {
  const line = (flag: string, text: string) => `  ${flag.padEnd(39)}  ${text}`.trimEnd();
  return [
    `Usage: memflow-ts ${usage.command} -c <connector[:target[:args]]> [-o <os[:target[:args]]> [-p <pid|name>]] ${usage.operands}`,
    "",
    usage.description,
    "",
    "Options:",
    line("-c, --connector <name[:target[:args]]>", usage.connector),
    line("-o, --os <name[:target[:args]]>", usage.os),
    line("-p, --process <pid|name>", "a process of the OS: its virtual memory instead of physical memory"),
    ...usage.options,
    line("-q, --quiet", usage.quiet),
    LOG_FLAGS_USAGE,
    "",
    "Example:",
    `  memflow-ts ${usage.command} -c dummy::size=1m ${usage.example}`,
    "",
  ].join("\n");
}

/**
 * Opens the memory (`selector` picks a process, else physical memory) with the log level the
 * flags ask for, runs `use`, closes it. The label names the memory in messages.
 */
export function useMemory<T>(
  context: CliContext,
  chain: ChainArguments,
  logFlags: Parameters<typeof logLevelFrom>[0],
  command: MemoryUsage["command"],
  selector: ProcessSelector | undefined,
  use: (memory: MemoryAccess) => T,
): { label: string; result: T } {
  if (selector !== undefined) {
    return useProcess(context, chain, logFlags, command, selector, (process) => ({
      label: processLabel(process),
      result: use(process),
    }));
  }
  using inventory = openInventory(context, logLevelFrom(logFlags), wantedPlugins(chain));
  const opened = openMemory(inventory, chain, command);
  try {
    return { label: opened.label, result: use(opened.memory) };
  } finally {
    opened.close();
  }
}
