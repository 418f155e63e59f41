/**
 * A TypeScript OS handed to a native connector plugin as its input (a nested chain: `-o <ts os>
 * -c <native connector>`). The shim (script-os.h) makes a real memflow OsInstance whose Os,
 * Process and MemoryView entries call back here through JSCallbacks, by handle
 * (script-handles.ts) and vtable entry; reads and writes of a process's memory, clones and drops
 * go through script-input.ts's callbacks. Answers are records in memflow's layout
 * (os-encode.ts), kept here until the next call while the shim copies them for the plugin. A
 * throwing OS is an error result for the plugin, never a crash.
 */
import { JSCallback, type Pointer, ptr, toArrayBuffer } from "bun:ffi";
import { encodeError, MemflowError } from "../error.ts";
import type { Os } from "../plugin/os.ts";
import { OS_INSTANCE } from "./layouts.ts";
import { MEMORY_VIEW_METADATA, SHIM_SCRIPT_RESULT } from "./os-layouts.ts";
import { adopt, heldObject, release } from "./script-handles.ts";
import { installScriptCallbacks } from "./script-input.ts";
import type { Answer, Records } from "./script-os-answers.ts";
import { GivenArguments } from "./script-os-arguments.ts";
import { OS_ENTRIES, PROCESS_ENTRIES } from "./script-os-entries.ts";
import { TRANSLATE_ENTRIES } from "./script-translate-entries.ts";
import { nativeShim } from "./shim.ts";

const isOs = (object: object): object is Os => "processInfoList" in object;

/** The last answer, kept alive until the next call (the shim copies it at once). */
const kept: { answer?: Answer } = {};

/** The entry `entry` of the object behind `handle`: an OS's, a process's, or its translation's. */
function answer(handle: number, entry: number, given: GivenArguments): Answer | undefined {
  const object = heldObject(handle);
  if (object === undefined) return undefined;
  if (isOs(object)) return OS_ENTRIES.get(entry)?.(object, given, handle);
  if (!("state" in object)) return undefined;
  return (PROCESS_ENTRIES.get(entry) ?? TRANSLATE_ENTRIES.get(entry))?.(object, given, handle);
}

function writeRecords(result: DataView, at: number, countAt: number, records: Records): void {
  result.setBigUint64(at, BigInt(ptr(records.records.bytes)), true);
  result.setBigUint64(countAt, BigInt(records.count), true);
}

/** 0 with the answer in `out`, or memflow's error int: what the TypeScript side threw, never a crash. */
function call(handle: number, entry: number, args: Pointer | null, out: Pointer | null): number {
  if (args === null || out === null) return encodeError("Ffi", "Uninitialized");
  try {
    const found = answer(handle, entry, new GivenArguments(args));
    if (found === undefined) return encodeError("OsLayer", "NotSupported");
    kept.answer = found;
    const result = new DataView(toArrayBuffer(out, 0, SHIM_SCRIPT_RESULT.SIZE));
    if ("handle" in found) {
      result.setBigUint64(SHIM_SCRIPT_RESULT.HANDLE, BigInt(found.handle), true);
      result.setBigUint64(SHIM_SCRIPT_RESULT.TRANSLATES, found.translates ? 1n : 0n, true);
      return 0;
    }
    writeRecords(result, SHIM_SCRIPT_RESULT.RECORDS, SHIM_SCRIPT_RESULT.COUNT, found);
    if (found.failures !== undefined)
      writeRecords(result, SHIM_SCRIPT_RESULT.FAILURES, SHIM_SCRIPT_RESULT.FAILURE_COUNT, found.failures);
    return 0;
  } catch (error) {
    return error instanceof MemflowError ? error.toInt() : encodeError("OsLayer", "Unknown");
  }
}

function viewMetadata(handle: number, out: Pointer | null): void {
  const object = heldObject(handle);
  if (object === undefined || out === null || !("state" in object) || isOs(object)) return;
  try {
    const found = object.metadata();
    const view = new DataView(toArrayBuffer(out, 0, MEMORY_VIEW_METADATA.SIZE));
    view.setBigUint64(MEMORY_VIEW_METADATA.MAX_ADDRESS, found.maxAddress, true);
    // A whole 64-bit space is 2^64 bytes, one more than the u64 field holds: it gets the largest u64.
    view.setBigUint64(MEMORY_VIEW_METADATA.REAL_SIZE, found.realSize > U64_MAX ? U64_MAX : found.realSize, true);
    view.setUint8(MEMORY_VIEW_METADATA.READONLY, found.readonly ? 1 : 0);
    view.setUint8(MEMORY_VIEW_METADATA.LITTLE_ENDIAN, found.littleEndian ? 1 : 0);
    view.setUint8(MEMORY_VIEW_METADATA.ARCH_BITS, found.archBits);
  } catch {
    // left as the shim filled it: a read-only 64-bit little-endian view
  }
}

const U64_MAX = (1n << 64n) - 1n;

let installed = false;

function install(): void {
  if (installed) return;
  installScriptCallbacks();
  const entries = new JSCallback(call, { args: ["u32", "u32", "ptr", "ptr"], returns: "i32" });
  const metadata = new JSCallback(viewMetadata, { args: ["u32", "ptr"], returns: "void" });
  nativeShim().mf_script_os_callbacks_set(entries.ptr ?? null, metadata.ptr ?? null);
  installed = true;
}

/**
 * The bytes of an OsInstance on `os`, to pass as a connector plugin's input: from here on the
 * plugin owns the OS and closes it when it drops its input. Throws what the OS's info() throws.
 */
export function scriptOsInput(os: Os): Uint8Array {
  install();
  const handle = adopt(os);
  const out = new Uint8Array(OS_INSTANCE.SIZE);
  const result = nativeShim().mf_script_os_input_new(handle, out);
  kept.answer = undefined;
  if (result !== 0) {
    // The shim released the handle (closing the OS) unless it ran out of memory first.
    if (heldObject(handle) !== undefined) release(handle);
    throw MemflowError.fromInt(result, `OS ${os.name} could not be handed to a native connector`);
  }
  return out;
}
