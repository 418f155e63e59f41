/**
 * `memflow-ts list [--rejected] [--json] [--quiet]`: the plugins memflow's scan finds, one row a
 * descriptor, grouped by kind and name; within a name the first row is the file memflow uses
 * (the newest). `--rejected` adds every file or descriptor the scan skipped and why. TypeScript
 * plugin files (`*.memflow.ts`) of the folders commands load them from follow, from their file
 * names alone: list imports no plugin (decision 0014).
 */
import { resolve } from "node:path";
import type { PluginDescriptorInfo } from "@memflow-ts/analyzer";
import type { PluginCatalogue, PluginEntry, RejectedPlugin } from "@memflow-ts/core/catalogue";
import { printable, targetLabel } from "@memflow-ts/core/plugin-files";
import { type Command, parseFlags, UsageError } from "../command.ts";
import { plural } from "../inventory/describe.ts";
import { LISTING_FLAGS } from "../inventory/listing-flags.ts";
import { scanCatalogue } from "../inventory/scan-context.ts";
import { type CliContext, ExitCode } from "../io.ts";
import { type ScriptPluginFile, scriptPluginFilesIn } from "../local/script-plugin-files.ts";
import { formatTable, printer } from "../output.ts";

const USAGE = `Usage: memflow-ts list [--rejected] [--json] [--quiet]

Lists the plugins memflow finds: the user plugin directory (~/.local/lib/memflow), each
MEMFLOW_PLUGIN_PATH directory, then the working directory. For each name the first row is the
plugin memflow uses (the newest file). TypeScript plugin files (<name>.memflow.ts; not from the
working directory, where commands never load them) follow with ARCH typescript: listed by file
name without running them, so their kind and version show as -.

Options:
  --rejected   also list every file the scan skipped, and why
  --json       print JSON: { plugins, typescript, directories[, rejected] }
  -q, --quiet  only the rows: no header and no summary
`;

interface Row {
  readonly entry: PluginEntry;
  readonly descriptor: PluginDescriptorInfo;
  /** True for the row memflow picks for this kind and name. */
  readonly selected: boolean;
}

/**
 * One row a descriptor, by kind and name; inventory order (newest first) within a name. Rows are
 * grouped by kind and name and only the groups' keys are sorted, natively: this runs once a
 * process, cold, where a comparator would be called some 1,500 times for 200 plugins. A row
 * whose kind and name are the previous row's joins its group without a lookup: a key made and
 * hashed a row cost more than the rest of the loop.
 */
function rows(inventory: PluginCatalogue): Row[] {
  const groups = new Map<string, Row[]>();
  let last: PluginDescriptorInfo | undefined;
  let lastGroup: Row[] = [];
  const entries = inventory.plugins();
  for (let index = 0; index < entries.length; index += 1) {
    const entry = entries[index] as PluginEntry;
    for (let at = 0; at < entry.descriptors.length; at += 1) {
      const descriptor = entry.descriptors[at] as PluginDescriptorInfo;
      if (last !== undefined && descriptor.name === last.name && descriptor.plugin_kind === last.plugin_kind) {
        lastGroup.push({ entry, descriptor, selected: false });
      } else {
        const key = `${descriptor.plugin_kind}\u0000${descriptor.name}`;
        const group = groups.get(key);
        if (group === undefined) {
          lastGroup = [{ entry, descriptor, selected: true }];
          groups.set(key, lastGroup);
        } else {
          lastGroup = group;
          group.push({ entry, descriptor, selected: false });
        }
      }
      last = descriptor;
    }
  }
  const table: Row[] = [];
  for (const key of [...groups.keys()].sort()) table.push(...(groups.get(key) ?? []));
  return table;
}

function rowJson({ entry, descriptor, selected }: Row) {
  return {
    name: descriptor.name,
    plugin_kind: descriptor.plugin_kind,
    version: descriptor.version,
    plugin_version: descriptor.plugin_version,
    file_type: descriptor.file_type,
    architecture: descriptor.architecture,
    export_name: descriptor.export_name,
    description: descriptor.description,
    path: entry.path,
    created_at: entry.createdAt.text,
    digest: entry.meta?.digest ?? null,
    selected,
  };
}

/**
 * The TypeScript plugin files commands load: those of the scanned folders that could be read,
 * except the working directory (Inventory.loadScriptPlugins' rule), found among the names the
 * scan listed rather than by listing each folder again.
 */
function scriptFiles(inventory: PluginCatalogue, context: CliContext): ScriptPluginFile[] {
  const found: ScriptPluginFile[] = [];
  const cwd = resolve(context.cwd);
  for (const directory of inventory.directories()) {
    if (directory.names === undefined || resolve(directory.path) === cwd) continue;
    found.push(...scriptPluginFilesIn(directory.path, directory.names));
  }
  return found;
}

function rejectedJson(rejected: RejectedPlugin) {
  return {
    path: rejected.path,
    ...(rejected.exportName !== undefined && { export_name: rejected.exportName }),
    error: { origin: rejected.error.origin, kind: rejected.error.kind, message: rejected.error.message },
  };
}

/** Plain loops below: this runs once a process, cold, where a callback a row is a cold call a row. */
function printText(
  context: CliContext,
  inventory: PluginCatalogue,
  table: Row[],
  scripts: ScriptPluginFile[],
  withRejected: boolean,
  quiet: boolean,
) {
  const out = printer(context, { quiet });
  const rejected = inventory.rejected();
  if (table.length === 0 && scripts.length === 0) {
    const searched = inventory.directories().map((directory) => directory.path);
    out.info(`no plugins found in ${searched.join(", ")}`);
    out.line("    Install one with 'memflow-ts pull <name>', or set MEMFLOW_PLUGIN_PATH to a directory with plugins.");
  } else {
    const cells: string[][] = [];
    for (const { entry, descriptor, selected } of table) {
      cells.push([
        selected ? descriptor.name : `${descriptor.name}*`,
        descriptor.plugin_kind,
        descriptor.version,
        String(descriptor.plugin_version),
        targetLabel(descriptor),
        entry.path,
      ]);
    }
    for (const script of scripts) cells.push([script.name, "-", "-", "-", "typescript", script.path]);
    const header = quiet ? [] : [["NAME", "KIND", "VERSION", "ABI", "ARCH", "PATH"]];
    context.stdout.write(formatTable([16, 10, 12, 4, 12], [...header, ...cells]));
    if (table.some((row) => !row.selected)) {
      out.line(`* shadowed by a newer file with the same name; memflow uses the first. 'memflow-ts doctor' explains.`);
    }
  }
  if (withRejected && rejected.length > 0) {
    out.line();
    out.line("Skipped:");
    // A file's name and why it was skipped come from the plugin folder and the file.
    for (const entry of rejected) {
      context.stdout.write(`  ${printable(`${entry.path}${entry.exportName ? ` (${entry.exportName})` : ""}`)}\n`);
      context.stdout.write(`      ${printable(entry.error.message)}\n`);
    }
  }
  const paths = new Set<string>();
  for (const row of table) paths.add(row.entry.path);
  const files = paths.size;
  const skipped = new Set(rejected.map((entry) => entry.path)).size;
  const typescript = scripts.length === 0 ? "" : ` and ${plural(scripts.length, "TypeScript plugin file")}`;
  const summary = `${plural(table.length, "plugin")} in ${plural(files, "file")}${typescript}`;
  if (skipped === 0) out.line(`${summary}.`);
  else
    out.line(
      `${summary}; ${plural(skipped, "file")} skipped${withRejected ? "" : " ('memflow-ts list --rejected' says why)"}.`,
    );
}

export const listCommand: Command = {
  usage: USAGE,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, { rejected: { type: "boolean" }, ...LISTING_FLAGS });
    if (positionals.length > 0) throw new UsageError(`list takes no arguments (got ${positionals.join(" ")})`);
    const inventory = scanCatalogue(context);
    const table = rows(inventory);
    const scripts = scriptFiles(inventory, context);
    if (values.json) {
      printer(context).json({
        plugins: table.map(rowJson),
        typescript: scripts.map(({ name, path, digest, createdAt }) => ({ name, path, digest, created_at: createdAt })),
        directories: inventory
          .directories()
          .map((directory) => ({ path: directory.path, ...(directory.error && { error: directory.error.message }) })),
        ...(values.rejected && { rejected: inventory.rejected().map(rejectedJson) }),
      });
    } else {
      printText(context, inventory, table, scripts, values.rejected === true, values.quiet === true);
    }
    return ExitCode.ok;
  },
};
