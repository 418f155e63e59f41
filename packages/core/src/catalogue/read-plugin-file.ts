/**
 * One plugin file as the catalogue sees it: its real path, its `.meta`, its creation time and
 * the descriptors this host can use, read statically (no plugin code runs). memflow's
 * `add_file`, except that every descriptor is checked (memflow checks only the first) and a
 * plugin on a filesystem without birth times is kept, ordered by its modification time.
 */
import { type BigIntStats, existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { basename } from "node:path";
import type { PluginDescriptorInfo } from "@memflow-ts/analyzer";
import { MemflowError } from "../error.ts";
import { createdAtFromNanoseconds } from "../plugin-files/created-at.ts";
import { metaPathFor, type PluginMetadataReading, parsePluginMetadata } from "../plugin-files/plugin-metadata.ts";
import {
  type Host,
  hostLabel,
  MEMFLOW_PLUGIN_VERSION,
  sameArchitecture,
  targetLabel,
} from "../plugin-files/plugin-target.ts";
import { analyzeFile, isAnalyzeError } from "./analyze-file.ts";
import { type DescriptorCache, descriptorCacheKey } from "./descriptor-cache.ts";
import type { PluginEntry, RejectedPlugin } from "./plugin-entry.ts";

/** What a directory listing already tells about a file, so that reading it need not ask again. */
export interface KnownAboutFile {
  /** Its canonical path, when it is a regular file in a folder whose real path is known. */
  readonly realPath?: string | undefined;
  /** Its stats, when the listing found a regular file (not a symbolic link): what `stat` would say. */
  readonly stats?: BigIntStats | undefined;
  /**
   * The names its folder's listing held; undefined when there was none. Whether its `.meta` is
   * among them is looked up only when the file is read: a file passed over never is.
   */
  readonly listing?: ReadonlySet<string>;
}

export interface ReadContext {
  readonly host: Host;
  readonly descriptorCache: DescriptorCache | undefined;
}

export interface PluginFile {
  readonly entry: PluginEntry;
  /** Descriptors of the file this host cannot use, each with the reason. */
  readonly refused: readonly RejectedPlugin[];
}

function cannotRead(what: string, cause: unknown): MemflowError {
  return new MemflowError("Inventory", "UnableToReadFile", `unable to read ${what}: ${(cause as Error).message}`, {
    cause,
  });
}

/** The canonical path of `path`; throws (Inventory, UnableToReadFile). */
export function realPathOf(path: string): string {
  try {
    return realpathSync(path);
  } catch (cause) {
    throw cannotRead(`plugin file ${path}`, cause);
  }
}

function statOf(path: string) {
  try {
    return statSync(path, { bigint: true });
  } catch (cause) {
    throw cannotRead(`plugin file ${path} metadata`, cause);
  }
}

/** The `.meta` at `metaPath`; undefined when there is none. */
function readMeta(metaPath: string): PluginMetadataReading | undefined {
  let text: string;
  try {
    text = readFileSync(metaPath, "utf8");
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw cannotRead(`plugin metadata ${metaPath}`, cause);
  }
  return parsePluginMetadata(text, metaPath);
}

/** The file's descriptors, from the cache when it knows the file's current contents. */
function descriptorsOf(path: string, cacheKey: string | undefined, cache: DescriptorCache | undefined) {
  try {
    const cached = cacheKey === undefined ? undefined : cache?.get(cacheKey);
    if (cached !== undefined) return cached;
    const found = analyzeFile(path);
    if (cacheKey !== undefined) cache?.set(cacheKey, found);
    return found;
  } catch (cause) {
    if (isAnalyzeError(cause)) {
      throw new MemflowError(
        "Inventory",
        "UnableToReadFile",
        `unable to parse descriptors in plugin file ${path}: ${cause.kind}: ${cause.message}`,
        { cause },
      );
    }
    throw cannotRead(`plugin file ${path}`, cause);
  }
}

/** Why the host cannot use a descriptor, or undefined when it can. */
function descriptorProblem(path: string, descriptor: PluginDescriptorInfo, host: Host): MemflowError | undefined {
  if (descriptor.file_type !== host.fileType || !sameArchitecture(descriptor.architecture, host.architecture)) {
    return new MemflowError(
      "Inventory",
      "InvalidArchitecture",
      `plugin with incompatible architecture found ${path} (${descriptor.export_name} was built for ` +
        `${targetLabel(descriptor)}, this host needs ${hostLabel(host)})`,
    );
  }
  if (descriptor.plugin_version !== MEMFLOW_PLUGIN_VERSION) {
    return new MemflowError(
      "Inventory",
      "VersionMismatch",
      `plugin with incompatible version found ${path} (expected version ${MEMFLOW_PLUGIN_VERSION} but ` +
        `${descriptor.export_name} had version ${descriptor.plugin_version})`,
    );
  }
  return undefined;
}

/**
 * Reads one plugin file. Throws a MemflowError saying why when the file cannot be used at all:
 * unreadable, not a regular file, a broken `.meta`, no descriptor, or no descriptor for this host.
 */
export function readPluginFile(path: string, known: KnownAboutFile, context: ReadContext): PluginFile {
  const realPath = known.realPath ?? realPathOf(path);
  const stats = known.stats ?? statOf(path);
  if (!stats.isFile()) throw new MemflowError("Inventory", "UnableToReadFile", `${path} is not a regular file`);

  const metaPath = metaPathFor(path);
  // A listed `.meta` is read straight away (a dangling link reads as absent); without a
  // listing, existsSync asks first.
  const listed = known.listing === undefined ? existsSync(metaPath) : known.listing.has(basename(metaPath));
  const meta = listed ? readMeta(metaPath) : undefined;
  // Assigned, not destructured from a pair: array destructuring iterates, a cold call per file.
  let createdAt = meta?.createdAt;
  let createdAtSource: PluginEntry["createdAtSource"] = "meta";
  if (createdAt === undefined) {
    const fromBirth = stats.birthtimeNs > 0n;
    createdAt = createdAtFromNanoseconds(fromBirth ? stats.birthtimeNs : stats.mtimeNs);
    createdAtSource = fromBirth ? "birthtime" : "mtime";
  }

  const cacheKey = context.descriptorCache && descriptorCacheKey(realPath, stats);
  const found = descriptorsOf(path, cacheKey, context.descriptorCache);
  if (found.length === 0) {
    throw new MemflowError("Inventory", "InvalidExeFile", `no plugin descriptor found in plugin file ${path}`);
  }
  const accepted: PluginDescriptorInfo[] = [];
  const refused: RejectedPlugin[] = [];
  for (const descriptor of found) {
    const problem = descriptorProblem(path, descriptor, context.host);
    if (problem) refused.push({ path, exportName: descriptor.export_name, error: problem });
    else accepted.push(descriptor);
  }
  // Every descriptor refused: the file is refused, for the first descriptor's reason.
  if (accepted.length === 0) throw refused[0]?.error ?? new MemflowError("Inventory", "InvalidExeFile", path);
  return {
    entry: { origin: "file", path, realPath, createdAt, createdAtSource, meta: meta?.fields, descriptors: accepted },
    refused,
  };
}
