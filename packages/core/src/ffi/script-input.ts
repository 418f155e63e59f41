/**
 * A TypeScript connector handed to a native OS plugin as its input. The shim (script-input.h)
 * makes a real memflow ConnectorInstance whose functions call back here through JSCallbacks, by
 * a handle (script-handles.ts keeps the connector behind each). The plugin owns what it is given:
 * its drop closes that handle's connector, once; a clone is a new handle on `connector.clone()`.
 * Callbacks run only on the JavaScript thread (the shim refuses any other), during our own calls
 * into the plugin.
 */
import { JSCallback, type Pointer, toArrayBuffer } from "bun:ffi";
import { MemflowError } from "../error.ts";
import type { MemoryAccess } from "../memory/memory-access.ts";
import type { Connector } from "../plugin/connector.ts";
import { CONNECTOR_INSTANCE, METADATA } from "./layouts.ts";
import { adopt, heldObject, release, scriptObjectsHeld, share } from "./script-handles.ts";
import { nativeShim } from "./shim.ts";

/** The connector behind `handle`, or a TypeScript process's memory (script-os-input.ts reads through here too). */
function memoryOf(handle: number): MemoryAccess | undefined {
  const object = heldObject(handle);
  return object !== undefined && "readInto" in object ? object : undefined;
}

function connectorOf(handle: number): Connector | undefined {
  const object = heldObject(handle);
  return object !== undefined && "clone" in object ? object : undefined;
}

function bytesAt(pointer: Pointer | null, length: number): Uint8Array | undefined {
  return pointer === null ? undefined : new Uint8Array(toArrayBuffer(pointer, 0, length));
}

/** Bytes moved, or -1: a throwing connector is a failed transfer for the plugin, never a crash. */
function transfer(handle: number, address: bigint, pointer: Pointer | null, length: number, write: boolean): number {
  const memory = memoryOf(handle);
  const buffer = bytesAt(pointer, length);
  if (memory === undefined || buffer === undefined) return -1;
  try {
    if (!write) return memory.readInto(address, buffer);
    memory.write(address, buffer);
    return length;
  } catch {
    return -1;
  }
}

function metadata(handle: number, out: Pointer | null): void {
  const connector = connectorOf(handle);
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

/**
 * The JSCallbacks, made once and kept for the life of the process (instances may outlive any one
 * chain). Reads, writes, clones and drops serve every handle, connectors' and processes' alike.
 */
export function installScriptCallbacks(): void {
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
    // A connector's clone is its own; an OS layer or a process shares its handle.
    new JSCallback(
      (handle: number) => {
        const connector = connectorOf(handle);
        return connector === undefined ? share(handle) : adopt(connector.clone());
      },
      { args: ["u32"], returns: "u32" },
    ),
    new JSCallback((handle: number) => release(handle), { args: ["u32"], returns: "void" }),
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
  installScriptCallbacks();
  const handle = adopt(connector);
  const out = new Uint8Array(CONNECTOR_INSTANCE.SIZE);
  if (!nativeShim().mf_script_input_new(handle, out)) {
    release(handle, false);
    throw new MemflowError("Connector", "Unknown", `no memory to hand connector ${connector.name} to a native plugin`);
  }
  return out;
}

/** How many TypeScript connectors, OS layers and processes native plugins hold now (tests check that each is released). */
export const scriptInputsHeld = scriptObjectsHeld;
