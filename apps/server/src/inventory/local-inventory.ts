/**
 * The plugin inventory of the machine the server runs on, as `doctor` shows it: what was
 * accepted, what was rejected and why, and which folders were searched. Scanning reads
 * descriptors only; no plugin code runs in the server process.
 */
import { Inventory, type InventoryOptions } from "@memflow-ts/core";

export interface InventorySource {
  /** Folders to scan; absent means memflow's search path (MEMFLOW_PLUGIN_PATH, ~/.local/lib/memflow, …). */
  pluginDirectories?: readonly string[] | undefined;
}

/** The Inventory of `source`; `options` reach the plugin host (a session worker's log sink). */
export function openInventory(source: InventorySource, options: InventoryOptions = {}): Inventory {
  if (source.pluginDirectories === undefined) return Inventory.scan(options);
  const inventory = Inventory.empty(options);
  for (const directory of source.pluginDirectories) inventory.addDir(directory);
  return inventory;
}

export interface InventoryReport {
  plugins: {
    name: string;
    kind: string;
    version: string;
    description: string;
    plugin_version: number;
    path: string;
    created_at: string;
  }[];
  rejected: { path: string; export_name: string | null; reason: string }[];
  directories: { path: string; error: string | null }[];
}

export function describeInventory(source: InventorySource): InventoryReport {
  const inventory = openInventory(source);
  return {
    plugins: inventory.plugins().flatMap((entry) =>
      entry.descriptors.map((descriptor) => ({
        name: descriptor.name,
        kind: descriptor.plugin_kind,
        version: descriptor.version,
        description: descriptor.description,
        plugin_version: descriptor.plugin_version,
        path: entry.path,
        created_at: entry.createdAt.text,
      })),
    ),
    rejected: inventory.rejected().map((rejected) => ({
      path: rejected.path,
      export_name: rejected.exportName ?? null,
      reason: rejected.error.message,
    })),
    directories: inventory.directories().map((directory) => ({
      path: directory.path,
      error: directory.error?.message ?? null,
    })),
  };
}
