/**
 * `memflow-ts read -c <connector[:args]> [-o <os[:args]>] <address> <length> [--out file]`:
 * reads physical memory through a plugin chain and prints a hexdump, or writes the raw bytes
 * to a file (atomically: a temporary file renamed into place).
 */
import { resolve } from "node:path";
import { replaceFileDurably } from "@memflow-ts/core/plugin-files";
import { type Command, parseFlags, UsageError } from "../command.ts";
import { CliFailure, fileProblem } from "../failure.ts";
import { hexdump } from "../inventory/hexdump.ts";
import { LOG_FLAGS, LOG_FLAGS_USAGE, logLevelFrom } from "../inventory/log-flags.ts";
import { openMemory, takeChainArguments } from "../inventory/memory-chain.ts";
import { checkRange, formatAddress, parseAddress, parseLength } from "../inventory/numbers.ts";
import { openInventory } from "../inventory/open-inventory.ts";
import { ExitCode } from "../io.ts";
import { printer } from "../output.ts";

/** Reads larger than this go in pieces, so one failed piece names where it failed. */
const CHUNK = 1 << 20;
/** The most bytes one command reads. */
const MAX_LENGTH = 256 * CHUNK;

const USAGE = `Usage: memflow-ts read -c <connector[:target[:args]]> [-o <os[:target[:args]]>] <address> <length> [--out <file>]

Reads physical memory and prints it as a hexdump (16 bytes a line, address, hex, ASCII), or
writes the raw bytes to a file. Addresses and lengths are decimal (4096) or hex with 0x
(0x1000); at most ${MAX_LENGTH / CHUNK} MiB. -c and -o take memflow's chain syntax and may repeat:
the chain runs in the order given and must end with a connector (or an OS that exposes
physical memory).

Options:
  -c, --connector <name[:target[:args]]>   e.g. -c dummy::size=1m, -c qemu:win10
  -o, --os <name[:target[:args]]>          e.g. -o win32
  --out <file>                             write the bytes to <file> instead of a hexdump
  -q, --quiet                              no message after --out
${LOG_FLAGS_USAGE}

Example:
  memflow-ts read -c dummy::size=1m 0x1000 64
`;

export const readCommand: Command = {
  usage: USAGE,
  async run(args, context) {
    const chain = takeChainArguments(args);
    const { values, positionals } = parseFlags(chain.rest, {
      out: { type: "string" },
      quiet: { type: "boolean", short: "q" },
      ...LOG_FLAGS,
    });
    if (positionals.length !== 2) {
      throw new UsageError(`read needs an address and a length (got ${positionals.join(" ") || "nothing"})`);
    }
    const address = parseAddress(positionals[0] ?? "");
    const length = parseLength(positionals[1] ?? "", MAX_LENGTH);
    checkRange(address, length);
    const out = values.out === undefined ? undefined : resolve(context.cwd, values.out);
    const opened = openMemory(openInventory(context, logLevelFrom(values)), chain, "read");
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(length);
      for (let offset = 0; offset < length; offset += CHUNK) {
        bytes.set(opened.memory.read(address + BigInt(offset), Math.min(CHUNK, length - offset)), offset);
      }
    } finally {
      opened.close();
    }
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
      `wrote ${length} bytes from ${formatAddress(address)} (${opened.label}) to ${out}`,
    );
    return ExitCode.ok;
  },
};
