/**
 * memflow's plugin Inventory: the catalogue of plugins found (files, and TypeScript plugins
 * registered by name) and the hosts that start them. It finds a plugin in the catalogue and asks
 * the host for its kind of plugin: files go to the native host, registered definitions to the
 * script host (docs/decisions/0009). Scanning never loads a plugin; the first use does. The script
 * host (and the TypeScript connector and OS layer it runs) is loaded when the first TypeScript
 * plugin is registered: a chain of plugin files never needs it, and it is a third of the modules
 * a command that starts a plugin would otherwise load (decision 0007, "the OS path").
 */
import { resolve } from "node:path";
import type { PluginKind } from "@memflow-ts/analyzer";
import { type ConnectorArgs, type OsArgs, parseConnectorArgs, parseOsArgs } from "../args/connector-args.ts";
import { type CatalogueOptions, PluginCatalogue, type ScanOptions } from "../catalogue/plugin-catalogue.ts";
import type { PluginEntry, PluginMatch, RejectedPlugin, SearchedDirectory } from "../catalogue/plugin-entry.ts";
import { MemflowError } from "../error.ts";
import { createNativePluginHost } from "../ffi/native-host.ts";
import type { Connector } from "../plugin/connector.ts";
import type { Os } from "../plugin/os.ts";
import type { PluginHost, PluginHostOptions, PluginLocation } from "../plugin/plugin-host.ts";
import type { LevelFilter } from "../plugin/plugin-log.ts";
import type { Host } from "../plugin-files/plugin-target.ts";
import type { ScriptDefinition, ScriptPluginHost } from "../script/script-host.ts";
import { BuilderEmpty } from "./builder.ts";
import { loadScriptPlugin, type ScriptPluginOptions, scriptPluginFiles } from "./script-files.ts";

export interface InventoryOptions extends CatalogueOptions, PluginHostOptions {
  /** Runs plugin files (default: the native host, through bun:ffi, with the options above). */
  readonly pluginHost?: PluginHost;
  /**
   * Loads TypeScript plugin files (`*.memflow.ts`, see script-files.ts) from the folders
   * scanned, as `loadScriptPlugins` and `addScripts` do; without it, only `addScriptFile` loads one.
   */
  readonly scripts?: ScriptPluginOptions;
}

export class Inventory implements Disposable {
  /** The plugins found, without starting any. */
  readonly catalogue: PluginCatalogue;
  readonly #files: PluginHost;
  /** Created with the first TypeScript plugin registered; until then no entry is `builtin`. */
  #scripts: ScriptPluginHost | undefined;
  readonly #scriptOptions: ScriptPluginOptions | undefined;

  constructor(
    catalogue: PluginCatalogue,
    options: PluginHostOptions & Pick<InventoryOptions, "pluginHost" | "scripts"> = {},
  ) {
    this.catalogue = catalogue;
    this.#files = options.pluginHost ?? createNativePluginHost(options);
    this.#scriptOptions = options.scripts;
  }

  static empty(options: InventoryOptions = {}): Inventory {
    return new Inventory(new PluginCatalogue(options), options);
  }

  /** memflow's `Inventory::scan`; see `PluginCatalogue.scan`, and `loadScriptPlugins` for TypeScript plugins. */
  static scan(options: InventoryOptions & ScanOptions = {}): Inventory {
    const inventory = new Inventory(PluginCatalogue.scan(options), options);
    return options.scripts ? inventory.loadScriptPlugins(options.cwd) : inventory;
  }

  /** memflow's `Inventory::scan_path`: one directory, which must be readable. */
  static scanPath(directory: string, options: InventoryOptions = {}): Inventory {
    const inventory = new Inventory(PluginCatalogue.scanPath(directory, options), options);
    return options.scripts ? inventory.addScripts(directory) : inventory;
  }

  /** The platform and architecture plugins must be built for. */
  get host(): Host {
    return this.catalogue.host;
  }

  /** Adds every plugin file in `directory` (see `PluginCatalogue.addDir`), and its TypeScript plugins with the `scripts` option. */
  addDir(directory: string): this {
    this.catalogue.addDir(directory);
    return this.#scriptOptions ? this.addScripts(directory) : this;
  }

  /**
   * Imports a TypeScript plugin file and registers every definition it exports (see
   * script-files.ts); throws, and records the file in `rejected()`, when it cannot be used.
   */
  addScriptFile(path: string): this {
    let definitions: ReturnType<typeof loadScriptPlugin>;
    try {
      definitions = loadScriptPlugin(path, this.#scriptOptions);
    } catch (error) {
      if (error instanceof MemflowError) this.catalogue.addRejected({ path, error });
      throw error;
    }
    for (const definition of definitions) {
      this.catalogue.addBuiltin(this.#scriptHost().register(definition, this.host, path));
    }
    return this;
  }

  /** Every `*.memflow.ts` in `directory`; a file that cannot be used is skipped and recorded in `rejected()`. */
  addScripts(directory: string): this {
    return this.#addScriptFiles(scriptPluginFiles(directory));
  }

  #addScriptFiles(paths: readonly string[]): this {
    for (const path of paths) {
      try {
        this.addScriptFile(path);
      } catch (error) {
        if (!(error instanceof MemflowError)) throw error;
      }
    }
    return this;
  }

  /**
   * The TypeScript plugins of every folder the catalogue searched, as its scan listed them,
   * except the working directory: memflow searches it for plugin files, which run only when
   * used, but importing a script runs it, and a command should not run whatever code lies where
   * it happens to be started.
   */
  loadScriptPlugins(workingDirectory: string = process.cwd()): this {
    // Listing the plugin folder again cost a command that starts a plugin a few tenths of a ms.
    for (const { path, error, names } of this.catalogue.directories()) {
      if (error === undefined && resolve(path) !== resolve(workingDirectory))
        this.#addScriptFiles(scriptPluginFiles(path, names));
    }
    return this;
  }

  /** Adds one plugin file; see `PluginCatalogue.addFile`. */
  addFile(path: string): this {
    this.catalogue.addFile(path);
    return this;
  }

  /**
   * Makes a TypeScript connector or OS layer (`defineOs`) available by its name, like a plugin
   * file: to `instantiateConnector`/`instantiateOs`, the builder and chains,
   * `availableConnectors()`/`availableOs()` and `plugins()` (origin `builtin`). It is the newest
   * entry, so it wins over files with the same name. Registering a name again replaces the
   * earlier definition of its kind.
   */
  register(definition: ScriptDefinition): this {
    this.catalogue.addBuiltin(this.#scriptHost().register(definition, this.host));
    return this;
  }

  /** The script host, loaded on first use (`require`, so that a chain of plugin files never loads it). */
  #scriptHost(): ScriptPluginHost {
    if (this.#scripts === undefined) {
      const { ScriptPluginHost } = require("../script/script-host.ts") as typeof import("../script/script-host.ts");
      this.#scripts = new ScriptPluginHost();
    }
    return this.#scripts;
  }

  /** The host that runs an entry's kind of plugin: the one place files and definitions part ways. */
  #hostOf(entry: PluginEntry): PluginHost {
    return entry.origin === "builtin" ? this.#scriptHost() : this.#files;
  }

  /** Every accepted plugin, newest first, and whether it has been loaded yet. */
  plugins(): readonly (PluginEntry & { readonly loaded: boolean })[] {
    return this.catalogue.plugins().map((entry) => ({ ...entry, loaded: this.isLoaded(entry) }));
  }

  rejected(): readonly RejectedPlugin[] {
    return this.catalogue.rejected();
  }

  directories(): readonly SearchedDirectory[] {
    return this.catalogue.directories();
  }

  availableConnectors(): string[] {
    return this.catalogue.availableConnectors();
  }

  availableOs(): string[] {
    return this.catalogue.availableOs();
  }

  /** The plugin a name (with an optional tag) selects; see `PluginCatalogue.find`. */
  find(kind: PluginKind, nameWithTag: string): PluginMatch {
    return this.catalogue.find(kind, nameWithTag);
  }

  /** Whether the plugin has been loaded (it happens on first use, never during a scan). */
  isLoaded(entry: PluginEntry): boolean {
    return this.#hostOf(entry).isLoaded(entry.path);
  }

  #locate(kind: PluginKind, name: string): { host: PluginHost; location: PluginLocation } {
    const { entry, descriptor } = this.find(kind, name);
    return { host: this.#hostOf(entry), location: { path: entry.path, exportName: descriptor.export_name, kind } };
  }

  /**
   * Starts a connector (memflow's `instantiate_connector`). `args` may be a `ConnectorArgs` or its
   * string form; `input`, an OS the connector runs on, is moved into the plugin.
   */
  instantiateConnector(name: string, input?: Os, args?: ConnectorArgs | string): Connector {
    const parsed = typeof args === "string" ? parseConnectorArgs(args) : args;
    const { host, location } = this.#locate("connector", name);
    return host.instantiateConnector(location, input, parsed);
  }

  /** Starts an OS plugin; `input`, the connector it reads memory through, is moved into the plugin. */
  instantiateOs(name: string, input?: Connector, args?: OsArgs | string): Os {
    const parsed = typeof args === "string" ? parseOsArgs(args) : args;
    const { host, location } = this.#locate("os", name);
    return host.instantiateOs(location, input, parsed);
  }

  connectorHelp(name: string): string {
    const { host, location } = this.#locate("connector", name);
    return host.help(location);
  }

  osHelp(name: string): string {
    const { host, location } = this.#locate("os", name);
    return host.help(location);
  }

  connectorTargetList(name: string): string[] {
    const { host, location } = this.#locate("connector", name);
    return host.targetList(location);
  }

  /** memflow's `set_max_log_level`: the level of plugin log records, changed in every loaded plugin too. */
  setMaxLogLevel(level: LevelFilter): void {
    this.#files.setMaxLogLevel(level);
    this.#scripts?.setMaxLogLevel();
  }

  /** Delivers plugin log records queued so far. */
  flushLogs(): void {
    this.#files.flushLogs();
  }

  /**
   * Delivers what plugins logged so far and stops delivering their records to this inventory's
   * sink. Connectors and OS instances it started stay usable; libraries stay loaded.
   */
  close(): void {
    this.#files.close();
    this.#scripts?.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /** A builder for connector/OS chains: `inventory.builder().connector("qemu").os("win32").build()`. */
  builder(): BuilderEmpty {
    return new BuilderEmpty(this);
  }
}
