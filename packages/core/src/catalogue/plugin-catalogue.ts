/**
 * memflow's plugin Inventory as a list (inventory.rs, minus loading): the plugin files found in
 * the search directories, each with its descriptors, newest first. Building it reads
 * descriptors statically and runs no plugin code, so it is what listing commands use; the
 * Inventory adds starting plugins on top. Unlike memflow it lists the same file once however
 * it is reached, orders ties deterministically, and keeps a record of every file it skipped and
 * why.
 */
import { type BigIntStats, lstatSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { basename, join } from "node:path";
import type { PluginKind } from "@memflow-ts/analyzer";
import { MemflowError } from "../error.ts";
import { parsePluginName, tagMatches } from "../plugin-files/plugin-name.ts";
import { pluginNameOfFile, pluginSearchPaths } from "../plugin-files/plugin-paths.ts";
import { type Host, hostFor, hostPlatform, pluginExtension } from "../plugin-files/plugin-target.ts";
import { type DescriptorCache, descriptorCacheKey } from "./descriptor-cache.ts";
import { newestFirst } from "./newest-first.ts";
import type { PluginEntry, PluginMatch, RejectedPlugin, SearchedDirectory } from "./plugin-entry.ts";
import { type KnownAboutFile, type ReadContext, readPluginFile, realPathOf } from "./read-plugin-file.ts";
import { canPassOver, holdsNoneWanted, type WantedName, type WantedPlugin, wantedNames } from "./wanted-plugins.ts";

export interface CatalogueOptions {
  /** The platform and architecture plugins must be built for (default: this process's). */
  readonly host?: Host;
  /** Descriptors analysed by earlier scans, to skip analysing unchanged files (default: none). */
  readonly descriptorCache?: DescriptorCache;
  /**
   * The plugins a caller will look up (a chain's): with a descriptor cache, files it knows hold
   * none of them are passed over until something needs the whole catalogue (wanted-plugins.ts).
   */
  readonly wanted?: readonly WantedPlugin[];
}

export interface ScanOptions {
  readonly home?: string;
  readonly cwd?: string;
  /** `MEMFLOW_PLUGIN_PATH` (default: from the environment). */
  readonly pluginPathVariable?: string | undefined;
}

/**
 * The process's home, for callers that name none. node:os is loaded only then: importing it costs
 * a listing more than a millisecond of start-up, and the CLI always passes its HOME.
 */
function defaultHome(): string {
  return (require("node:os") as typeof import("node:os")).homedir();
}

/** A listed file's lstat: exact times for the cache key, and undefined when it is gone. Made once. */
const LSTAT_OPTIONS = { bigint: true, throwIfNoEntry: false } as const;

/** What `join(folder, name)` puts before a plain file name: the joined folder and its separator ("" for "."). */
function folderPrefix(folder: string): string {
  return join(folder, "_").slice(0, -1);
}

function realPathOrUndefined(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

export class PluginCatalogue {
  readonly host: Host;
  /** Registered TypeScript plugins, the last registered first: they come before every file. */
  readonly #builtins: PluginEntry[] = [];
  /** Plugin files in the order they were added; `#entries()` orders them. */
  readonly #files: PluginEntry[] = [];
  /** Builtins then files newest first, made when asked for after a change. */
  #ordered: readonly PluginEntry[] | undefined;
  readonly #byRealPath = new Map<string, PluginEntry>();
  readonly #rejected: RejectedPlugin[] = [];
  readonly #directories: SearchedDirectory[] = [];
  readonly #digests = new Map<string, string>();
  readonly #descriptorCache: DescriptorCache | undefined;
  /** What reading a file needs of the catalogue: made once, not once a file. */
  readonly #readContext: ReadContext;
  #wanted: readonly WantedPlugin[] | undefined;
  /** `#wanted`'s names without tags, while it is set. */
  #wantedNames: readonly WantedName[] | undefined;
  /** Files passed over as holding no wanted plugin, read when the whole catalogue is needed. */
  readonly #passedOver: { path: string; known: KnownAboutFile }[] = [];

  constructor(options: CatalogueOptions = {}) {
    this.host = options.host ?? hostFor(hostPlatform(process.platform), process.arch);
    this.#descriptorCache = options.descriptorCache;
    this.#readContext = { host: this.host, descriptorCache: options.descriptorCache };
    this.#wanted = options.wanted;
    this.#wantedNames = options.wanted && wantedNames(options.wanted);
  }

  /**
   * memflow's `Inventory::scan`: the user plugin directory, each `MEMFLOW_PLUGIN_PATH` entry,
   * then the working directory. Directories that cannot be read are noted in `directories()`;
   * nothing is created.
   */
  static scan(options: CatalogueOptions & ScanOptions = {}): PluginCatalogue {
    return new PluginCatalogue(options).scanSearchPaths(options);
  }

  /** memflow's `Inventory::scan_path`: one directory, which must be readable. */
  static scanPath(directory: string, options: CatalogueOptions = {}): PluginCatalogue {
    return new PluginCatalogue(options).addDir(directory);
  }

  /** Adds every directory memflow's scan visits; see `scan`. */
  scanSearchPaths(options: ScanOptions = {}): this {
    const directories = pluginSearchPaths({
      platform: this.host.platform,
      home: options.home ?? defaultHome(),
      pluginPathVariable:
        "pluginPathVariable" in options ? options.pluginPathVariable : process.env.MEMFLOW_PLUGIN_PATH,
      cwd: options.cwd ?? process.cwd(),
    });
    for (const directory of directories) {
      try {
        this.addDir(directory);
      } catch (error) {
        if (!(error instanceof MemflowError)) throw error;
      }
    }
    return this;
  }

  /** Adds every plugin file in `directory` (not recursive). Throws (Inventory, UnableToReadDir) if it cannot be read. */
  addDir(directory: string): this {
    let names: string[];
    try {
      // In name order, sorted natively: a comparator would be called cold some 3,500 times for a
      // folder of 200 plugins and their `.meta` files. Names only: a listing with file types
      // builds an object per name in JavaScript, and the lstat below is made anyway.
      names = readdirSync(directory).sort();
    } catch (cause) {
      const error = new MemflowError(
        "Inventory",
        "UnableToReadDir",
        `unable to read plugin directory ${directory}: ${(cause as Error).message}`,
        { cause },
      );
      this.#directories.push({ path: directory, error });
      throw error;
    }
    this.#directories.push({ path: directory, names });
    const extension = `.${pluginExtension(this.host.platform)}`;
    const listed = new Set(names);
    // Resolved once: a regular file's real path is then the folder's plus its name, which saves a
    // realpath per file (each one an lstat per path component). Symbolic links resolve alone.
    const realDirectory = realPathOrUndefined(directory);
    // `join(folder, name)` for a name from the listing (no separator, never `.` or `..`) is the
    // joined folder's prefix plus the name: one native join per folder instead of two per file.
    const prefix = folderPrefix(directory);
    const realPrefix = realDirectory === undefined ? undefined : folderPrefix(realDirectory);
    // With wanted names, a regular file is passed over right here (wanted-plugins.ts): its key
    // made and its descriptors looked up in this loop, with no call a file but the lstat, the
    // key and the cache's. A scan runs this cold for every file of the folder (decision 0007).
    const wanted = this.#wantedNames;
    const cache = wanted === undefined ? undefined : this.#descriptorCache;
    for (const name of names) {
      if (!name.endsWith(extension)) continue;
      const path = prefix + name;
      // A regular file's lstat is its stat: the one stat a plugin file needs. Anything else
      // (a link, a folder, a file gone) is stat'ed again when it is read, which says what it is.
      let stats = realPrefix === undefined ? undefined : lstatSync(path, LSTAT_OPTIONS);
      if (stats !== undefined && !stats.isFile()) stats = undefined;
      const realPath = stats === undefined || realPrefix === undefined ? undefined : realPrefix + name;
      const known: KnownAboutFile = { realPath, stats, listing: listed };
      try {
        if (realPath === undefined || cache === undefined || wanted === undefined) this.#addRecording(path, known);
        else if (holdsNoneWanted(cache.get(descriptorCacheKey(realPath, stats as BigIntStats)), wanted))
          this.#passedOver.push({ path, known });
        else this.#add(path, known);
      } catch (error) {
        if (!(error instanceof MemflowError)) throw error;
      }
    }
    return this;
  }

  /**
   * Adds one plugin file. Throws a MemflowError saying why when the file cannot be used (it is
   * also recorded in `rejected()`); a file already in the catalogue is recorded and skipped.
   */
  addFile(path: string): this {
    this.#addRecording(path, {});
    return this;
  }

  #addRecording(path: string, known: KnownAboutFile): void {
    // Without wanted names nothing is passed over: asked here, not in a method call a file.
    if (this.#wantedNames !== undefined && this.#passOver(path, known)) {
      this.#passedOver.push({ path, known });
      return;
    }
    this.#add(path, known);
  }

  /** Reads the file into the catalogue (a file not passed over); see `#addRecording`. */
  #add(path: string, known: KnownAboutFile): void {
    try {
      const realPath = known.realPath ?? realPathOf(path);
      const existing = this.#byRealPath.get(realPath);
      if (existing) {
        throw new MemflowError(
          "Inventory",
          "AlreadyExists",
          `${path} is the same file as ${existing.path}, already in the inventory`,
        );
      }
      // No spreads: this runs for every plugin file once a process, cold.
      const { entry, refused } = readPluginFile(
        path,
        known.realPath === realPath ? known : { realPath, stats: known.stats, listing: known.listing },
        this.#readContext,
      );
      for (let index = 0; index < refused.length; index += 1) this.#rejected.push(refused[index] as RejectedPlugin);
      this.#byRealPath.set(realPath, entry);
      this.#files.push(entry);
      this.#ordered = undefined;
    } catch (error) {
      if (error instanceof MemflowError) this.#rejected.push({ path, error });
      throw error;
    }
  }

  #passOver(path: string, known: KnownAboutFile): boolean {
    if (this.#wantedNames === undefined || this.#descriptorCache === undefined) return false;
    let realPath: string;
    try {
      realPath = known.realPath ?? realPathOf(path);
    } catch {
      return false;
    }
    return canPassOver(path, realPath, this.#wantedNames, this.#descriptorCache, known.stats);
  }

  /** Reads the files passed over, so that the catalogue holds what a full scan finds. */
  #complete(): void {
    if (this.#wanted === undefined) return;
    this.#wanted = undefined;
    this.#wantedNames = undefined;
    for (const { path, known } of this.#passedOver.splice(0)) {
      try {
        // Stat'ed again: the file may have changed or gone since it was passed over.
        this.#addRecording(path, { ...known, stats: undefined });
      } catch (error) {
        if (!(error instanceof MemflowError)) throw error;
      }
    }
  }

  /**
   * Adds a plugin that is not a file (a registered TypeScript plugin) as the newest entry, so
   * it wins over files with the same name; an entry with the same path is replaced.
   */
  addBuiltin(entry: PluginEntry): this {
    const index = this.#builtins.findIndex((other) => other.path === entry.path);
    if (index >= 0) this.#builtins.splice(index, 1);
    this.#builtins.unshift(entry);
    this.#ordered = undefined;
    return this;
  }

  /** Records a plugin that could not be used but is not a plugin file (a TypeScript plugin file that fails to import). */
  addRejected(rejected: RejectedPlugin): this {
    this.#rejected.push(rejected);
    return this;
  }

  /** Every entry: builtins, then files newest first (sorted once after a change, not on each insert). */
  #entries(): readonly PluginEntry[] {
    this.#ordered ??=
      this.#builtins.length === 0 ? newestFirst(this.#files) : [...this.#builtins, ...newestFirst(this.#files)];
    return this.#ordered;
  }

  /** Every accepted plugin, newest first. */
  plugins(): readonly PluginEntry[] {
    this.#complete();
    return this.#entries();
  }

  /** Every file or descriptor that was skipped, with the error that says why. */
  rejected(): readonly RejectedPlugin[] {
    this.#complete();
    return this.#rejected;
  }

  /** The directories searched, in order, with the reason any could not be read. */
  directories(): readonly SearchedDirectory[] {
    return this.#directories;
  }

  #names(kind: PluginKind): string[] {
    this.#complete();
    const names = this.#entries().flatMap((entry) =>
      entry.descriptors.filter((descriptor) => descriptor.plugin_kind === kind).map((descriptor) => descriptor.name),
    );
    return [...new Set(names)];
  }

  /** Connector names, newest plugin first, each once. */
  availableConnectors(): string[] {
    return this.#names("connector");
  }

  availableOs(): string[] {
    return this.#names("os");
  }

  /**
   * The skipped files and descriptors that may have been the plugin `name` of `kind`: a refused
   * descriptor with that export name, or a file refused as a whole (a damaged `.meta`, say) whose
   * file name carries that plugin name (`libmemflow_<name>_<digest7>`).
   */
  rejectedCandidates(kind: PluginKind, name: string): RejectedPlugin[] {
    this.#complete();
    const exportName = `MEMFLOW_${kind === "connector" ? "CONNECTOR" : "OS"}_${name.toUpperCase()}`;
    return this.#rejected.filter((rejected) =>
      rejected.exportName === undefined
        ? pluginNameOfFile(basename(rejected.path), this.host.platform) === name
        : rejected.exportName === exportName,
    );
  }

  /**
   * The plugin a name selects: the newest entry with a descriptor of that kind and exact name,
   * narrowed by a tag (`qemu:0.2.1` version, `qemu:ff2adb1` digest prefix; `latest` = none).
   * Throws (Inventory, PluginNotFound) naming the plugins there are, and the files skipped that
   * may have been the one asked for, with why.
   */
  find(kind: PluginKind, nameWithTag: string): PluginMatch {
    // Only a wanted name can be looked up before every file is read (a passed-over file may hold
    // another name); a wanted name not found among the files read is looked up in all of them.
    const { name } = parsePluginName(nameWithTag);
    if (!this.#wanted?.some((wanted) => wanted.kind === kind && parsePluginName(wanted.name).name === name))
      this.#complete();
    let found = this.#match(kind, nameWithTag);
    if (!found && this.#wanted) {
      this.#complete();
      found = this.#match(kind, nameWithTag);
    }
    if (found) return found;
    const available = kind === "connector" ? this.availableConnectors() : this.availableOs();
    const skipped = this.rejectedCandidates(kind, name).map(
      (rejected) => `; skipped: ${rejected.path} (${rejected.error.detail ?? rejected.error.message})`,
    );
    throw new MemflowError(
      "Inventory",
      "PluginNotFound",
      `no ${kind === "connector" ? "connector" : "os"} plugin named ${nameWithTag}` +
        (available.length > 0 ? ` (available: ${available.join(", ")})` : " (no plugins of that kind were found)") +
        skipped.join(""),
    );
  }

  #match(kind: PluginKind, nameWithTag: string): PluginMatch | undefined {
    const { name, tag } = parsePluginName(nameWithTag);
    for (const entry of this.#entries()) {
      for (const descriptor of entry.descriptors) {
        if (descriptor.plugin_kind !== kind || descriptor.name !== name) continue;
        const needsDigest = tag !== undefined && tag !== descriptor.version;
        if (tagMatches(tag, descriptor.version, needsDigest ? this.#digest(entry) : undefined))
          return { entry, descriptor };
      }
    }
    return undefined;
  }

  /** The file's sha256: from `.meta` when present, else computed once. */
  #digest(entry: PluginEntry): string | undefined {
    if (entry.meta?.digest) return entry.meta.digest;
    if (entry.origin !== "file") return undefined;
    let digest = this.#digests.get(entry.realPath);
    if (digest === undefined) {
      try {
        digest = new Bun.CryptoHasher("sha256").update(readFileSync(entry.path)).digest("hex");
      } catch {
        return undefined;
      }
      this.#digests.set(entry.realPath, digest);
    }
    return digest;
  }
}
