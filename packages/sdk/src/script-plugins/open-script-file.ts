/**
 * A TypeScript plugin file (`*.memflow.ts`, decision 0014) opened in this process: an Inventory
 * that imported it, serving it this SDK's own `@memflow-ts/core` and `@memflow-ts/sdk` as the
 * CLI does, so a file copied into a plugin folder (no node_modules beside it) is checked exactly
 * as it will run. Importing runs the file's top level: callers that must survive a file that
 * throws or hangs there do this in a child process (script-file-child.ts, the checks' child).
 */
import { join, resolve } from "node:path";
import type { PluginDescriptorInfo } from "@memflow-ts/analyzer";
import * as core from "@memflow-ts/core";
import { Inventory, type ScriptPluginOptions } from "@memflow-ts/core";
import { SCRIPT_PLUGIN_SUFFIX } from "@memflow-ts/core/plugin-files";

/** The SDK's entry, loaded by file when a plugin imports it (the SDK's index imports this file). */
const SDK_INDEX = join(import.meta.dir, "..", "index.ts");

/**
 * The SDK itself. A single-file executable has no file to load it by: there the bundler put the
 * SDK inside and resolved its name at build time.
 */
function loadSdk(): object {
  if (Bun.isStandaloneExecutable) return require("@memflow-ts/sdk");
  return require(SDK_INDEX);
}

export const SCRIPT_MODULES: ScriptPluginOptions = {
  modules: { "@memflow-ts/core": () => core, "@memflow-ts/sdk": loadSdk },
};

/** Whether `path` names a TypeScript plugin file rather than a plugin library. */
export function isScriptPluginFile(path: string): boolean {
  return path.endsWith(SCRIPT_PLUGIN_SUFFIX);
}

export interface OpenedScriptFile {
  readonly inventory: Inventory;
  /** The descriptors of the definitions the file exports, in export order. */
  readonly descriptors: PluginDescriptorInfo[];
}

/**
 * Imports the file into a new Inventory. Throws (Inventory, UnableToLoadLibrary) when it cannot
 * be imported, (Inventory, MemflowExportsNotFound) when it exports no definition.
 */
export function openScriptPluginFile(path: string): OpenedScriptFile {
  const file = resolve(path);
  const inventory = Inventory.empty({ scripts: SCRIPT_MODULES }).addScriptFile(file);
  const descriptors = inventory
    .plugins()
    .filter((entry) => entry.realPath === file)
    .flatMap((entry) => entry.descriptors);
  return { inventory, descriptors };
}
