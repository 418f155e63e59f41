/**
 * The plugin host for plugins written in TypeScript: definitions registered with the Inventory,
 * found under `builtin:<name>` and started like plugin files, without native code.
 */
import type { ConnectorArgs } from "../args/connector-args.ts";
import type { PluginEntry } from "../catalogue/plugin-entry.ts";
import { MemflowError } from "../error.ts";
import type { Connector } from "../plugin/connector.ts";
import type { Os } from "../plugin/os.ts";
import type { PluginHost, PluginLocation } from "../plugin/plugin-host.ts";
import { createdAtNow } from "../plugin-files/created-at.ts";
import { pluginNameProblem } from "../plugin-files/plugin-name.ts";
import { type Host, MEMFLOW_PLUGIN_VERSION } from "../plugin-files/plugin-target.ts";
import type { ConnectorDefinition } from "./connector-definition.ts";
import { ScriptConnector } from "./script-connector.ts";

export class ScriptPluginHost implements PluginHost {
  readonly #definitions = new Map<string, ConnectorDefinition>();

  /**
   * Keeps a connector definition (replacing one with the same name) and returns the catalogue
   * entry that finds it: a descriptor for `host`, created now.
   */
  register(definition: ConnectorDefinition, host: Host): PluginEntry {
    const problem = pluginNameProblem(definition.name, "connector name");
    if (problem !== undefined) throw new MemflowError("Inventory", "InvalidArgument", problem);
    const path = `builtin:${definition.name}`;
    this.#definitions.set(path, definition);
    return {
      origin: "builtin",
      path,
      realPath: path,
      createdAt: createdAtNow(),
      createdAtSource: "mtime",
      meta: undefined,
      descriptors: [
        {
          plugin_kind: "connector",
          export_name: `MEMFLOW_CONNECTOR_${definition.name.toUpperCase()}`,
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

  #definition(location: PluginLocation): ConnectorDefinition {
    const definition = this.#definitions.get(location.path);
    if (definition === undefined || location.kind !== "connector") {
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
    const definition = this.#definition(location);
    // A TypeScript connector takes no OS input; like memflow's connectors, it drops one given.
    input?.close();
    return ScriptConnector.create(definition, args);
  }

  instantiateOs(location: PluginLocation): Os {
    throw new MemflowError(
      "OsLayer",
      "NotSupported",
      `${location.path}: OS layers cannot be written in TypeScript yet`,
    );
  }

  help(location: PluginLocation): string {
    const definition = this.#definition(location);
    if (definition.help === undefined) {
      throw new MemflowError(
        "Connector",
        "NotSupported",
        `Connector \`${definition.name}\` does not support help text.`,
      );
    }
    return definition.help;
  }

  targetList(location: PluginLocation): string[] {
    const definition = this.#definition(location);
    if (!definition.targets) {
      throw new MemflowError(
        "Connector",
        "NotSupported",
        `Connector \`${definition.name}\` does not support target listing.`,
      );
    }
    return definition.targets();
  }

  /** TypeScript plugins log through the application's own logger; there is nothing to pass on. */
  setMaxLogLevel(): void {}

  flushLogs(): void {}

  close(): void {}
}
