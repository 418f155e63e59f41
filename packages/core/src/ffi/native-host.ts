/**
 * The plugin host for plugin files: loads libraries and calls into them — `create` for
 * connectors and OS plugins, help text and target lists. Libraries open lazily, once per file,
 * and stay loaded.
 */
import { type Pointer, ptr, read, toArrayBuffer } from "bun:ffi";
import type { PluginKind } from "@memflow-ts/analyzer";
import type { ConnectorArgs, OsArgs } from "../args/connector-args.ts";
import { MemflowError } from "../error.ts";
import type { Connector } from "../plugin/connector.ts";
import type { Os } from "../plugin/os.ts";
import {
  helpNotSupported,
  type PluginHost,
  type PluginHostOptions,
  type PluginLocation,
  targetListNotSupported,
} from "../plugin/plugin-host.ts";
import type { LevelFilter, LogSink, PluginLogRecord } from "../plugin/plugin-log.ts";
import { InstanceMemory } from "./instance-memory.ts";
import { CONNECTOR_INSTANCE, OS_INSTANCE, SHIM_STRINGS } from "./layouts.ts";
import { type MarshalledArgs, marshalConnectorArgs, marshalOsArgs } from "./marshal-args.ts";
import { type NativeDescriptor, NativeLibrary, probeLayout } from "./native-library.ts";
import { NativeOs } from "./native-os.ts";
import { type PluginLabel, pluginLabel } from "./plugin-label.ts";
import { type LogReceiver, type LogSubscription, pluginLogHub } from "./plugin-log-hub.ts";
import { nativeShim } from "./shim.ts";

/*
 * A TypeScript connector or OS given to a native plugin goes through the shim's script inputs,
 * loaded when one is first given (`require`): a chain of plugin files never needs their modules.
 */
const scriptInput = (input: Connector) =>
  (require("./script-input.ts") as typeof import("./script-input.ts")).scriptInput(input);
const scriptOsInput = (input: Os) =>
  (require("./script-os-input.ts") as typeof import("./script-os-input.ts")).scriptOsInput(input);
/**
 * The connector wrapper, with physical memory's and batched transfers, loaded when a connector is
 * first created or given: a chain of an OS alone (the dummy OS's own memory) needs none of it.
 */
const connectorWrapper = () => require("./native-connector.ts") as typeof import("./native-connector.ts");

/** The host for plugin files, as the Inventory sees it: through the PluginHost interface. */
export function createNativePluginHost(options: PluginHostOptions = {}): PluginHost {
  return new NativePluginHost(options);
}

/** What memflow 0.2's types look like to abi_stable: size, type name, and the package that defines them. */
const EXPECTED_LAYOUTS: Record<PluginKind, { input: [number, string, string]; output: [number, string, string] }> = {
  connector: { input: [96, "COption", "cglue;0.2."], output: [64, "ConnectorInstance", "memflow;0.2."] },
  os: { input: [72, "COption", "cglue;0.2."], output: [88, "OsInstance", "memflow;0.2."] },
};

/** A host that is gone stops receiving records (its sink would otherwise stay subscribed forever). */
const subscriptions = new FinalizationRegistry<LogSubscription>((subscription) =>
  pluginLogHub().unsubscribe(subscription),
);

export class NativePluginHost implements PluginHost, LogReceiver {
  readonly #libraries = new Map<string, NativeLibrary>();
  readonly #checked = new Set<string>();
  readonly #loggers = new Map<string, Pointer | null>();
  readonly #warn: (message: string) => void;
  readonly #logs: LogSubscription | undefined;
  readonly #sink: LogSink | undefined;

  constructor(options: PluginHostOptions = {}) {
    this.#warn = options.warn ?? (() => {});
    if (options.log) {
      this.#sink = options.log;
      this.#logs = pluginLogHub().subscribe(this, options.logLevel ?? "info");
      subscriptions.register(this, this.#logs, this);
    }
  }

  /** @internal a record for this host's sink, from the process's log hub. */
  receive(record: PluginLogRecord): void {
    this.#sink?.(record);
  }

  /** memflow's `set_max_log_level`: the level of this host's records, passed on to the plugins. */
  setMaxLogLevel(level: LevelFilter): void {
    if (this.#logs) pluginLogHub().setLevel(this.#logs, level);
  }

  /** Delivers plugin log records queued so far (they also arrive on their own, on a timer). */
  flushLogs(): void {
    if (this.#logs) pluginLogHub().drain();
  }

  close(): void {
    if (this.#logs === undefined) return;
    pluginLogHub().drain();
    pluginLogHub().unsubscribe(this.#logs);
    subscriptions.unregister(this);
  }

  /** One logger per library, as memflow creates one per loaded library; none without a sink. */
  #logger(path: string): Pointer | null {
    if (!this.#logs) return null;
    let logger = this.#loggers.get(path);
    if (logger === undefined) {
      logger = pluginLogHub().loggerFor();
      this.#loggers.set(path, logger);
    }
    return logger;
  }

  isLoaded(path: string): boolean {
    return this.#libraries.has(path);
  }

  #library(path: string): NativeLibrary {
    let library = this.#libraries.get(path);
    if (!library) {
      library = NativeLibrary.open(path);
      this.#libraries.set(path, library);
    }
    return library;
  }

  /** The loaded descriptor, checked once per export: version, kind, and the abi_stable layouts when present. */
  descriptor(location: PluginLocation): NativeDescriptor {
    const descriptor = this.#library(location.path).descriptor(location.exportName, location.kind);
    const key = `${location.path}\0${location.exportName}`;
    if (!this.#checked.has(key)) {
      this.#checkLayouts(location, descriptor);
      this.#checked.add(key);
    }
    return descriptor;
  }

  #checkLayouts(location: PluginLocation, descriptor: NativeDescriptor): void {
    if (descriptor.inputLayout === null || descriptor.outputLayout === null) {
      this.#warn(
        `${location.exportName} in ${location.path} has no abi_stable type layouts (a C plugin?); its ABI cannot be checked`,
      );
      return;
    }
    const expected = EXPECTED_LAYOUTS[location.kind];
    for (const [which, layout, [size, name, packagePrefix]] of [
      ["input", descriptor.inputLayout, expected.input],
      ["output", descriptor.outputLayout, expected.output],
    ] as const) {
      const probe = probeLayout(layout);
      const packageOk = probe.packageAndVersion === undefined || probe.packageAndVersion.startsWith(packagePrefix);
      const nameOk = probe.name === undefined || probe.name === name;
      if (probe.size !== size || probe.alignment !== 8 || !packageOk || !nameOk) {
        throw new MemflowError(
          "Inventory",
          "InvalidAbi",
          `${location.path}: ${location.exportName}'s ${which} type is ${probe.name ?? "a type"} of ${probe.size} bytes ` +
            `(align ${probe.alignment}${probe.packageAndVersion ? `, from ${probe.packageAndVersion}` : ""}); ` +
            `memflow 0.2 expects ${name} of ${size} bytes (align 8, from ${packagePrefix}x)`,
        );
      }
    }
  }

  /** A TypeScript OS as input becomes an OsInstance made by the shim (script-os-input.ts). */
  instantiateConnector(location: PluginLocation, input: Os | undefined, args: ConnectorArgs | undefined): Connector {
    const given = input instanceof NativeOs || input === undefined ? input : { moveOut: () => scriptOsInput(input) };
    const marshalled = args && marshalConnectorArgs(args);
    const { descriptor, plugin, out } = this.#create(location, CONNECTOR_INSTANCE.SIZE, marshalled, given, (...call) =>
      nativeShim().mf_create_connector(...call),
    );
    const wrap = (bytes: Uint8Array, label: string) =>
      new InstanceMemory(bytes, CONNECTOR_INSTANCE.CONTAINER, label, plugin);
    return new (connectorWrapper().NativeConnector)(descriptor.name, wrap(out, `connector ${descriptor.name}`), wrap);
  }

  /** A TypeScript connector as input becomes a ConnectorInstance made by the shim (script-input.ts). */
  instantiateOs(location: PluginLocation, input: Connector | undefined, args: OsArgs | undefined): Os {
    const given =
      input === undefined || input instanceof connectorWrapper().NativeConnector
        ? input
        : { moveOut: () => scriptInput(input) };
    const created = this.#create(location, OS_INSTANCE.SIZE, args && marshalOsArgs(args), given, (...call) =>
      nativeShim().mf_create_os(...call),
    );
    const name = created.descriptor.name;
    return new NativeOs(name, new InstanceMemory(created.out, OS_INSTANCE.CONTAINER, `os ${name}`, created.plugin));
  }

  /**
   * Calls a plugin's `create`; returns its descriptor, its crash-report label and the new
   * instance's bytes, or throws the plugin's error.
   */
  #create(
    location: PluginLocation,
    size: number,
    args: MarshalledArgs | undefined,
    input: { moveOut(): Uint8Array } | undefined,
    create: (
      fn: Pointer,
      args: Uint8Array | null,
      input: Uint8Array | null,
      logger: Pointer | null,
      out: Uint8Array,
      plugin: Pointer,
    ) => number,
  ): { descriptor: NativeDescriptor; plugin: PluginLabel; out: Uint8Array } {
    const descriptor = this.descriptor(location);
    const plugin = labelOf(location, descriptor);
    const out = new Uint8Array(size);
    const logger = this.#logger(location.path);
    // The plugin owns the input from here on, whether create succeeds or not.
    const inputBytes = input?.moveOut() ?? null;
    const result = create(descriptor.create, args?.bytes ?? null, inputBytes, logger, out, plugin.pointer);
    keep(args?.keepAlive, inputBytes);
    if (this.#logs) pluginLogHub().drain();
    if (result !== 0)
      throw MemflowError.fromInt(result, `${location.kind} ${descriptor.name} (${location.path}) failed to start`);
    return { descriptor, plugin, out };
  }

  /** The plugin's help text (memflow keeps the first string it is given). */
  help(location: PluginLocation): string {
    const descriptor = this.descriptor(location);
    const what =
      location.kind === "connector" ? `Connector \`${descriptor.name}\`` : `Os-Plugin \`${descriptor.name}\``;
    const origin = location.kind === "connector" ? "Connector" : "OsLayer";
    if (descriptor.help === null) throw helpNotSupported(location.kind, descriptor.name);
    const plugin = labelOf(location, descriptor);
    const [text] = collectStrings((strings) => nativeShim().mf_help(descriptor.help, strings, plugin.pointer));
    keep(plugin);
    if (text === undefined) throw new MemflowError(origin, "NotSupported", `${what} did not return any help text.`);
    return text;
  }

  targetList(location: PluginLocation): string[] {
    const descriptor = this.descriptor(location);
    if (location.kind !== "connector" || descriptor.targetList === null)
      throw targetListNotSupported(location.kind, descriptor.name);
    let result = 0;
    const plugin = labelOf(location, descriptor);
    const names = collectStrings((strings) => {
      result = nativeShim().mf_targets(descriptor.targetList, strings, plugin.pointer);
    });
    keep(plugin);
    if (result !== 0) throw MemflowError.fromInt(result, `listing the targets of connector ${descriptor.name}`);
    return names;
  }
}

/** `connector dummy 0.2.4 (/path/libmemflow_dummy_5c0d1e2.so)`: the plugin a crash report names. */
function labelOf(location: PluginLocation, descriptor: NativeDescriptor): PluginLabel {
  return pluginLabel(`${location.kind} ${descriptor.name} ${descriptor.version} (${location.path})`);
}

/** Keeps buffers a native call used reachable until after the call. */
function keep(..._values: unknown[]): void {}

function collectStrings(fill: (strings: Uint8Array) => void): string[] {
  const strings = new Uint8Array(SHIM_STRINGS.SIZE);
  fill(strings);
  const base = ptr(strings);
  const data = read.ptr(base, 0);
  const length = Number(read.u64(base, 8));
  try {
    if (data === 0 || length === 0) return [];
    const bytes = new Uint8Array(toArrayBuffer(data as Pointer, 0, length)).slice();
    const text = new TextDecoder().decode(bytes);
    return text.slice(0, -1).split("\0");
  } finally {
    nativeShim().mf_strings_free(strings);
  }
}
