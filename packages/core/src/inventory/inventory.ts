/**
 * memflow's plugin Inventory (inventory.rs): the plugin files found in the search directories,
 * each with its descriptors, newest first. Scanning reads descriptors statically and runs no
 * plugin code. Unlike memflow it checks every descriptor (not just the first), lists the same
 * file once however it is reached, orders ties deterministically, keeps plugins on filesystems
 * without birth times, and keeps a record of every file it skipped and why.
 */
import { type Dirent, existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { PluginDescriptorInfo, PluginKind } from "@memflow-ts/analyzer";
import { type ConnectorArgs, type OsArgs, parseConnectorArgs, parseOsArgs } from "../args/connector-args.ts";
import type { Connector } from "../connector.ts";
import { MemflowError } from "../error.ts";
import type { NativePluginHost, NativePluginHostOptions } from "../ffi/native-host.ts";
import type { Os } from "../ffi/os.ts";
import type { LevelFilter, LogSink } from "../ffi/plugin-logger.ts";
import { type HostPlatform, pluginExtension, pluginSearchPaths } from "../plugin-paths.ts";
import type { ConnectorDefinition } from "../script/connector-definition.ts";
import { ScriptConnector } from "../script/script-connector.ts";
import { BuilderEmpty } from "./builder.ts";
import { type CreatedAt, createdAtFromNanoseconds } from "./created-at.ts";
import { type DescriptorCache, descriptorCacheKey } from "./descriptor-cache.ts";
import { describeTarget, type Host, hostFor, MEMFLOW_PLUGIN_VERSION, sameArchitecture } from "./host.ts";
import { metaPathFor, type PluginMeta, parsePluginMeta } from "./plugin-meta.ts";
import { parsePluginName, tagMatches } from "./plugin-name.ts";

export interface PluginEntry {
  /** `file` for a plugin library; `builtin` for a TypeScript connector given to `register`. */
  readonly origin: "file" | "builtin";
  /** The path it was found at (`builtin:<name>` for a registered connector). */
  readonly path: string;
  /** Symlinks and `..` resolved: the identity of the file. */
  readonly realPath: string;
  readonly createdAt: CreatedAt;
  /** Where `createdAt` came from: the `.meta` sidecar, else the file's birth or modification time. */
  readonly createdAtSource: "meta" | "birthtime" | "mtime";
  readonly meta: PluginMeta | undefined;
  /** The descriptors this host can use; others are in `rejected()`. */
  readonly descriptors: readonly PluginDescriptorInfo[];
}

export interface RejectedPlugin {
  readonly path: string;
  /** Set when one descriptor of an otherwise usable file was refused. */
  readonly exportName?: string;
  readonly error: MemflowError;
}

export interface SearchedDirectory {
  readonly path: string;
  /** Why it could not be read (commonly: it does not exist). */
  readonly error?: MemflowError;
}

export interface InventoryOptions {
  /** The platform and architecture plugins must be built for (default: this process's). */
  readonly host?: Host;
  /** Where warnings go (a plugin whose ABI cannot be checked, for instance); default: nowhere. */
  readonly warn?: (message: string) => void;
  /** Receives plugins' log records (default: plugins get no logger). */
  readonly log?: LogSink;
  /** The most verbose plugin log level passed on (default "info"). */
  readonly logLevel?: LevelFilter;
  /** Loads plugins and calls into them (default: a NativePluginHost with the options above). */
  readonly pluginHost?: NativePluginHost;
  /** Descriptors analysed by earlier scans, to skip analysing unchanged files (default: none). */
  readonly descriptorCache?: DescriptorCache;
}

export interface ScanOptions extends InventoryOptions {
  readonly home?: string;
  readonly cwd?: string;
  /** `MEMFLOW_PLUGIN_PATH` (default: from the environment). */
  readonly pluginPathVariable?: string | undefined;
}

/**
 * The analyzer is loaded on the first file the descriptor cache does not know: a scan answered
 * from a warm cache never parses a file, and skips loading the parser (decision 0007).
 */
function analyzeFile(path: string): PluginDescriptorInfo[] {
  const { analyzeFileSync } = require("@memflow-ts/analyzer/fs") as typeof import("@memflow-ts/analyzer/fs");
  return analyzeFileSync(path);
}

function isAnalyzeError(error: unknown): error is import("@memflow-ts/analyzer").AnalyzeError {
  const { AnalyzeError } = require("@memflow-ts/analyzer") as typeof import("@memflow-ts/analyzer");
  return error instanceof AnalyzeError;
}

function currentPlatform(): HostPlatform {
  return process.platform === "win32" || process.platform === "darwin" ? process.platform : "linux";
}

/** A found plugin with a matching descriptor. */
export interface PluginMatch {
  readonly entry: PluginEntry;
  readonly descriptor: PluginDescriptorInfo;
}

export class Inventory {
  readonly host: Host;
  readonly #entries: PluginEntry[] = [];
  readonly #byRealPath = new Map<string, PluginEntry>();
  readonly #rejected: RejectedPlugin[] = [];
  readonly #directories: SearchedDirectory[] = [];
  readonly #digests = new Map<string, string>();
  #pluginHost: NativePluginHost | undefined;
  #hostOptions: NativePluginHostOptions;
  readonly #builtins = new Map<string, ConnectorDefinition>();
  readonly #descriptorCache: DescriptorCache | undefined;

  protected constructor(options: InventoryOptions = {}) {
    this.#descriptorCache = options.descriptorCache;
    this.host = options.host ?? hostFor(currentPlatform(), process.arch);
    this.#pluginHost = options.pluginHost;
    this.#hostOptions = {
      ...(options.warn && { warn: options.warn }),
      ...(options.log && { log: options.log }),
      ...(options.logLevel && { logLevel: options.logLevel }),
    };
  }

  /**
   * The plugin host, made when a native plugin is first used. Importing bun:ffi costs ~8 ms, so
   * scans and listings, which never load a plugin, do not pay for it (decision 0007).
   */
  #host(): NativePluginHost {
    if (this.#pluginHost === undefined) {
      const { NativePluginHost: Host } = require("../ffi/native-host.ts") as typeof import("../ffi/native-host.ts");
      this.#pluginHost = new Host(this.#hostOptions);
    }
    return this.#pluginHost;
  }

  static empty(options: InventoryOptions = {}): Inventory {
    return new Inventory(options);
  }

  /**
   * memflow's `Inventory::scan`: the user plugin directory, each `MEMFLOW_PLUGIN_PATH` entry,
   * then the working directory. Directories that cannot be read are noted in `directories()`;
   * nothing is created.
   */
  static scan(options: ScanOptions = {}): Inventory {
    const inventory = new Inventory(options);
    const directories = pluginSearchPaths({
      platform: inventory.host.platform,
      home: options.home ?? homedir(),
      pluginPathVariable:
        "pluginPathVariable" in options ? options.pluginPathVariable : process.env.MEMFLOW_PLUGIN_PATH,
      cwd: options.cwd ?? process.cwd(),
    });
    for (const directory of directories) {
      try {
        inventory.addDir(directory);
      } catch (error) {
        if (!(error instanceof MemflowError)) throw error;
      }
    }
    return inventory;
  }

  /** memflow's `Inventory::scan_path`: one directory, which must be readable. */
  static scanPath(directory: string, options: InventoryOptions = {}): Inventory {
    return new Inventory(options).addDir(directory);
  }

  /** Adds every plugin file in `directory` (not recursive). Throws (Inventory, UnableToReadDir) if it cannot be read. */
  addDir(directory: string): this {
    let entries: Dirent[];
    try {
      entries = readdirSync(directory, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
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
    this.#directories.push({ path: directory });
    const extension = `.${pluginExtension(this.host.platform)}`;
    const names = new Set(entries.map((entry) => entry.name));
    // Resolved once: a regular file's real path is then the folder's plus its name, which saves a
    // realpath per file (each one an lstat per path component). Symbolic links resolve alone.
    const realDirectory = realPathOrUndefined(directory);
    for (const entry of entries) {
      if (!entry.name.endsWith(extension)) continue;
      const path = join(directory, entry.name);
      try {
        this.#addRecording(path, {
          realPath: realDirectory !== undefined && entry.isFile() ? join(realDirectory, entry.name) : undefined,
          metaListed: names.has(metaPathFor(entry.name)),
        });
      } catch (error) {
        if (!(error instanceof MemflowError)) throw error;
      }
    }
    return this;
  }

  /**
   * Adds one plugin file. Throws a MemflowError saying why when the file cannot be used (it is
   * also recorded in `rejected()`); a file already in the inventory is recorded and skipped.
   */
  addFile(path: string): this {
    this.#addRecording(path, {});
    return this;
  }

  #addRecording(path: string, known: KnownAboutFile): void {
    try {
      this.#add(path, known);
    } catch (error) {
      if (error instanceof MemflowError) this.#rejected.push({ path, error });
      throw error;
    }
  }

  #add(path: string, known: KnownAboutFile): void {
    const realPath = known.realPath ?? resolve(path);
    const existing = this.#byRealPath.get(realPath);
    if (existing) {
      throw new MemflowError(
        "Inventory",
        "AlreadyExists",
        `${path} is the same file as ${existing.path}, already in the inventory`,
      );
    }
    const stats = statOf(path);
    if (!stats.isFile()) throw new MemflowError("Inventory", "UnableToReadFile", `${path} is not a regular file`);

    const metaPath = metaPathFor(path);
    // A listed `.meta` is read straight away (a dangling link reads as absent); without a
    // listing, existsSync asks first.
    const meta =
      known.metaListed === true || (known.metaListed === undefined && existsSync(metaPath))
        ? readMeta(metaPath)
        : undefined;
    const [createdAt, createdAtSource] = meta?.createdAt
      ? [meta.createdAt, "meta" as const]
      : stats.birthtimeNs > 0n
        ? [createdAtFromNanoseconds(stats.birthtimeNs), "birthtime" as const]
        : [createdAtFromNanoseconds(stats.mtimeNs), "mtime" as const];

    const cacheKey = this.#descriptorCache && descriptorCacheKey(realPath, stats);
    let found: PluginDescriptorInfo[];
    try {
      const cached = cacheKey === undefined ? undefined : this.#descriptorCache?.get(cacheKey);
      found = cached ?? analyzeFile(path);
      if (cacheKey !== undefined && cached === undefined) this.#descriptorCache?.set(cacheKey, found);
    } catch (cause) {
      if (isAnalyzeError(cause)) {
        throw new MemflowError(
          "Inventory",
          "UnableToReadFile",
          `unable to parse descriptors in plugin file ${path}: ${cause.kind}: ${cause.message}`,
          { cause },
        );
      }
      throw new MemflowError(
        "Inventory",
        "UnableToReadFile",
        `unable to read plugin file ${path}: ${(cause as Error).message}`,
        { cause },
      );
    }
    if (found.length === 0) {
      throw new MemflowError("Inventory", "InvalidExeFile", `no plugin descriptor found in plugin file ${path}`);
    }

    const accepted: PluginDescriptorInfo[] = [];
    const refused: RejectedPlugin[] = [];
    for (const descriptor of found) {
      const problem = this.#checkDescriptor(path, descriptor);
      if (problem) refused.push({ path, exportName: descriptor.export_name, error: problem });
      else accepted.push(descriptor);
    }
    if (accepted.length === 0) {
      // Every descriptor refused: the file is refused, for the first descriptor's reason.
      throw refused[0]?.error ?? new MemflowError("Inventory", "InvalidExeFile", path);
    }
    this.#rejected.push(...refused);
    const entry: PluginEntry = {
      origin: "file",
      path,
      realPath,
      createdAt,
      createdAtSource,
      meta,
      descriptors: accepted,
    };
    this.#byRealPath.set(realPath, entry);
    this.#insertSorted(entry);
  }

  #checkDescriptor(path: string, descriptor: PluginDescriptorInfo): MemflowError | undefined {
    if (
      descriptor.file_type !== this.host.fileType ||
      !sameArchitecture(descriptor.architecture, this.host.architecture)
    ) {
      return new MemflowError(
        "Inventory",
        "InvalidArchitecture",
        `plugin with incompatible architecture found ${path} (${descriptor.export_name} was built for ` +
          `${describeTarget(descriptor.file_type, descriptor.architecture)}, this host needs ` +
          `${describeTarget(this.host.fileType, this.host.architecture)})`,
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
   * Makes a TypeScript connector available by its name, like a plugin file: to
   * `instantiateConnector`, the builder and chains, `availableConnectors()` and `plugins()`
   * (origin `builtin`). It is the newest entry, so it wins over files with the same name.
   * Registering a name again replaces the earlier definition.
   */
  register(definition: ConnectorDefinition): this {
    if (!/^[A-Za-z0-9_]+$/.test(definition.name)) {
      throw new MemflowError(
        "Inventory",
        "InvalidArgument",
        `connector name ${JSON.stringify(definition.name)} may only use letters, digits and _`,
      );
    }
    const path = `builtin:${definition.name}`;
    const index = this.#entries.findIndex((entry) => entry.path === path);
    if (index >= 0) this.#entries.splice(index, 1);
    this.#builtins.set(path, definition);
    const now = BigInt(Date.now()) * 1_000_000n;
    const entry: PluginEntry = {
      origin: "builtin",
      path,
      realPath: path,
      createdAt: createdAtFromNanoseconds(now),
      createdAtSource: "mtime",
      meta: undefined,
      descriptors: [
        {
          plugin_kind: "connector",
          export_name: `MEMFLOW_CONNECTOR_${definition.name.toUpperCase()}`,
          file_type: this.host.fileType,
          architecture: this.host.architecture,
          plugin_version: MEMFLOW_PLUGIN_VERSION,
          name: definition.name,
          version: definition.version,
          description: definition.description,
        },
      ],
    };
    this.#entries.unshift(entry);
    return this;
  }

  /** Newest first; equal timestamps ordered by path so the order never depends on directory listing. */
  #insertSorted(entry: PluginEntry): void {
    const before = (a: PluginEntry, b: PluginEntry) =>
      a.createdAt.nanoseconds !== b.createdAt.nanoseconds
        ? a.createdAt.nanoseconds > b.createdAt.nanoseconds
        : a.path < b.path;
    const index = this.#entries.findIndex((other) => before(entry, other));
    if (index < 0) this.#entries.push(entry);
    else this.#entries.splice(index, 0, entry);
  }

  /** Every accepted plugin file, newest first, and whether it has been loaded yet. */
  plugins(): readonly (PluginEntry & { readonly loaded: boolean })[] {
    return this.#entries.map((entry) => ({ ...entry, loaded: this.isLoaded(entry) }));
  }

  /** Every file or descriptor that was skipped, with the error that says why. */
  rejected(): readonly RejectedPlugin[] {
    return this.#rejected;
  }

  /** The directories searched, in order, with the reason any could not be read. */
  directories(): readonly SearchedDirectory[] {
    return this.#directories;
  }

  #names(kind: PluginKind): string[] {
    const names = this.#entries.flatMap((entry) =>
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
   * The plugin a name selects: the newest file with a descriptor of that kind and exact name,
   * narrowed by a tag (`qemu:0.2.1` version, `qemu:ff2adb1` digest prefix; `latest` = none).
   */
  find(kind: PluginKind, nameWithTag: string): PluginMatch {
    const { name, tag } = parsePluginName(nameWithTag);
    for (const entry of this.#entries) {
      for (const descriptor of entry.descriptors) {
        if (descriptor.plugin_kind !== kind || descriptor.name !== name) continue;
        const needsDigest = tag !== undefined && tag !== descriptor.version;
        if (tagMatches(tag, descriptor.version, needsDigest ? this.#digest(entry) : undefined))
          return { entry, descriptor };
      }
    }
    const available = kind === "connector" ? this.availableConnectors() : this.availableOs();
    throw new MemflowError(
      "Inventory",
      "PluginNotFound",
      `no ${kind === "connector" ? "connector" : "os"} plugin named ${nameWithTag}` +
        (available.length > 0 ? ` (available: ${available.join(", ")})` : " (no plugins of that kind were found)"),
    );
  }

  /** Whether the plugin file has been loaded (it happens on first use, never during a scan). */
  isLoaded(entry: PluginEntry): boolean {
    return entry.origin === "builtin" || (this.#pluginHost?.isLoaded(entry.path) ?? false);
  }

  #location(kind: PluginKind, name: string) {
    const { entry, descriptor } = this.find(kind, name);
    return { path: entry.path, exportName: descriptor.export_name, kind };
  }

  /**
   * Starts a connector (memflow's `instantiate_connector`). `args` may be a `ConnectorArgs` or its
   * string form; `input`, an OS the connector runs on, is moved into the plugin.
   */
  instantiateConnector(name: string, input?: Os, args?: ConnectorArgs | string): Connector {
    const parsed = typeof args === "string" ? parseConnectorArgs(args) : args;
    const location = this.#location("connector", name);
    const builtin = this.#builtins.get(location.path);
    if (builtin) {
      // A TypeScript connector takes no OS input; like memflow's connectors, it drops one given.
      input?.close();
      return ScriptConnector.create(builtin, parsed);
    }
    return this.#host().instantiateConnector(location, input, parsed);
  }

  /** Starts an OS plugin; `input`, the connector it reads memory through, is moved into the plugin. */
  instantiateOs(name: string, input?: Connector, args?: OsArgs | string): Os {
    const parsed = typeof args === "string" ? parseOsArgs(args) : args;
    return this.#host().instantiateOs(this.#location("os", name), input, parsed);
  }

  connectorHelp(name: string): string {
    const location = this.#location("connector", name);
    const builtin = this.#builtins.get(location.path);
    if (!builtin) return this.#host().help(location);
    if (builtin.help === undefined) {
      throw new MemflowError("Connector", "NotSupported", `Connector \`${builtin.name}\` does not support help text.`);
    }
    return builtin.help;
  }

  osHelp(name: string): string {
    return this.#host().help(this.#location("os", name));
  }

  connectorTargetList(name: string): string[] {
    const location = this.#location("connector", name);
    const builtin = this.#builtins.get(location.path);
    if (!builtin) return this.#host().targetList(location);
    if (!builtin.targets) {
      throw new MemflowError(
        "Connector",
        "NotSupported",
        `Connector \`${builtin.name}\` does not support target listing.`,
      );
    }
    return builtin.targets();
  }

  /** memflow's `set_max_log_level`: the level of plugin log records, changed in every loaded plugin too. */
  setMaxLogLevel(level: LevelFilter): void {
    if (this.#pluginHost === undefined) this.#hostOptions = { ...this.#hostOptions, logLevel: level };
    else this.#pluginHost.setMaxLogLevel(level);
  }

  /** Delivers plugin log records queued so far. */
  flushLogs(): void {
    this.#pluginHost?.flushLogs();
  }

  /** A builder for connector/OS chains: `inventory.builder().connector("qemu").os("win32").build()`. */
  builder(): BuilderEmpty {
    return new BuilderEmpty(this);
  }

  /** The file's sha256: from `.meta` when present, else computed once. */
  #digest(entry: PluginEntry): string | undefined {
    if (entry.meta?.digest) return entry.meta.digest;
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

/** What a directory listing already tells about a file, so that adding it need not ask again. */
interface KnownAboutFile {
  /** Its canonical path, when it is a regular file in a folder whose real path is known. */
  readonly realPath?: string | undefined;
  /** Whether the listing holds its `.meta` name; undefined when there was no listing. */
  readonly metaListed?: boolean;
}

function realPathOrUndefined(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

function resolve(path: string): string {
  try {
    return realpathSync(path);
  } catch (cause) {
    throw new MemflowError(
      "Inventory",
      "UnableToReadFile",
      `unable to read plugin file ${path}: ${(cause as Error).message}`,
      { cause },
    );
  }
}

function statOf(path: string) {
  try {
    return statSync(path, { bigint: true });
  } catch (cause) {
    throw new MemflowError(
      "Inventory",
      "UnableToReadFile",
      `unable to read plugin file ${path} metadata: ${(cause as Error).message}`,
      { cause },
    );
  }
}

/** The `.meta` at `metaPath`; undefined when there is none. */
function readMeta(metaPath: string): PluginMeta | undefined {
  let text: string;
  try {
    text = readFileSync(metaPath, "utf8");
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new MemflowError(
      "Inventory",
      "UnableToReadFile",
      `unable to read plugin metadata ${metaPath}: ${(cause as Error).message}`,
      { cause },
    );
  }
  return parsePluginMeta(text, metaPath);
}
