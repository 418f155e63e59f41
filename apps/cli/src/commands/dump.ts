/**
 * `memflow-ts dump -c <connector> -o <os> -p <pid|name> --module <name> --out <file>`: writes a
 * module's image, `size` bytes from its base as the process maps them, to a file (atomically).
 * Pages that are not mapped (paged out, or holes) are zeros in the file and named on stderr, as
 * `read` names the bytes it could not read; --strict makes them a failure.
 */
import { resolve } from "node:path";
import { type Command, UsageError } from "../command.ts";
import { CliFailure } from "../failure.ts";
import { memoryUsage, parseMemoryArgs } from "../inventory/memory-command.ts";
import { formatAddress } from "../inventory/numbers.ts";
import { readPartial } from "../inventory/partial-read.ts";
import { reportGaps, writeOut } from "../inventory/read-report.ts";
import { ExitCode } from "../io.ts";
import { moduleOf, processLabel, useProcess } from "../os/os-command.ts";
import { printer } from "../output.ts";

/** The largest image written, as the most `read` reads. */
const MAX_IMAGE = 256 << 20;

const USAGE = memoryUsage({
  command: "dump",
  operands: "-p <pid|name> --module <name> --out <file> [--strict]",
  description: `Writes the image of a process's module (its size in bytes from its base, as the process maps
it) to a file. Unmapped pages are zeros in the file and named on stderr; the exit code is 1
only with --strict, or when nothing could be read. The module is named exactly as 'memflow-ts
modules' shows it.`,
  connector: "e.g. -c dummy::size=4m",
  os: "e.g. -o dummy::procs=4,seed=7 (required)",
  options: [
    "  --module <name>                          the module to dump (required)",
    "  --out <file>                             the file to write (required)",
    "  --strict                                 exit 1 when any page could not be read",
  ],
  quiet: "no message on success",
  example: "-o dummy -p 1 --module libc.so.6 --out libc.bin",
});

/** dump's flags besides the chain's and -p. */
const DUMP_FLAGS = {
  module: { type: "string" },
  out: { type: "string" },
  strict: { type: "boolean" },
} as const;

export const dumpCommand: Command = {
  usage: USAGE,
  async run(args, context) {
    const { chain, selector, values, positionals } = parseMemoryArgs(args, DUMP_FLAGS);
    if (positionals.length > 0) throw new UsageError(`dump takes no operands (got ${positionals.join(" ")})`);
    if (selector === undefined) throw new UsageError("dump needs a process: -p <pid|name>");
    if (values.module === undefined) throw new UsageError("dump needs a module: --module <name>");
    if (values.out === undefined) throw new UsageError("dump needs a file to write: --out <file>");
    const moduleName = values.module;
    const out = resolve(context.cwd, values.out);
    const { label, module, read } = useProcess(context, chain, values, "dump", selector, (process) => {
      const module = moduleOf(process, moduleName, selector);
      if (module.size === 0n || module.size > BigInt(MAX_IMAGE)) {
        throw new CliFailure(`module ${moduleName} is ${module.size} bytes; dump writes 1 to ${MAX_IMAGE} bytes`);
      }
      return { label: processLabel(process), module, read: readPartial(process, module.base, Number(module.size)) };
    });
    const range = `${formatAddress(module.base)}-${formatAddress(module.base + module.size - 1n)}`;
    if (read.missing === read.bytes.length) {
      throw new CliFailure(`none of module ${moduleName} (${range}) could be read (${label})`, [
        "Its pages are not mapped: the OS may have paged them out.",
      ]);
    }
    writeOut(out, read.bytes);
    printer(context, { quiet: values.quiet === true }).success(
      `wrote module ${moduleName}, ${read.bytes.length} bytes from ${range} (${label}), to ${out}`,
    );
    const strict = values.strict === true;
    if (read.missing > 0) reportGaps(context, read, module.base, label, `they are zeros in ${out}`, strict);
    return strict && read.missing > 0 ? ExitCode.failed : ExitCode.ok;
  },
};
