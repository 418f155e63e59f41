/**
 * `-c <connector[:args]>` and `-o <os[:args]>` on the command line (memflow's chain syntax,
 * ordered by position), turned into what a command works on: the OS a chain ends with, or
 * physical memory to read and write (the connector a chain ends with, or the physical memory of
 * the OS it ends with).
 */
import {
  ConnectorChain,
  chainArguments,
  chainPlugins,
  type Inventory,
  MemflowError,
  type Os,
  OsChain,
  type PhysicalMemory,
  type PositionedValue,
  type WantedPlugin,
} from "@memflow-ts/core/inventory";
import { UsageError } from "../command.ts";

export interface ChainArguments {
  readonly connectors: readonly PositionedValue[];
  readonly osLayers: readonly PositionedValue[];
  /** The other arguments, for parseFlags. */
  readonly rest: readonly string[];
}

const CHAIN_FLAGS = new Set(["-c", "--connector", "-o", "--os"]);

/** A `-c`/`-o` value must start with a plugin name: `-c ''` or `-c :size=1m` names none. */
function checkNamed(values: readonly PositionedValue[], flag: "-c" | "-o"): void {
  for (const [, value] of values) {
    if (!value.startsWith(":") && value !== "") continue;
    const example = flag === "-c" ? "-c dummy::size=1m" : "-o win32";
    throw new UsageError(
      `${flag} ${JSON.stringify(value)} names no plugin: write ${flag} <name[:target[:args]]>, e.g. ${example}`,
      { hints: ["'memflow-ts list' shows the plugins found"] },
    );
  }
}

/** Takes the `-c`/`-o` values out of `args`; a flag without a value, or without a name, is a usage error. */
export function takeChainArguments(args: readonly string[]): ChainArguments {
  let positioned: ReturnType<typeof chainArguments>;
  try {
    positioned = chainArguments(args);
  } catch (error) {
    if (error instanceof MemflowError) throw new UsageError(error.detail ?? error.message);
    throw error;
  }
  checkNamed(positioned.connectors, "-c");
  checkNamed(positioned.osLayers, "-o");
  const rest: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const argument = args[index] ?? "";
    if (CHAIN_FLAGS.has(argument)) index += 1;
    else if (!argument.startsWith("--connector=") && !argument.startsWith("--os=")) rest.push(argument);
  }
  return { ...positioned, rest };
}

/** The plugins the chain names: all the scan must read before building it. */
export function wantedPlugins(chain: ChainArguments): WantedPlugin[] {
  return chainPlugins(chain.connectors, chain.osLayers);
}

export interface OpenMemory {
  /** What the memory comes from, for messages: `connector dummy`, `os win32`. */
  readonly label: string;
  readonly memory: PhysicalMemory;
  close(): void;
}

function lastPosition(values: readonly PositionedValue[]): number {
  // A loop, not reduce: a chain command runs this once, cold (decision 0007).
  let last = -1;
  for (let index = 0; index < values.length; index += 1) last = Math.max(last, (values[index] as PositionedValue)[0]);
  return last;
}

/** A usage error unless the chain names at least one plugin. */
function checkNotEmpty(chain: ChainArguments, command: string): void {
  if (chain.connectors.length === 0 && chain.osLayers.length === 0) {
    throw new UsageError(`${command} needs a connector: -c <name[:target[:args]]>, e.g. -c dummy::size=1m`);
  }
}

/**
 * Builds a chain that ends with an OS (`-c dummy -o dummy`) and returns the OS. A chain that
 * ends with a connector is a usage error: processes and modules come from an OS.
 */
export function openOs(inventory: Inventory, chain: ChainArguments, command: string): Os {
  checkNotEmpty(chain, command);
  if (lastPosition(chain.connectors) > lastPosition(chain.osLayers)) {
    throw new UsageError(
      `${command} needs a chain that ends with an OS: add -o <name[:target[:args]]>, e.g. -o dummy`,
      {
        hints: ["'memflow-ts list' shows the OS plugins found"],
      },
    );
  }
  return inventory.builder().osChain(OsChain.fromArgs(chain.connectors, chain.osLayers)).build();
}

/** Builds the chain and opens the physical memory at its end. */
export function openMemory(inventory: Inventory, chain: ChainArguments, command: string): OpenMemory {
  checkNotEmpty(chain, command);
  if (lastPosition(chain.connectors) > lastPosition(chain.osLayers)) {
    const connector = inventory
      .builder()
      .connectorChain(ConnectorChain.fromArgs(chain.connectors, chain.osLayers))
      .build();
    return { label: `connector ${connector.name}`, memory: connector, close: () => connector.close() };
  }
  const os = openOs(inventory, chain, command);
  const memory = os.physicalMemory();
  const label = `os ${os.name}`;
  if (memory === undefined) {
    os.close();
    throw new MemflowError(
      "OsLayer",
      "UnsupportedOptionalFeature",
      `${label} does not expose physical memory; end the chain with a connector instead`,
    );
  }
  return { label, memory, close: () => os.close() };
}
