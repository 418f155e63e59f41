/**
 * A TypeScript connector handed to a native OS plugin as its input. The shim (script-input.h)
 * makes a real memflow ConnectorInstance whose functions call back here through JSCallbacks, by
 * a handle: this file keeps the connector behind each handle. The plugin owns what it is given:
 * its drop closes that handle's connector, once; a clone is a new handle on `connector.clone()`.
 * Callbacks run only on the JavaScript thread (the shim refuses any other), during our own calls
 * into the plugin.
 */
import { JSCallback, type Pointer, toArrayBuffer } from "bun:ffi";
import { MemflowError } from "../error.ts";
import type { Connector } from "../plugin/connector.ts";
import { CONNECTOR_INSTANCE, METADATA } from "./layouts.ts";
import { nativeShim } from "./shim.ts";

const connectors = new Map<number, Connector>();
let nextHandle = 1;

function adopt(connector: Connector): number {
  const handle = nextHandle;
  nextHandle = nextHandle >= 0xffffffff ? 1 : nextHandle + 1;
  connectors.set(handle, connector);
  return handle;
}

function bytesAt(pointer: Pointer | null, length: number): Uint8Array | undefined {
  return pointer === null ? undefined : new Uint8Array(toArrayBuffer(pointer, 0, length));
}

/** Bytes moved, or -1: a throwing connector is a failed transfer for the plugin, never a crash. */
function transfer(handle: number, address: bigint, pointer: Pointer | null, length: number, write: boolean): number {
  const connector = connectors.get(handle);
  const buffer = bytesAt(pointer, length);
  if (connector === undefined || buffer === undefined) return -1;
  try {
    if (!write) return connector.readInto(address, buffer);
    connector.write(address, buffer);
    return length;
  } catch {
    return -1;
  }
}

function metadata(handle: number, out: Pointer | null): void {
  const connector = connectors.get(handle);
  const view = out === null ? undefined : new DataView(toArrayBuffer(out, 0, METADATA.SIZE));
  if (connector === undefined || view === undefined) return;
  try {
    const found = connector.metadata();
    view.setBigUint64(METADATA.MAX_ADDRESS, BigInt(found.maxAddress), true);
    view.setBigUint64(METADATA.REAL_SIZE, BigInt(found.realSize), true);
    view.setUint8(METADATA.READONLY, found.readonly ? 1 : 0);
    view.setUint32(METADATA.IDEAL_BATCH_SIZE, found.idealBatchSize, true);
  } catch {
    // left as the shim filled it: an empty, read-only memory
  }
}

let installed = false;

/** The JSCallbacks, made once and kept for the life of the process (instances may outlive any one chain). */
function install(): void {
  if (installed) return;
  const callbacks = [
    new JSCallback((h: number, a: bigint, p: Pointer | null, n: number) => transfer(h, a, p, n, false), {
      args: ["u32", "u64", "ptr", "u32"],
      returns: "i32",
    }),
    new JSCallback((h: number, a: bigint, p: Pointer | null, n: number) => transfer(h, a, p, n, true), {
      args: ["u32", "u64", "ptr", "u32"],
      returns: "i32",
    }),
    new JSCallback(metadata, { args: ["u32", "ptr"], returns: "void" }),
    new JSCallback(
      (handle: number) => {
        const connector = connectors.get(handle);
        return connector === undefined ? 0 : adopt(connector.clone());
      },
      { args: ["u32"], returns: "u32" },
    ),
    new JSCallback(
      (handle: number) => {
        const connector = connectors.get(handle);
        connectors.delete(handle);
        connector?.close();
      },
      { args: ["u32"], returns: "void" },
    ),
  ];
  const [read, write, meta, clone, drop] = callbacks.map((callback) => callback.ptr);
  nativeShim().mf_script_callbacks_set(read ?? null, write ?? null, meta ?? null, clone ?? null, drop ?? null);
  installed = true;
}

/**
 * The bytes of a ConnectorInstance on `connector`, to pass as a plugin's input: from here on the
 * plugin owns the connector and closes it when it drops its input.
 */
export function scriptInput(connector: Connector): Uint8Array {
  install();
  const handle = adopt(connector);
  const out = new Uint8Array(CONNECTOR_INSTANCE.SIZE);
  if (!nativeShim().mf_script_input_new(handle, out)) {
    connectors.delete(handle);
    throw new MemflowError("Connector", "Unknown", `no memory to hand connector ${connector.name} to a native plugin`);
  }
  return out;
}

/** How many TypeScript connectors native plugins hold now (tests check that each is released). */
export function scriptInputsHeld(): number {
  return connectors.size;
}
