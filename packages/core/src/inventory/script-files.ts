/**
 * Plugins written in TypeScript, on disk (docs/decisions/0014): a file named `*.memflow.ts` in a
 * plugin folder, whose named exports are `defineConnector`/`defineOs` definitions. Loading one
 * imports it (Bun imports TypeScript synchronously), so its top level runs: it should only
 * define. The modules it imports from memflow-ts (`@memflow-ts/core`, `@memflow-ts/sdk`) can be
 * the host program's own copies, so that its errors and definitions are the host's classes,
 * without a node_modules folder beside the plugin.
 */
import { lstatSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { plugin } from "bun";
import { MemflowError } from "../error.ts";
import { SCRIPT_PLUGIN_SUFFIX } from "../plugin-files/plugin-paths.ts";
import type { ScriptDefinition } from "../script/script-host.ts";

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

/**
 * The plugin files in `directory`, in name order; none when it cannot be read. `listing` is its
 * names when the caller listed it already (the catalogue has, in the same scan); otherwise it is
 * listed here. Only a match is stat'ed (as a listing's file type would say, a link is not a
 * directory): file types would build an object per name, cold, for some 400 names (decision 0007).
 */
export function scriptPluginFiles(directory: string, listing?: readonly string[]): string[] {
  let names: readonly string[];
  try {
    names = listing ?? readdirSync(directory);
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const name of names) {
    if (!name.endsWith(SCRIPT_PLUGIN_SUFFIX)) continue;
    const path = join(directory, name);
    if (lstatSync(path, { throwIfNoEntry: false })?.isDirectory() !== true) files.push(path);
  }
  return files.sort();
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
 * Why an import failed, in one line: Bun reports a syntax error as an AggregateError of build
 * messages, whose own text ("2 errors building …") names no line; each message has one.
 */
function importProblem(cause: unknown): string {
  if (!(cause instanceof AggregateError)) return String(cause);
  const first = cause.errors[0] as { message?: unknown; position?: { line?: unknown; column?: unknown } } | undefined;
  if (first === undefined || typeof first.message !== "string") return String(cause);
  const where = first.position ? ` (line ${String(first.position.line)}, column ${String(first.position.column)})` : "";
  return `${first.message}${where}`;
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
    throw new MemflowError("Inventory", "UnableToLoadLibrary", `unable to import ${path}: ${importProblem(cause)}`, {
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
