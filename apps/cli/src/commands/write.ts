/**
 * `memflow-ts write -c <connector[:args]> [-o <os[:args]>] <address> <hex>`: writes bytes given
 * in hex to physical memory through a plugin chain.
 */
import { type Command, UsageError } from "../command.ts";
import { memoryUsage, parseMemoryArgs, useMemory } from "../inventory/memory-command.ts";
import { checkRange, formatAddress, parseAddress, parseHexBytes } from "../inventory/numbers.ts";
import { ExitCode } from "../io.ts";
import { printer } from "../output.ts";

const USAGE = memoryUsage({
  command: "write",
  operands: "<address> <hex...>",
  description: `Writes bytes to physical memory, or with -p to a process's virtual memory. The address is decimal (4096) or hex with 0x (0x1000); the
bytes are hex, two digits a byte, in one or more arguments: 48656c6c6f, "48 65 6c 6c 6f",
48:65:6c. -c and -o take memflow's chain syntax, as for 'memflow-ts read'.`,
  connector: "e.g. -c rawfile:/tmp/memory.raw:writable=true",
  os: "",
  options: [],
  quiet: "no message on success",
  example: "0x1000 48656c6c6f",
});

export const writeCommand: Command = {
  usage: USAGE,
  async run(args, context) {
    const { chain, selector, values, positionals } = parseMemoryArgs(args, {});
    const [addressText, ...hex] = positionals;
    if (addressText === undefined || hex.length === 0) {
      throw new UsageError(`write needs an address and the bytes in hex (got ${positionals.join(" ") || "nothing"})`);
    }
    const address = parseAddress(addressText);
    const bytes = parseHexBytes(hex);
    checkRange(address, bytes.length);
    const { label } = useMemory(context, chain, values, "write", selector, (memory) => memory.write(address, bytes));
    printer(context, { quiet: values.quiet === true }).success(
      `wrote ${bytes.length} bytes at ${formatAddress(address)} (${label})`,
    );
    return ExitCode.ok;
  },
};
