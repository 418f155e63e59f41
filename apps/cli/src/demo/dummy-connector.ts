/**
 * A dummy connector for the demo and the setup wizard: the SDK's C dummy built with the system
 * compiler and loaded like any installed plugin, or, on a machine without a C compiler, the
 * TypeScript dummy registered in the inventory, so the walk-through works anywhere.
 */
import { type Connector, Inventory } from "@memflow-ts/core/inventory";
import { BuildError, bundledPluginDirectory, dummyConnector } from "@memflow-ts/sdk";

export interface DummyConnection {
  connector: Connector;
  /** How it was made, for the reader. */
  origin: string;
  inventory: Inventory;
}

/**
 * Why a bundled C plugin was not built, in a few words for the reader: the first line of the
 * BuildError (the compiler's own output follows on lines of its own), up to its first colon.
 */
export function buildProblem(error: BuildError): string {
  return (error.message.split("\n")[0] ?? "").split(":")[0] ?? "";
}

/** Opens `dummy` with `size`; `cacheDirectory` is where the built C plugin is kept. */
export function openDummy(size: string, cacheDirectory: string | undefined): DummyConnection {
  try {
    const directory = bundledPluginDirectory("dummy", cacheDirectory);
    const inventory = Inventory.scanPath(directory);
    return {
      connector: inventory.instantiateConnector("dummy", undefined, `:size=${size}`),
      origin: `the SDK's C dummy connector, built with the system compiler into ${directory}`,
      inventory,
    };
  } catch (error) {
    if (!(error instanceof BuildError)) throw error;
    const inventory = Inventory.empty().register(dummyConnector);
    return {
      connector: inventory.instantiateConnector("dummy", undefined, `:size=${size}`),
      origin: `the TypeScript dummy connector (${buildProblem(error)})`,
      inventory,
    };
  }
}
