/**
 * The plugins memflowup manages in the user plugin folder (util.rs `local_plugins`,
 * `find_local_plugin`): every `*.meta` that parses, one entry per descriptor, sorted as the
 * registry sorts (name, then ABI newest first, then creation newest first). Unlike memflowup it
 * notes whether the plugin file beside the `.meta` exists, and never panics on a long tag.
 */
import { type Dirent, existsSync, readdirSync, readFileSync } from "node:fs";
import { join, sep } from "node:path";
import type { PluginDescriptorInfo } from "@memflow-ts/analyzer";
import {
  type CreatedAt,
  completePluginMetadata,
  type HostPlatform,
  isSha256Digest,
  MemflowError,
  type PluginMetadata,
  parsePluginMetadata,
  pluginExtension,
} from "@memflow-ts/core/plugin-files";
import { errnoCode, errorMessage, fileFailure } from "../failure.ts";

export interface LocalPlugin {
  readonly pluginPath: string;
  readonly metaPath: string;
  readonly digest: string;
  readonly signature: string;
  readonly createdAt: CreatedAt;
  readonly descriptor: PluginDescriptorInfo;
  /** Whether the plugin file the `.meta` describes is there. */
  readonly fileExists: boolean;
}

export interface LocalListing {
  readonly plugins: LocalPlugin[];
  /** `.meta` files that do not parse as memflowup's PluginMetadata (memflowup skips them silently). */
  readonly unreadable: { readonly path: string; readonly reason: string }[];
  /** Every name the folder held, as listed (none when it is absent). */
  readonly names: readonly string[];
}

/** The `.meta` at `metaPath`, or why it is unusable: every field memflowup's serde struct requires. */
export function readLocalMeta(metaPath: string): (PluginMetadata & { readonly createdAt: CreatedAt }) | string {
  try {
    const reading = parsePluginMetadata(readFileSync(metaPath, "utf8"), metaPath);
    const metadata = completePluginMetadata(reading, metaPath);
    if (!isSha256Digest(metadata.digest)) return "no sha256 digest";
    if (reading.createdAt === undefined) return "no created_at";
    // Fields named, not spread: a `.meta` is read by the hundred at start-up, cold.
    return {
      digest: metadata.digest,
      signature: metadata.signature,
      created_at: metadata.created_at,
      descriptors: metadata.descriptors,
      createdAt: reading.createdAt,
    };
  } catch (error) {
    if (error instanceof MemflowError) return error.message;
    if (errnoCode(error) !== undefined) return errorMessage(error);
    throw error;
  }
}

/** Every plugin with a `.meta` in `directory`; an absent folder holds none. */
export function localPlugins(directory: string, platform: HostPlatform): LocalListing {
  let entries: Dirent[];
  try {
    entries = readdirSync(directory, { withFileTypes: true });
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return { plugins: [], unreadable: [], names: [] };
    throw fileFailure("read the plugin folder", directory, error);
  }
  // The listing says which names are files; only a link needs asking whether it leads anywhere.
  // One indexed loop over the listing: it runs once a process, cold, where a callback a name
  // (four passes of filter and map did) is a cold call a name (decision 0007).
  const names = new Array<string>(entries.length);
  const files = new Set<string>();
  const links = new Set<string>();
  for (let index = 0; index < entries.length; index += 1) {
    const entry = entries[index] as Dirent;
    names[index] = entry.name;
    if (entry.isFile()) files.add(entry.name);
    else if (entry.isSymbolicLink()) links.add(entry.name);
  }
  names.sort();
  // Names of this listing need no normalising: the folder's path, joined once, and the name.
  const folder = join(directory, sep);
  const extension = pluginExtension(platform);
  const plugins: LocalPlugin[] = [];
  const unreadable: { path: string; reason: string }[] = [];
  for (let index = 0; index < names.length; index += 1) {
    const name = names[index] as string;
    if (!name.endsWith(".meta")) continue;
    const metaPath = folder + name;
    const meta = readLocalMeta(metaPath);
    if (typeof meta === "string") {
      unreadable.push({ path: metaPath, reason: meta });
      continue;
    }
    const pluginName = `${name.slice(0, -".meta".length)}.${extension}`;
    const pluginPath = folder + pluginName;
    const fileExists = files.has(pluginName) || (links.has(pluginName) && existsSync(pluginPath));
    for (let at = 0; at < meta.descriptors.length; at += 1) {
      plugins.push({
        pluginPath,
        metaPath,
        digest: meta.digest,
        signature: meta.signature,
        createdAt: meta.createdAt,
        descriptor: meta.descriptors[at] as PluginDescriptorInfo,
        fileExists,
      });
    }
  }
  plugins.sort(compareLocal);
  return { plugins, unreadable, names };
}

/** memflowup's order: name ascending, ABI descending, creation time descending. */
function compareLocal(a: LocalPlugin, b: LocalPlugin): number {
  if (a.descriptor.name !== b.descriptor.name) return a.descriptor.name < b.descriptor.name ? -1 : 1;
  if (a.descriptor.plugin_version !== b.descriptor.plugin_version) {
    return b.descriptor.plugin_version - a.descriptor.plugin_version;
  }
  if (a.createdAt.nanoseconds !== b.createdAt.nanoseconds)
    return a.createdAt.nanoseconds > b.createdAt.nanoseconds ? -1 : 1;
  return a.pluginPath < b.pluginPath ? -1 : a.pluginPath > b.pluginPath ? 1 : 0;
}
