/**
 * `memflow-ts read -c <connector[:args]> [-o <os[:args]> [-p <pid|name>]] <address> <length>
 * [--out file] [--strict]`: reads physical memory (or with -p a process's virtual memory) through
 * a plugin chain and prints a hexdump, or writes the raw bytes to a file (atomically: a temporary
 * file renamed into place). What cannot be read is shown as `??` (zeros in the file) and named on
 * stderr, as memflow's partial reads report it; only a read of nothing, or any gap with --strict,
 * fails.
 */
import { resolve } from "node:path";
import { type Command, UsageError } from "../command.ts";
import { CliFailure } from "../failure.ts";
import { hexdump } from "../inventory/hexdump.ts";
import { memoryUsage, parseMemoryArgs, useMemory } from "../inventory/memory-command.ts";
import { checkRange, formatAddress, parseAddress, parseLength } from "../inventory/numbers.ts";
import { readPartial } from "../inventory/partial-read.ts";
import { reportGaps, writeOut } from "../inventory/read-report.ts";
import { ExitCode } from "../io.ts";
import { printer } from "../output.ts";

/** The most bytes one command reads. */
const MAX_LENGTH = 256 << 20;

const USAGE = memoryUsage({
  command: "read",
  operands: "<address> <length> [--out <file>]",
  description: `Reads physical memory, or with -p a process's virtual memory, and prints it as a hexdump (16 bytes a line, address, hex, ASCII), or
writes the raw bytes to a file. Addresses and lengths are decimal (4096) or hex with 0x
(0x1000); at most ${MAX_LENGTH >> 20} MiB. Bytes the memory cannot give are shown as ??
(zeros with --out) and named on stderr; the exit code is 1 only when nothing could be read, or
with --strict when anything could not. -c and -o take memflow's chain syntax and may repeat:
the chain runs in the order given and must end with a connector (or an OS that exposes
physical memory); with -p it must end with an OS, and unmapped pages are the bytes that cannot
be read.`,
  connector: "e.g. -c dummy::size=1m, -c qemu:win10",
  os: "e.g. -o win32",
  options: [
    "  --out <file>                             write the bytes to <file> instead of a hexdump",
    "  --strict                                 exit 1 when any byte could not be read",
  ],
  quiet: "no message after --out",
  example: "0x1000 64",
});

export const readCommand: Command = {
  usage: USAGE,
  async run(args, context) {
    const { chain, selector, values, positionals } = parseMemoryArgs(args, {
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
    const { label, result: read } = useMemory(context, chain, values, "read", selector, (memory) =>
      readPartial(memory, address, length),
    );
    if (read.missing === length) {
      throw new CliFailure(`none of the ${length} bytes at ${formatAddress(address)} could be read (${label})`, [
        selector === undefined
          ? "The range lies outside the connector's memory, or none of it is readable: read another range, or give the connector more memory."
          : "Nothing is mapped there: 'memflow-ts modules' shows where the process's modules are.",
      ]);
    }
    const strict = values.strict === true;
    const failed = strict && read.missing > 0 ? ExitCode.failed : ExitCode.ok;
    if (out === undefined) {
      context.stdout.write(hexdump(read.bytes, address, read.gaps));
      if (read.missing > 0) reportGaps(context, read, address, label, "shown as ??", strict);
      return failed;
    }
    writeOut(out, read.bytes);
    printer(context, { quiet: values.quiet === true }).success(
      `wrote ${length} bytes from ${formatAddress(address)} (${label}) to ${out}`,
    );
    if (read.missing > 0) reportGaps(context, read, address, label, `they are zeros in ${out}`, strict);
    return failed;
  },
};
