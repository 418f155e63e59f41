/**
 * `memflow-ts write -c <connector[:args]> [-o <os[:args]>] <address> <hex>`: writes bytes given
 * in hex to physical memory through a plugin chain.
 */
import { type Command, parseFlags, UsageError } from "../command.ts";
import { LOG_FLAGS, LOG_FLAGS_USAGE, logLevelFrom } from "../inventory/log-flags.ts";
import { openMemory, takeChainArguments } from "../inventory/memory-chain.ts";
import { checkRange, formatAddress, parseAddress, parseHexBytes } from "../inventory/numbers.ts";
import { openInventory } from "../inventory/open-inventory.ts";
import { ExitCode } from "../io.ts";
import { printer } from "../output.ts";

const USAGE = `Usage: memflow-ts write -c <connector[:target[:args]]> [-o <os[:target[:args]]>] <address> <hex...>

Writes bytes to physical memory. The address is decimal (4096) or hex with 0x (0x1000); the
bytes are hex, two digits a byte, in one or more arguments: 48656c6c6f, "48 65 6c 6c 6f",
48:65:6c. -c and -o take memflow's chain syntax, as for 'memflow-ts read'.

Options:
  -c, --connector <name[:target[:args]]>   e.g. -c rawfile:/tmp/memory.raw:writable=true
  -o, --os <name[:target[:args]]>
  -q, --quiet                              no message on success
${LOG_FLAGS_USAGE}

Example:
  memflow-ts write -c dummy::size=1m 0x1000 48656c6c6f
`;

export const writeCommand: Command = {
  usage: USAGE,
  async run(args, context) {
    const chain = takeChainArguments(args);
    const { values, positionals } = parseFlags(chain.rest, { quiet: { type: "boolean", short: "q" }, ...LOG_FLAGS });
    const [addressText, ...hex] = positionals;
    if (addressText === undefined || hex.length === 0) {
      throw new UsageError(`write needs an address and the bytes in hex (got ${positionals.join(" ") || "nothing"})`);
    }
    const address = parseAddress(addressText);
    const bytes = parseHexBytes(hex);
    checkRange(address, bytes.length);
    const opened = openMemory(openInventory(context, logLevelFrom(values)), chain, "write");
    try {
      opened.memory.write(address, bytes);
    } finally {
      opened.close();
    }
    printer(context, { quiet: values.quiet === true }).success(
      `wrote ${bytes.length} bytes at ${formatAddress(address)} (${opened.label})`,
    );
    return ExitCode.ok;
  },
};
