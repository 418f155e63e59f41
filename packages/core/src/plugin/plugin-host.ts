/**
 * What runs plugins: a host opens a plugin (a library file, or a TypeScript definition), creates
 * connectors and OS instances from it, and answers its help and target list. The Inventory finds
 * plugins in its catalogue and asks the host that runs each kind: the native host (`ffi/`) for
 * files, the script host (`script/`) for registered definitions (docs/decisions/0009).
 */
import type { PluginKind } from "@memflow-ts/analyzer";
import type { ConnectorArgs, OsArgs } from "../args/connector-args.ts";
import { MemflowError } from "../error.ts";
import type { Connector } from "./connector.ts";
import type { Os } from "./os.ts";
import type { LevelFilter, LogSink } from "./plugin-log.ts";

/** Where a plugin is: its file (or `builtin:<name>`) and the descriptor's export. */
export interface PluginLocation {
  readonly path: string;
  readonly exportName: string;
  readonly kind: PluginKind;
}

export interface PluginHostOptions {
  /** Warnings from the host itself (a plugin whose ABI cannot be checked, for instance). */
  readonly warn?: (message: string) => void;
  /** Receives plugins' log records; without it plugins get no logger and log nothing. */
  readonly log?: LogSink;
  /** The most verbose level passed on (default "info"). */
  readonly logLevel?: LevelFilter;
}

export interface PluginHost {
  /** Whether the plugin at `path` has been opened. Hosts open plugins on first use, never while scanning. */
  isLoaded(path: string): boolean;
  /**
   * Starts a connector; `input`, an OS it runs on, is moved into it, whether the plugin starts or
   * not. An input the host cannot take at all (another host's kind) is refused and left open.
   */
  instantiateConnector(location: PluginLocation, input: Os | undefined, args: ConnectorArgs | undefined): Connector;
  /** Starts an OS; `input`, the connector it reads memory through, is moved into it. */
  instantiateOs(location: PluginLocation, input: Connector | undefined, args: OsArgs | undefined): Os;
  help(location: PluginLocation): string;
  targetList(location: PluginLocation): string[];
  /** memflow's `set_max_log_level`, for the host and every plugin it has opened. */
  setMaxLogLevel(level: LevelFilter): void;
  /** Delivers log records queued so far. */
  flushLogs(): void;
  /**
   * Ends what the host keeps up for its user: it delivers no more log records. Instances it
   * created stay usable, and libraries stay loaded (a plugin's instances and threads may outlive
   * any handle on it).
   */
  close(): void;
}

/** What every host says when a plugin has no help text: memflow's wording, with OsLayer for OS plugins. */
export function helpNotSupported(kind: PluginKind, name: string): MemflowError {
  // memflow reports OS plugins' help errors with origin Connector; OsLayer is the right one.
  return kind === "connector"
    ? new MemflowError("Connector", "NotSupported", `Connector \`${name}\` does not support help text.`)
    : new MemflowError("OsLayer", "NotSupported", `Os-Plugin \`${name}\` does not support help text.`);
}

/** What every host says when a plugin cannot list targets: OS plugins never can (memflow's wording). */
export function targetListNotSupported(kind: PluginKind, name: string): MemflowError {
  return kind === "connector"
    ? new MemflowError("Connector", "NotSupported", `Connector \`${name}\` does not support target listing.`)
    : new MemflowError("OsLayer", "NotSupported", "Os-Plugin does not support target listing.");
}
