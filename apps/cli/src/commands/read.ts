/**
 * `memflow-ts read -c <connector[:args]> [-o <os[:args]>] <address> <length> [--out file]`:
 * reads physical memory through a plugin chain and prints a hexdump, or writes the raw bytes
 * to a file (atomically: a temporary file renamed into place).
 */
import { resolve } from "node:path";
import { replaceFileDurably } from "@memflow-ts/core/install";
import { type Command, UsageError } from "../command.ts";
import { CliFailure, fileProblem } from "../failure.ts";
import { hexdump } from "../inventory/hexdump.ts";
import { memoryUsage, parseMemoryArgs, useMemory } from "../inventory/memory-command.ts";
import { checkRange, formatAddress, parseAddress, parseLength } from "../inventory/numbers.ts";
import { ExitCode } from "../io.ts";
import { printer } from "../output.ts";

/** Reads larger than this go in pieces, so one failed piece names where it failed. */
const CHUNK = 1 << 20;
/** The most bytes one command reads. */
const MAX_LENGTH = 256 * CHUNK;

const USAGE = memoryUsage({
  command: "read",
  operands: "<address> <length> [--out <file>]",
  description: `Reads physical memory and prints it as a hexdump (16 bytes a line, address, hex, ASCII), or
writes the raw bytes to a file. Addresses and lengths are decimal (4096) or hex with 0x
(0x1000); at most ${MAX_LENGTH / CHUNK} MiB. -c and -o take memflow's chain syntax and may repeat:
the chain runs in the order given and must end with a connector (or an OS that exposes
physical memory).`,
  connector: "e.g. -c dummy::size=1m, -c qemu:win10",
  os: "e.g. -o win32",
  options: ["  --out <file>                             write the bytes to <file> instead of a hexdump"],
  quiet: "no message after --out",
  example: "0x1000 64",
});

export const readCommand: Command = {
  usage: USAGE,
  async run(args, context) {
    const { chain, values, positionals } = parseMemoryArgs(args, { out: { type: "string" } });
    if (positionals.length !== 2) {
      throw new UsageError(`read needs an address and a length (got ${positionals.join(" ") || "nothing"})`);
    }
    const address = parseAddress(positionals[0] ?? "");
    const length = parseLength(positionals[1] ?? "", MAX_LENGTH);
    checkRange(address, length);
    const out = values.out === undefined ? undefined : resolve(context.cwd, values.out);
    const { label, result: bytes } = useMemory(context, chain, values, "read", (memory) => {
      const bytes = new Uint8Array(length);
      for (let offset = 0; offset < length; offset += CHUNK) {
        bytes.set(memory.read(address + BigInt(offset), Math.min(CHUNK, length - offset)), offset);
      }
      return bytes;
    });
    if (out === undefined) {
      context.stdout.write(hexdump(bytes, address));
      return ExitCode.ok;
    }
    try {
      replaceFileDurably(out, bytes);
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
    return ExitCode.ok;
  },
};
