/**
 * The plugin host for plugins written in TypeScript: connector and OS definitions registered
 * with the Inventory, found under `builtin:<name>` (connectors) or `builtin:os/<name>` (OS
 * layers, so one name may be both, as with native plugins) and started like plugin files,
 * without native code.
 */
import type { ConnectorArgs, OsArgs } from "../args/connector-args.ts";
import type { PluginEntry } from "../catalogue/plugin-entry.ts";
import { MemflowError } from "../error.ts";
import type { Connector } from "../plugin/connector.ts";
import type { Os } from "../plugin/os.ts";
import {
  helpNotSupported,
  type PluginHost,
  type PluginLocation,
  targetListNotSupported,
} from "../plugin/plugin-host.ts";
import { createdAtNow } from "../plugin-files/created-at.ts";
import { pluginNameProblem } from "../plugin-files/plugin-name.ts";
import { type Host, MEMFLOW_PLUGIN_VERSION } from "../plugin-files/plugin-target.ts";
import type { ConnectorDefinition } from "./connector-definition.ts";
import type { OsDefinition } from "./os-definition.ts";
import { ScriptConnector } from "./script-connector.ts";
import { ScriptOs } from "./script-os.ts";

/** A definition of either kind; an OS definition says so (`defineOs` marks it). */
export type ScriptDefinition = ConnectorDefinition | OsDefinition;

function isOs(definition: ScriptDefinition): definition is OsDefinition {
  return "kind" in definition && definition.kind === "os";
}

export class ScriptPluginHost implements PluginHost {
  readonly #definitions = new Map<string, ScriptDefinition>();

  /**
   * Keeps a definition (replacing one of the same kind and name) and returns the catalogue
   * entry that finds it: a descriptor for `host`, created now; its real path is the file the
   * definition came from, when it came from one.
   */
  register(definition: ScriptDefinition, host: Host, file?: string): PluginEntry {
    const kind = isOs(definition) ? "os" : "connector";
    const problem = pluginNameProblem(definition.name, `${kind === "os" ? "OS" : "connector"} name`);
    if (problem !== undefined) throw new MemflowError("Inventory", "InvalidArgument", problem);
    const path = kind === "os" ? `builtin:os/${definition.name}` : `builtin:${definition.name}`;
    this.#definitions.set(path, definition);
    return {
      origin: "builtin",
      path,
      realPath: file ?? path,
      createdAt: createdAtNow(),
      createdAtSource: "mtime",
      meta: undefined,
      descriptors: [
        {
          plugin_kind: kind,
          export_name: `MEMFLOW_${kind === "os" ? "OS" : "CONNECTOR"}_${definition.name.toUpperCase()}`,
          file_type: host.fileType,
          architecture: host.architecture,
          plugin_version: MEMFLOW_PLUGIN_VERSION,
          name: definition.name,
          version: definition.version,
          description: definition.description,
        },
      ],
    };
  }

  /** The definition at `location`, checked to be of the location's kind (so the casts below hold). */
  #definition(location: PluginLocation): ScriptDefinition {
    const definition = this.#definitions.get(location.path);
    if (definition === undefined || (isOs(definition) ? "os" : "connector") !== location.kind) {
      throw new MemflowError(
        "Inventory",
        "PluginNotFound",
        `no TypeScript ${location.kind} is registered as ${location.path}`,
      );
    }
    return definition;
  }

  /** A definition is in memory from the moment it is registered. */
  isLoaded(path: string): boolean {
    return this.#definitions.has(path);
  }

  instantiateConnector(location: PluginLocation, input: Os | undefined, args: ConnectorArgs | undefined): Connector {
    const definition = this.#definition(location) as ConnectorDefinition;
    // A TypeScript connector takes no OS input; like memflow's connectors, it drops one given.
    input?.close();
    return ScriptConnector.create(definition, args);
  }

  /** Any connector may be the input: a TypeScript OS reads it through the `Connector` interface. */
  instantiateOs(location: PluginLocation, input: Connector | undefined, args: OsArgs | undefined): Os {
    return ScriptOs.create(this.#definition(location) as OsDefinition, input, args);
  }

  help(location: PluginLocation): string {
    const definition = this.#definition(location);
    if (definition.help === undefined) throw helpNotSupported(location.kind, definition.name);
    return definition.help;
  }

  targetList(location: PluginLocation): string[] {
    const definition = this.#definition(location);
    if (isOs(definition) || !definition.targets) throw targetListNotSupported(location.kind, definition.name);
    return definition.targets();
  }

  /** TypeScript plugins log through the application's own logger; there is nothing to pass on. */
  setMaxLogLevel(): void {}

  flushLogs(): void {}

  close(): void {}
}
