/**
 * A plugin library opened with dlopen, and the descriptors read from it after loading. It is
 * never closed: instances, callbacks and threads of a plugin may outlive any handle the host
 * holds, and reading a library's memory after dlclose crashes the process.
 */
import { type Pointer, read, toArrayBuffer } from "bun:ffi";
import type { PluginKind } from "@memflow-ts/analyzer";
import { MemflowError } from "../error.ts";
import { DESCRIPTOR, MONO_TYPE_LAYOUT, TYPE_LAYOUT } from "./layouts.ts";
import { nativeShim } from "./shim.ts";

export interface NativeDescriptor {
  readonly exportName: string;
  readonly pluginVersion: number;
  readonly acceptInput: boolean;
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly inputLayout: Pointer | null;
  readonly outputLayout: Pointer | null;
  readonly help: Pointer | null;
  readonly targetList: Pointer | null;
  readonly create: Pointer;
}

/** What the abi_stable layouts say, where a plugin provides them (Rust plugins do, C ones do not). */
export interface LayoutProbe {
  readonly size: number;
  readonly alignment: number;
  readonly name: string | undefined;
  readonly packageAndVersion: string | undefined;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
/** C strings (a path, an export name), UTF-8 as Buffer.from writes them: no Buffer on a chain's way (marshal-args.ts). */
const toUtf8 = new TextEncoder();

function slice(address: Pointer, length: number, what: string, path: string): string {
  if (length === 0) return "";
  try {
    return utf8.decode(new Uint8Array(toArrayBuffer(address, 0, length)).slice());
  } catch {
    throw new MemflowError("Inventory", "InvalidAbi", `${path}: ${what} is not valid UTF-8`);
  }
}

function pointerAt(base: Pointer, offset: number): Pointer | null {
  const value = read.ptr(base, offset);
  return value === 0 ? null : (value as Pointer);
}

export class NativeLibrary {
  readonly path: string;
  readonly #handle: Pointer;
  readonly #descriptors = new Map<string, NativeDescriptor>();

  private constructor(path: string, handle: Pointer) {
    this.path = path;
    this.#handle = handle;
  }

  /** dlopen with RTLD_NOW; (Inventory, UnableToLoadLibrary) with the loader's message when it fails. */
  static open(path: string): NativeLibrary {
    const shim = nativeShim();
    const error = new Uint8Array(512);
    const opened = shim.mf_open(toUtf8.encode(`${path}\0`), error, error.length);
    const handle = opened === null || opened === 0 ? null : (Number(opened) as Pointer);
    if (handle === null) {
      const end = error.indexOf(0);
      const message = new TextDecoder().decode(error.subarray(0, end < 0 ? error.length : end));
      throw new MemflowError("Inventory", "UnableToLoadLibrary", `unable to load ${path}: ${message}`);
    }
    return new NativeLibrary(path, handle);
  }

  /**
   * The descriptor behind `exportName`, read from the loaded image and checked again: plugin
   * version, kind and a non-null `create`.
   */
  descriptor(exportName: string, kind: PluginKind): NativeDescriptor {
    const cached = this.#descriptors.get(exportName);
    if (cached) return cached;
    const symbol = nativeShim().mf_symbol(this.#handle, toUtf8.encode(`${exportName}\0`));
    const address = symbol === null || symbol === 0 ? null : (Number(symbol) as Pointer);
    if (address === null) {
      throw new MemflowError("Inventory", "MemflowExportsNotFound", `${this.path} does not export ${exportName}`);
    }
    const text = (offset: number, what: string) => {
      const pointer = pointerAt(address, offset);
      const length = Number(read.u64(address, offset + 8));
      if (pointer === null) return "";
      return slice(pointer, length, what, this.path);
    };
    const pluginVersion = read.i32(address, DESCRIPTOR.PLUGIN_VERSION);
    if (pluginVersion !== 1) {
      throw new MemflowError(
        "Inventory",
        "VersionMismatch",
        `${exportName} in ${this.path} has a different version: version 1 required, found ${pluginVersion}`,
      );
    }
    const create = pointerAt(address, DESCRIPTOR.CREATE);
    if (create === null)
      throw new MemflowError("Inventory", "InvalidAbi", `${exportName} in ${this.path} has no create function`);
    const expectedPrefix = kind === "connector" ? "MEMFLOW_CONNECTOR_" : "MEMFLOW_OS_";
    if (!exportName.startsWith(expectedPrefix)) {
      throw new MemflowError("Inventory", "InvalidAbi", `${exportName} in ${this.path} is not a ${kind} descriptor`);
    }
    const descriptor: NativeDescriptor = {
      exportName,
      pluginVersion,
      acceptInput: read.u8(address, DESCRIPTOR.ACCEPT_INPUT) !== 0,
      name: text(DESCRIPTOR.NAME, "name"),
      version: text(DESCRIPTOR.VERSION, "version"),
      description: text(DESCRIPTOR.DESCRIPTION, "description"),
      inputLayout: pointerAt(address, DESCRIPTOR.INPUT_LAYOUT),
      outputLayout: pointerAt(address, DESCRIPTOR.OUTPUT_LAYOUT),
      help: pointerAt(address, DESCRIPTOR.HELP_CALLBACK),
      targetList: pointerAt(address, DESCRIPTOR.TARGET_LIST_CALLBACK),
      create,
    };
    this.#descriptors.set(exportName, descriptor);
    return descriptor;
  }
}

/** Reads an abi_stable `TypeLayout`'s size, alignment, type name and `package;version`. */
export function probeLayout(layout: Pointer): LayoutProbe {
  const mono = pointerAt(layout, TYPE_LAYOUT.MONO);
  const text = (at: Pointer | null, length: number) =>
    at === null || length <= 0 || length >= 256
      ? undefined
      : new TextDecoder().decode(new Uint8Array(toArrayBuffer(at, 0, length)).slice());
  return {
    size: Number(read.u64(layout, TYPE_LAYOUT.SIZE)),
    alignment: 2 ** read.u8(layout, TYPE_LAYOUT.ALIGNMENT_POWER),
    name:
      mono === null
        ? undefined
        : text(pointerAt(mono, MONO_TYPE_LAYOUT.NAME_PTR), read.u16(mono, MONO_TYPE_LAYOUT.NAME_LEN)),
    packageAndVersion:
      mono === null
        ? undefined
        : text(
            pointerAt(mono, MONO_TYPE_LAYOUT.PACKAGE_AND_VERSION_PTR),
            Number(read.u64(mono, MONO_TYPE_LAYOUT.PACKAGE_AND_VERSION_LEN)),
          ),
  };
}
