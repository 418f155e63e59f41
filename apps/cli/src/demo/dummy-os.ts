/**
 * The dummy OS for the demo: the SDK's native dummy OS over its C dummy connector, both built
 * with the system compiler and loaded like installed plugins, or, on a machine without a C
 * compiler, the TypeScript twins (`dummy` connector, `dummy_ts` OS: the same processes, modules
 * and bytes, native/dummy-os.md) registered in the inventory. A native OS cannot take a
 * TypeScript connector as input yet, so the chain is all native or all TypeScript.
 */
import { Inventory, type Os } from "@memflow-ts/core/inventory";
import { BuildError, bundledPluginDirectory, dummyConnector, dummyOsTs } from "@memflow-ts/sdk";
import { buildProblem } from "./dummy-connector.ts";

export interface DummyOsConnection {
  os: Os;
  /** How it was made, for the reader. */
  origin: string;
  inventory: Inventory;
}

/** What the demo asks of the dummy OS: its arguments after memflow's `name:target:args`. */
export interface DummyOsChain {
  /** The connector's size argument, memflow's size syntax (`4m`). */
  size: string;
  procs: number;
  seed: bigint;
}

function open(inventory: Inventory, os: string, chain: DummyOsChain): Os {
  const connector = inventory.instantiateConnector("dummy", undefined, `:size=${chain.size}`);
  // The OS owns its input from here on, and drops it when create fails (memflow's rule).
  return inventory.instantiateOs(os, connector, `:procs=${chain.procs},seed=${chain.seed}`);
}

/** Opens the dummy OS over a dummy connector; `cacheDirectory` is where the built C plugins are kept. */
export function openDummyOs(chain: DummyOsChain, cacheDirectory: string | undefined): DummyOsConnection {
  let inventory: Inventory;
  try {
    const connectors = bundledPluginDirectory("dummy", cacheDirectory);
    const systems = bundledPluginDirectory("dummy-os", cacheDirectory);
    inventory = Inventory.scanPath(connectors).addDir(systems);
  } catch (error) {
    if (!(error instanceof BuildError)) throw error;
    const fallback = Inventory.empty().register(dummyConnector).register(dummyOsTs);
    return {
      os: open(fallback, "dummy_ts", chain),
      origin: `the TypeScript dummy OS over the TypeScript dummy connector (${buildProblem(error)})`,
      inventory: fallback,
    };
  }
  return {
    os: open(inventory, "dummy", chain),
    origin: "the SDK's C dummy OS over its C dummy connector, built with the system compiler",
    inventory,
  };
}
