/**
 * `checkOsDefinition(definition, options)`: the OS-plugin checks against an OS layer written in
 * TypeScript (a `defineOs` definition), in this process: a TypeScript layer cannot crash the
 * process as a native library can, so it needs no child (plugin files keep `checkOsPluginFile`).
 * The definition is registered in an inventory of its own beside the input connector's folders,
 * and checked over that connector exactly as a plugin file is.
 */
import { Inventory, type OsDefinition } from "@memflow-ts/core";
import { bundledPluginDirectory } from "../bundled-plugins.ts";
import { type CheckOsPluginOptions, DEFAULT_INPUT_CONNECTOR } from "./check-os-plugin.ts";
import type { OsCheckContext } from "./os-check-context.ts";
import { OS_CHECKS } from "./os-checks.ts";
import type { CheckReport } from "./run-checks.ts";

export type CheckOsDefinitionOptions = Omit<CheckOsPluginOptions, "name" | "timeout">;

/** Every OS check against `definition`; never throws for a bad definition. */
export function checkOsDefinition(definition: OsDefinition, options: CheckOsDefinitionOptions = {}): CheckReport[] {
  const connectorDirectories = options.connectorDirectories ?? [bundledPluginDirectory("dummy")];
  const inventory = Inventory.empty();
  for (const directory of connectorDirectories) inventory.addDir(directory);
  inventory.register(definition);
  const context: OsCheckContext = {
    name: definition.name,
    connector: options.connector ?? DEFAULT_INPUT_CONNECTOR,
    connectorDirectories,
    sampleArgs: options.sampleArgs ?? [],
    cycles: options.cycles ?? 50,
    inventory,
    descriptors: inventory
      .plugins()
      .flatMap((entry) => entry.descriptors)
      .filter((descriptor) => descriptor.plugin_kind === "os" && descriptor.name === definition.name),
  };
  const skip = new Set(options.skip ?? []);
  return OS_CHECKS.filter((check) => !skip.has(check.id)).map((check) => {
    let outcome: { ok: boolean; message: string };
    try {
      outcome = check.run(context);
    } catch (error) {
      outcome = { ok: false, message: `threw ${String(error)}` };
    }
    return { id: check.id, title: check.title, ...outcome };
  });
}
