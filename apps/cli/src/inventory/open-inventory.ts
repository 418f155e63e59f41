/**
 * The Inventory for commands that start plugins: the context's catalogue, the TypeScript plugins
 * (`*.memflow.ts`) of its plugin folders (never of the working directory; decision 0014), and
 * plugin log records printed to stderr up to the level the user asked for, control characters
 * escaped (a plugin's text is not trusted).
 */
import {
  Inventory,
  type LevelFilter,
  type PluginLogRecord,
  type ScriptPluginOptions,
  type WantedPlugin,
} from "@memflow-ts/core/inventory";
import { printable } from "@memflow-ts/core/plugin-files";
import type { CliContext } from "../io.ts";
import { colorEnabled, paint } from "../output.ts";
import { scanCatalogue } from "./scan-context.ts";

const LEVEL_COLOR = { error: "red", warn: "yellow", info: "green", debug: "cyan", trace: "dim" } as const;

/** One record as one stderr line: `[plugin WARN testmem] message (src/lib.rs:42)`. */
export function formatLogRecord(record: PluginLogRecord, color: boolean): string {
  const where = record.file === undefined ? "" : ` (${printable(record.file)}${record.line ? `:${record.line}` : ""})`;
  const label = paint(
    color,
    `[plugin ${record.level.toUpperCase()} ${printable(record.target)}]`,
    LEVEL_COLOR[record.level],
  );
  return `${label} ${printable(record.message)}${where}\n`;
}

/**
 * This program's copy of a memflow-ts package, loaded when a plugin file first imports it. From
 * sources or an installed package, by its file: once served, its name means the served module,
 * for this program too. A compiled executable has no files to resolve; there the bundler has put
 * the package inside and resolved the name at build time.
 */
function loadCore(): object {
  if (Bun.isStandaloneExecutable) return require("@memflow-ts/core");
  return require(Bun.resolveSync("@memflow-ts/core", import.meta.dir));
}

function loadSdk(): object {
  if (Bun.isStandaloneExecutable) return require("@memflow-ts/sdk");
  return require(Bun.resolveSync("@memflow-ts/sdk", import.meta.dir));
}

/**
 * What TypeScript plugin files import from memflow-ts: this program's own copies, so a plugin
 * installed in a plugin folder needs no node_modules. Core's main entry (the authoring API beside
 * the Inventory) is loaded only then; commands use its narrower `./inventory` entry.
 */
const SCRIPTS: ScriptPluginOptions = {
  modules: { "@memflow-ts/core": loadCore, "@memflow-ts/sdk": loadSdk },
};

/** `wanted`: the plugins the command's chain names, so the scan can pass over the others (scanCatalogue). */
export function openInventory(context: CliContext, logLevel: LevelFilter, wanted?: readonly WantedPlugin[]): Inventory {
  const color = colorEnabled(context.stderr, context.env);
  return new Inventory(scanCatalogue(context, wanted), {
    log: (record) => context.stderr.write(formatLogRecord(record, color)),
    logLevel,
    scripts: SCRIPTS,
  }).loadScriptPlugins(context.cwd);
}
