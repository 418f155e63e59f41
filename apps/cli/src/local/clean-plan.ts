/**
 * What `plugins clean` deletes, worked out before anything is deleted (memflowup's plugins.rs
 * `remove_orphaned_plugins` + `remove_old_plugin_versions`, with its defects fixed):
 *
 * 1. plugin files whose `.meta` names another digest (with the `.meta`); a `.meta` that cannot be
 *    read costs its plugin nothing (memflowup deletes the library): the `.meta` goes only with
 *    `removeDamagedMeta`, and the plugin file stays either way;
 * 2. plugin files without a `.meta` only with `includeUnmanaged`: memflowup deletes them always,
 *    which takes plugins copied in by hand;
 * 3. `.meta` files whose plugin file is missing, and files an interrupted install left;
 * 4. older versions: every managed file that is not the newest for any of its plugins, a plugin
 *    being a kind and a name (memflowup deletes a file when any one of its plugins has a newer
 *    version, taking the others along, and takes a connector and an OS of one name for one plugin).
 */
import { type Dirent, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { TEMPORARY_SUFFIX } from "@memflow-ts/core/install";
import { type HostPlatform, metaPathFor, pluginExtension } from "@memflow-ts/core/plugin-files";
import { errnoCode, fileFailure } from "../failure.ts";
import { type LocalPlugin, localPlugins, readLocalMeta } from "./local-plugins.ts";
import { sha256File } from "./sha256.ts";

export interface Removal {
  /** What is deleted, the plugin file first. */
  readonly paths: readonly string[];
  /** memflowup's wording: `orphaned plugin`, `plugin`, … */
  readonly what: string;
  readonly reason: string;
  /** Whether it counts in "removed N plugins". */
  readonly isPlugin: boolean;
}

export interface DamagedMeta {
  readonly pluginPath: string;
  readonly metaPath: string;
  /** Why the `.meta` cannot be read. */
  readonly reason: string;
}

export interface CleanPlan {
  readonly removals: Removal[];
  /** Plugin files without a `.meta`, left alone. */
  readonly keptUnmanaged: string[];
  /** Plugin files kept although their `.meta` cannot be read; the `.meta` is in `removals` when asked for. */
  readonly damagedMeta: DamagedMeta[];
}

export interface CleanOptions {
  /** Delete plugin files without a `.meta` too (memflowup's behaviour). */
  readonly includeUnmanaged: boolean;
  /** Delete `.meta` files that cannot be read (never their plugin file). */
  readonly removeDamagedMeta: boolean;
}

function digestOf(path: string): string | undefined {
  try {
    return sha256File(path);
  } catch (error) {
    if (errnoCode(error) === undefined) throw error;
    return undefined;
  }
}

export function planClean(directory: string, platform: HostPlatform, options: CleanOptions): CleanPlan {
  let entries: Dirent[];
  try {
    entries = readdirSync(directory, { withFileTypes: true });
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return { removals: [], keptUnmanaged: [], damagedMeta: [] };
    throw fileFailure("read the plugin folder", directory, error);
  }
  const extension = `.${pluginExtension(platform)}`;
  const files = entries
    .filter((entry) => !entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const removals: Removal[] = [];
  const keptUnmanaged: string[] = [];
  const damagedMeta: DamagedMeta[] = [];
  const gone = new Set<string>();
  const remove = (removal: Removal) => {
    removals.push(removal);
    for (const path of removal.paths) gone.add(path);
  };

  for (const name of files) {
    const path = join(directory, name);
    if (name.endsWith(TEMPORARY_SUFFIX)) {
      remove({ paths: [path], what: "partial file", reason: "left by an interrupted install", isPlugin: false });
      continue;
    }
    if (!name.endsWith(extension)) continue;
    const metaPath = metaPathFor(path);
    if (!existsSync(metaPath)) {
      if (options.includeUnmanaged)
        remove({ paths: [path], what: "orphaned plugin", reason: ".meta file missing", isPlugin: true });
      else keptUnmanaged.push(path);
      continue;
    }
    const meta = readLocalMeta(metaPath);
    if (typeof meta === "string") {
      damagedMeta.push({ pluginPath: path, metaPath, reason: meta });
      const reason = `${meta}; kept the plugin ${JSON.stringify(path)}`;
      if (options.removeDamagedMeta) remove({ paths: [metaPath], what: "damaged .meta", reason, isPlugin: false });
    } else if (digestOf(path) !== meta.digest) {
      remove({
        paths: [path, metaPath],
        what: "orphaned plugin",
        reason: "checksum mismatch in .meta file",
        isPlugin: true,
      });
    }
  }

  for (const name of files) {
    const metaPath = join(directory, name);
    if (!name.endsWith(".meta") || gone.has(metaPath)) continue;
    const pluginPath = join(directory, `${name.slice(0, -".meta".length)}${extension}`);
    if (!existsSync(pluginPath)) {
      remove({ paths: [metaPath], what: "orphaned .meta", reason: "its plugin file is missing", isPlugin: true });
    }
  }

  const managed = localPlugins(directory, platform).plugins.filter(
    (plugin) => plugin.fileExists && !gone.has(plugin.pluginPath) && !gone.has(plugin.metaPath),
  );
  // A plugin is its kind and name: the dummy connector and the dummy OS are two plugins, each
  // newest in its own file (memflowup compares names only and would delete the older of them).
  const pluginKey = (plugin: LocalPlugin) => `${plugin.descriptor.plugin_kind} ${plugin.descriptor.name}`;
  const newest = new Map<string, string>();
  for (const plugin of managed) if (!newest.has(pluginKey(plugin))) newest.set(pluginKey(plugin), plugin.pluginPath);
  const keep = new Set(newest.values());
  for (const plugin of managed) {
    if (keep.has(plugin.pluginPath) || gone.has(plugin.pluginPath)) continue;
    const reason = `an older ${plugin.descriptor.name} ${plugin.descriptor.version}; kept ${newest.get(pluginKey(plugin))}`;
    remove({ paths: [plugin.pluginPath, plugin.metaPath], what: "plugin", reason, isPlugin: true });
  }
  return { removals, keptUnmanaged, damagedMeta };
}
