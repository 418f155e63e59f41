/**
 * Plugins written in TypeScript, on disk (docs/decisions/0014): a file named `*.memflow.ts` in a
 * plugin folder, whose named exports are `defineConnector`/`defineOs` definitions. Loading one
 * imports it (Bun imports TypeScript synchronously), so its top level runs: it should only
 * define. The modules it imports from memflow-ts (`@memflow-ts/core`, `@memflow-ts/sdk`) can be
 * the host program's own copies, so that its errors and definitions are the host's classes,
 * without a node_modules folder beside the plugin.
 */
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { plugin } from "bun";
import { MemflowError } from "../error.ts";
import type { ScriptDefinition } from "../script/script-host.ts";

/** The file convention: `<anything>.memflow.ts`. */
export const SCRIPT_PLUGIN_SUFFIX = ".memflow.ts";

export interface ScriptPluginOptions {
  /**
   * Modules plugin files may import, by specifier, each the host's own copy, asked for when a
   * plugin first imports it (`{ "@memflow-ts/core": () => core }`). Other specifiers resolve
   * from the plugin file's folder as usual.
   */
  readonly modules?: Readonly<Record<string, () => object>>;
}

/** The specifiers provided so far, and by what: Bun's virtual modules are process-wide. */
const provided = new Map<string, () => object>();

function provide(modules: Readonly<Record<string, () => object>>): void {
  const missing = Object.entries(modules).filter(([specifier, load]) => provided.get(specifier) !== load);
  if (missing.length === 0) return;
  plugin({
    name: "memflow-ts script plugins",
    setup(build) {
      for (const [specifier, load] of missing) {
        provided.set(specifier, load);
        build.module(specifier, () => ({ exports: { ...load() }, loader: "object" }));
      }
    },
  });
}

/** The plugin files in `directory`, in name order; none when it cannot be read. */
export function scriptPluginFiles(directory: string): string[] {
  try {
    return readdirSync(directory, { withFileTypes: true })
      .filter((entry) => entry.name.endsWith(SCRIPT_PLUGIN_SUFFIX) && !entry.isDirectory())
      .map((entry) => join(directory, entry.name))
      .sort();
  } catch {
    return [];
  }
}

function isDefinition(value: unknown): value is ScriptDefinition {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.name === "string" &&
    typeof candidate.version === "string" &&
    typeof candidate.description === "string" &&
    typeof candidate.create === "function"
  );
}

/**
 * Imports a plugin file and returns the definitions it exports. Throws (Inventory,
 * UnableToLoadLibrary) when it cannot be imported, (Inventory, MemflowExportsNotFound) when it
 * exports no definition.
 */
export function loadScriptPlugin(path: string, options: ScriptPluginOptions = {}): ScriptDefinition[] {
  if (options.modules) provide(options.modules);
  let exports: Record<string, unknown>;
  try {
    exports = require(resolve(path));
  } catch (cause) {
    throw new MemflowError("Inventory", "UnableToLoadLibrary", `unable to import ${path}: ${String(cause)}`, {
      cause,
    });
  }
  const definitions = Object.values(exports).filter(isDefinition);
  if (definitions.length === 0) {
    throw new MemflowError(
      "Inventory",
      "MemflowExportsNotFound",
      `${path} exports no plugin definition (defineConnector or defineOs)`,
    );
  }
  return definitions;
}
