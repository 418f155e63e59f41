/**
 * `memflow-ts read -c <connector[:args]> [-o <os[:args]>] <address> <length> [--out file] [--strict]`:
 * reads physical memory through a plugin chain and prints a hexdump, or writes the raw bytes
 * to a file (atomically: a temporary file renamed into place). What cannot be read is shown as
 * `??` (zeros in the file) and named on stderr, as memflow's partial reads report it; only a
 * read of nothing, or any gap with --strict, fails.
 */
import { resolve } from "node:path";
import { replaceFileDurably } from "@memflow-ts/core/install";
import { printable } from "@memflow-ts/core/plugin-files";
import { type Command, UsageError } from "../command.ts";
import { CliFailure, fileProblem } from "../failure.ts";
import { hexdump } from "../inventory/hexdump.ts";
import { memoryUsage, parseMemoryArgs, useMemory } from "../inventory/memory-command.ts";
import { checkRange, formatAddress, parseAddress, parseLength } from "../inventory/numbers.ts";
import { type Gap, type PartialRead, readPartial } from "../inventory/partial-read.ts";
import { type CliContext, ExitCode } from "../io.ts";
import { colorEnabled, paint, printer } from "../output.ts";

/** The most bytes one command reads. */
const MAX_LENGTH = 256 << 20;
/** Gaps named on stderr; the rest are counted. */
const GAPS_SHOWN = 8;

const USAGE = memoryUsage({
  command: "read",
  operands: "<address> <length> [--out <file>]",
  description: `Reads physical memory and prints it as a hexdump (16 bytes a line, address, hex, ASCII), or
writes the raw bytes to a file. Addresses and lengths are decimal (4096) or hex with 0x
(0x1000); at most ${MAX_LENGTH >> 20} MiB. Bytes the memory cannot give are shown as ??
(zeros with --out) and named on stderr; the exit code is 1 only when nothing could be read, or
with --strict when anything could not. -c and -o take memflow's chain syntax and may repeat:
the chain runs in the order given and must end with a connector (or an OS that exposes
physical memory).`,
  connector: "e.g. -c dummy::size=1m, -c qemu:win10",
  os: "e.g. -o win32",
  options: [
    "  --out <file>                             write the bytes to <file> instead of a hexdump",
    "  --strict                                 exit 1 when any byte could not be read",
  ],
  quiet: "no message after --out",
  example: "0x1000 64",
});

/** `0x400000-0x40000f, 0x500000-0x5fffff` (inclusive ends), the first few and how many more. */
function gapList(start: bigint, gaps: readonly Gap[]): string {
  const shown = gaps.slice(0, GAPS_SHOWN).map((gap) => {
    const first = start + BigInt(gap.offset);
    return `${formatAddress(first)}-${formatAddress(first + BigInt(gap.length - 1))}`;
  });
  const more = gaps.length - shown.length;
  return more > 0 ? `${shown.join(", ")} and ${more} more` : shown.join(", ");
}

/** The line on stderr that names what could not be read: a warning, or with --strict a failure. */
function reportGaps(
  context: CliContext,
  read: PartialRead,
  start: bigint,
  label: string,
  where: string,
  strict: boolean,
) {
  const mark = strict ? paint(colorEnabled(context.stderr, context.env), "[X]", "bold", "red") : "[-]";
  // The label names the plugin as it names itself.
  context.stderr.write(
    `${mark} ${printable(`${read.missing} of ${read.bytes.length} bytes could not be read (${label}): ${gapList(start, read.gaps)}; ${where}`)}\n`,
  );
}

export const readCommand: Command = {
  usage: USAGE,
  async run(args, context) {
    const { chain, values, positionals } = parseMemoryArgs(args, {
      out: { type: "string" },
      strict: { type: "boolean" },
    });
    if (positionals.length !== 2) {
      throw new UsageError(`read needs an address and a length (got ${positionals.join(" ") || "nothing"})`);
    }
    const address = parseAddress(positionals[0] ?? "");
    const length = parseLength(positionals[1] ?? "", MAX_LENGTH);
    checkRange(address, length);
    const out = values.out === undefined ? undefined : resolve(context.cwd, values.out);
    const { label, result: read } = useMemory(context, chain, values, "read", (memory) =>
      readPartial(memory, address, length),
    );
    if (read.missing === length) {
      throw new CliFailure(`none of the ${length} bytes at ${formatAddress(address)} could be read (${label})`, [
        "The range lies outside the connector's memory, or none of it is readable: read another range, or give the connector more memory.",
      ]);
    }
    const strict = values.strict === true;
    const failed = strict && read.missing > 0 ? ExitCode.failed : ExitCode.ok;
    if (out === undefined) {
      context.stdout.write(hexdump(read.bytes, address, read.gaps));
      if (read.missing > 0) reportGaps(context, read, address, label, "shown as ??", strict);
      return failed;
    }
    try {
      replaceFileDurably(out, read.bytes);
    } catch (error) {
      throw new CliFailure(
        `could not write ${out}: ${fileProblem(error)}`,
        ["Check that the directory exists and is writable, or pick another --out."],
        { cause: error },
      );
    }
    printer(context, { quiet: values.quiet === true }).success(
      `wrote ${length} bytes from ${formatAddress(address)} (${label}) to ${out}`,
    );
    if (read.missing > 0) reportGaps(context, read, address, label, `they are zeros in ${out}`, strict);
    return failed;
  },
};
