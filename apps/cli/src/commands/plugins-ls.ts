/**
 * `memflow-ts plugins ls`: the plugins memflowup manages in the user plugin folder, one line per
 * descriptor in memflowup's columns and order, then the TypeScript plugin files installed there
 * (`<name>.memflow.ts`, ARCH `typescript`; shown from the file, never imported, so without kind or
 * version). Asides on stderr name `.meta` files whose plugin file is missing and `.meta` files
 * that do not parse (memflowup skips both silently).
 */
import { descriptorInSerdeOrder, targetLabel, userPluginDirectory } from "@memflow-ts/core/plugin-files";
import { type Command, parseFlags, UsageError } from "../command.ts";
import { JSON_FLAG, QUIET_FLAG } from "../common-flags.ts";
import { withErrorContext } from "../failure.ts";
import { ExitCode } from "../io.ts";
import { createdLabel, note, shortDigest, VERSION_COLUMNS } from "../listing.ts";
import { type LocalPlugin, localPlugins } from "../local/local-plugins.ts";
import { type ScriptPluginFile, scriptPluginFilesIn } from "../local/script-plugin-files.ts";
import { formatTable, printer } from "../output.ts";

const USAGE = `Usage: memflow-ts plugins ls [<name>] [options]

Lists the installed plugins (those with a .meta) of the user plugin folder, newest first per name,
then its TypeScript plugin files (<name>.memflow.ts, ARCH typescript). Those are not imported to
be listed, so their VERSION and ABI show as -; 'memflow-ts plugin test <file>' names what they hold.

Options:
      --wide     add DIGEST_LONG, CREATED and PATH
      --json     print JSON instead of a table
  -q, --quiet    print only the table and failures`;

function row(plugin: LocalPlugin, wide: boolean): string[] {
  const base = [
    plugin.descriptor.name,
    plugin.descriptor.version,
    targetLabel(plugin.descriptor),
    String(plugin.descriptor.plugin_version),
    shortDigest(plugin.digest),
  ];
  return wide ? [...base, plugin.digest, createdLabel(plugin.createdAt.text), JSON.stringify(plugin.pluginPath)] : base;
}

/** A TypeScript plugin file's row: its name, file and digest, nothing that needs its code run. */
function scriptRow(plugin: ScriptPluginFile, wide: boolean): string[] {
  const base = [plugin.name, "-", "typescript", "-", shortDigest(plugin.digest)];
  return wide ? [...base, plugin.digest, createdLabel(plugin.createdAt), JSON.stringify(plugin.path)] : base;
}

/** `descriptor: null` and `language`: a TypeScript file's descriptor is known only by importing it. */
function scriptJson(plugin: ScriptPluginFile) {
  return {
    path: plugin.path,
    meta_path: null,
    file_exists: true,
    digest: plugin.digest,
    created_at: plugin.createdAt,
    descriptor: null,
    language: "typescript",
    name: plugin.name,
  };
}

function asJson(plugin: LocalPlugin) {
  return {
    path: plugin.pluginPath,
    meta_path: plugin.metaPath,
    file_exists: plugin.fileExists,
    digest: plugin.digest,
    created_at: plugin.createdAt.text,
    descriptor: descriptorInSerdeOrder(plugin.descriptor),
  };
}

export const pluginsLsCommand: Command = {
  usage: USAGE,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, {
      wide: { type: "boolean" },
      ...JSON_FLAG,
      ...QUIET_FLAG,
    });
    if (positionals.length > 1)
      throw new UsageError(`plugins ls takes at most one plugin name (got ${positionals.join(" ")})`);
    const [name] = positionals;
    const quiet = values.quiet ?? false;
    const out = printer(context, { quiet });
    const directory = userPluginDirectory(context.platform, context.home);
    // One listing of the folder for both: the TypeScript plugin files are found among its names.
    const [listing, scripts] = await withErrorContext("Unable to list the installed plugins", () => {
      const local = localPlugins(directory, context.platform);
      return [local, scriptPluginFilesIn(directory, local.names)] as const;
    });
    // Plain loops below, and no filter without a name: this runs once a process, cold, where a
    // callback a plugin is a cold call a plugin (decision 0007).
    const plugins =
      name === undefined ? listing.plugins : listing.plugins.filter((plugin) => plugin.descriptor.name === name);
    const scriptFiles = name === undefined ? scripts : scripts.filter((plugin) => plugin.name === name);
    if (values.json) {
      out.json([...plugins.map(asJson), ...scriptFiles.map(scriptJson)]);
    } else {
      const wide = values.wide ?? false;
      const header = ["NAME", "VERSION", "ARCH", "ABI", "DIGEST", ...(wide ? ["DIGEST_LONG", "CREATED", "PATH"] : [])];
      // CREATED is padded to chrono's longest form (memflowup leaves it ragged), so PATH lines up.
      const widths = wide ? [...VERSION_COLUMNS, 29] : VERSION_COLUMNS;
      const rows = [header];
      for (let index = 0; index < plugins.length; index += 1) rows.push(row(plugins[index] as LocalPlugin, wide));
      for (let index = 0; index < scriptFiles.length; index += 1)
        rows.push(scriptRow(scriptFiles[index] as ScriptPluginFile, wide));
      context.stdout.write(formatTable(widths, rows));
    }
    const missing = new Set<string>();
    for (let index = 0; index < plugins.length; index += 1) {
      const plugin = plugins[index] as LocalPlugin;
      if (!plugin.fileExists) missing.add(plugin.metaPath);
    }
    for (const metaPath of missing) {
      note(
        context.stderr,
        quiet,
        `${metaPath} describes a plugin file that is missing; memflow-ts plugins clean removes it`,
      );
    }
    for (const { path, reason } of listing.unreadable) {
      note(
        context.stderr,
        quiet,
        `${path} is not a memflowup .meta (${reason}); memflow-ts plugins clean --remove-damaged-meta removes it`,
      );
    }
    return ExitCode.ok;
  },
};
