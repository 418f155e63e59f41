/**
 * `memflow-ts find -c <connector> -o <os> -p <pid|name> <hex bytes | text>`: searches a process's
 * mapped memory (memflow's `mapped_mem_range`) for a byte pattern, in batched reads (see
 * os/memory-search.ts), and prints each match's address and the module it lies in. A progress
 * bar on stderr when stderr is a terminal; stops at --max matches.
 */
import type { ModuleInfo } from "@memflow-ts/core/inventory";
import { printable } from "@memflow-ts/core/plugin-files";
import { type Command, UsageError } from "../command.ts";
import { formatAddress, parseHexBytes, parseUnsigned } from "../inventory/numbers.ts";
import { ExitCode } from "../io.ts";
import { note } from "../listing.ts";
import { searchMemory } from "../os/memory-search.ts";
import { osUsage, parseOsArgs, processLabel, usageLine, useProcess } from "../os/os-command.ts";
import { parseProcessSelector } from "../os/process-selector.ts";
import { printer } from "../output.ts";
import { downloadProgress } from "../progress.ts";

const DEFAULT_MAX = 1000;
/** The longest pattern: a match is looked for across one read boundary only. */
const MAX_PATTERN = 4096;

const USAGE = osUsage({
  command: "find",
  operands: "-p <pid|name> <hex bytes | text>",
  description: `Searches the mapped memory of a process for a pattern and prints the address of each match,
with the module it lies in. The pattern is hex bytes when it reads as hex (4d5a, "4d 5a",
4d:5a), else the text given (UTF-8); --text takes it as text always. Unreadable pages are
skipped and counted on stderr. Exit 1 when nothing matches.`,
  options: [
    usageLine("-p, --process <pid|name>", "the process: a pid (digits) or a name (the first alive)"),
    usageLine("--text", "take the pattern as text even when it reads as hex"),
    usageLine("--max <n>", `stop after n matches (default ${DEFAULT_MAX})`),
  ],
  json: "print { matches: [{ address, module, offset }], stopped, searched, unreadable }",
  example: '-p 1 "hello"',
});

function parsePattern(parts: readonly string[], text: boolean): Uint8Array {
  if (parts.length === 0) throw new UsageError("find needs a pattern: hex bytes (4d5a) or text");
  let pattern: Uint8Array | undefined;
  if (!text) {
    try {
      pattern = parseHexBytes(parts);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
    }
  }
  pattern ??= new TextEncoder().encode(parts.join(" "));
  if (pattern.length === 0 || pattern.length > MAX_PATTERN) {
    throw new UsageError(`a pattern is 1 to ${MAX_PATTERN} bytes (got ${pattern.length})`);
  }
  return pattern;
}

/** The module an address lies in, and the offset into it. */
function whereIn(modules: readonly ModuleInfo[], address: bigint): { module: string; offset: bigint } | undefined {
  const module = modules.find((entry) => address >= entry.base && address < entry.base + entry.size);
  return module === undefined ? undefined : { module: module.name, offset: address - module.base };
}

export const findCommand: Command = {
  usage: USAGE,
  async run(args, context) {
    const { chain, values, positionals } = parseOsArgs(args, {
      process: { type: "string", short: "p" },
      text: { type: "boolean" },
      max: { type: "string" },
    });
    if (values.process === undefined) throw new UsageError("find needs a process: -p <pid|name>");
    const selector = parseProcessSelector(values.process);
    const pattern = parsePattern(positionals, values.text === true);
    const max = values.max === undefined ? DEFAULT_MAX : Number(parseUnsigned(values.max, "--max"));
    if (max < 1) throw new UsageError("--max must be at least 1");
    const progress = downloadProgress(context);
    const found = useProcess(context, chain, values, "find", selector, (process) => {
      const ranges = process.mappedMemRange(-1);
      const total = ranges.reduce((sum, range) => sum + range.size, 0n);
      const label = `searching ${processLabel(process)}`;
      const track = progress.track(label);
      try {
        const result = searchMemory(process, ranges, pattern, {
          max,
          progress: (searched) => track(Number(searched), Number(total)),
        });
        return { ...result, total, label: processLabel(process), modules: process.moduleList() };
      } finally {
        progress.done(label);
      }
    });
    const matches = found.matches.map((address) => ({ address, ...whereIn(found.modules, address) }));
    if (values.json === true) {
      printer(context).json({
        matches: matches.map((match) => ({
          address: formatAddress(match.address),
          module: match.module ?? null,
          offset: match.offset === undefined ? null : formatAddress(match.offset),
        })),
        stopped: found.stopped,
        searched: formatAddress(found.total),
        unreadable: found.unreadable,
      });
    } else {
      for (const match of matches) {
        const where =
          match.module === undefined ? "" : `  ${printable(match.module)}+${formatAddress(match.offset ?? 0n)}`;
        context.stdout.write(`${formatAddress(match.address)}${where}\n`);
      }
    }
    const quiet = values.quiet === true;
    if (found.unreadable > 0)
      note(
        context.stderr,
        quiet,
        `${found.unreadable} bytes of mapped memory could not be read and were skipped (${found.label})`,
      );
    if (found.stopped) note(context.stderr, quiet, `stopped after ${max} matches (--max); there may be more`);
    if (matches.length === 0) {
      note(
        context.stderr,
        quiet,
        `no match for the ${pattern.length}-byte pattern in ${found.total} bytes of mapped memory (${found.label})`,
      );
      return ExitCode.failed;
    }
    return ExitCode.ok;
  },
};
