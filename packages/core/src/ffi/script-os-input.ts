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
import type { ModuleContents } from "../os/module-info.ts";
import type { Process } from "../os/process.ts";
import type { Os } from "../plugin/os.ts";
import { OS_INSTANCE } from "./layouts.ts";
import {
  ADDRESS_ENCODER,
  type Encoded,
  encodeRecords,
  MEMORY_RANGE_ENCODER,
  MODULE_ADDRESS_INFO_ENCODER,
  MODULE_INFO_ENCODER,
  NAMED_OFFSET_ENCODER,
  OS_INFO_ENCODER,
  PROCESS_INFO_ENCODER,
  PROCESS_STATE_ENCODER,
  type RecordEncoder,
  SECTION_INFO_ENCODER,
} from "./os-encode.ts";
import { MEMORY_VIEW_METADATA, OS_VTBL, PROCESS_VTBL, SHIM_SCRIPT_RESULT } from "./os-layouts.ts";
import { adopt, heldObject, release } from "./script-handles.ts";
import { installScriptCallbacks } from "./script-input.ts";
import { GivenArguments } from "./script-os-arguments.ts";
import { nativeShim } from "./shim.ts";

/** What an entry answers: records for the plugin, or the handle of a process it opened. */
type Answer = { readonly records: Encoded; readonly count: number } | { readonly handle: number };

const many = <T>(encoder: RecordEncoder<T>, values: readonly T[]): Answer => ({
  records: encodeRecords(encoder, values),
  count: values.length,
});
const one = <T>(encoder: RecordEncoder<T>, value: T): Answer => many(encoder, [value]);
const nothing: Answer = many(ADDRESS_ENCODER, []);

type Entry<T> = (object: T, given: GivenArguments, handle: number) => Answer;

/** A module's imports, exports and sections: the same answers from an OS and from a process. */
function moduleContents(vtbl: typeof OS_VTBL | typeof PROCESS_VTBL): [number, Entry<ModuleContents>][] {
  return [
    [vtbl.MODULE_IMPORT_LIST_CALLBACK.offset, (o, g) => many(NAMED_OFFSET_ENCODER, o.moduleImportList(g.module()))],
    [vtbl.MODULE_EXPORT_LIST_CALLBACK.offset, (o, g) => many(NAMED_OFFSET_ENCODER, o.moduleExportList(g.module()))],
    [vtbl.MODULE_SECTION_LIST_CALLBACK.offset, (o, g) => many(SECTION_INFO_ENCODER, o.moduleSectionList(g.module()))],
    [
      vtbl.MODULE_IMPORT_BY_NAME.offset,
      (o, g) => one(NAMED_OFFSET_ENCODER, o.moduleImportByName(g.module(), g.name())),
    ],
    [
      vtbl.MODULE_EXPORT_BY_NAME.offset,
      (o, g) => one(NAMED_OFFSET_ENCODER, o.moduleExportByName(g.module(), g.name())),
    ],
    [
      vtbl.MODULE_SECTION_BY_NAME.offset,
      (o, g) => one(SECTION_INFO_ENCODER, o.moduleSectionByName(g.module(), g.name())),
    ],
  ];
}

/** A process the OS lends (decision 0012: the TypeScript OS refuses other calls until it is dropped). */
const opened = (process: Process): Answer => ({ handle: adopt(process) });

/** into_process_by_*: the plugin's OS container is consumed whatever happens (memflow-os.md §8). */
function moved(handle: number, open: () => Process): Answer {
  try {
    const process = open();
    release(handle, false);
    return { handle: adopt(process) };
  } catch (error) {
    // The OS dropped itself on failure, or was refused before it moved: either way it goes now.
    release(handle);
    throw error;
  }
}

const OS_ENTRIES = new Map<number, Entry<Os>>([
  [OS_VTBL.PROCESS_ADDRESS_LIST_CALLBACK.offset, (os) => many(ADDRESS_ENCODER, os.processAddressList())],
  [OS_VTBL.PROCESS_INFO_LIST_CALLBACK.offset, (os) => many(PROCESS_INFO_ENCODER, os.processInfoList())],
  [OS_VTBL.PROCESS_INFO_BY_ADDRESS.offset, (os, g) => one(PROCESS_INFO_ENCODER, os.processInfoByAddress(g.number(0)))],
  [OS_VTBL.PROCESS_INFO_BY_NAME.offset, (os, g) => one(PROCESS_INFO_ENCODER, os.processInfoByName(g.name()))],
  [OS_VTBL.PROCESS_INFO_BY_PID.offset, (os, g) => one(PROCESS_INFO_ENCODER, os.processInfoByPid(Number(g.number(0))))],
  [OS_VTBL.PROCESS_BY_INFO.offset, (os, g) => opened(os.processByInfo(g.processInfo()))],
  [OS_VTBL.PROCESS_BY_ADDRESS.offset, (os, g) => opened(os.processByAddress(g.number(0)))],
  [OS_VTBL.PROCESS_BY_NAME.offset, (os, g) => opened(os.processByName(g.name()))],
  [OS_VTBL.PROCESS_BY_PID.offset, (os, g) => opened(os.processByPid(Number(g.number(0))))],
  [OS_VTBL.INTO_PROCESS_BY_INFO.offset, (os, g, h) => moved(h, () => os.intoProcessByInfo(g.processInfo()))],
  [OS_VTBL.INTO_PROCESS_BY_ADDRESS.offset, (os, g, h) => moved(h, () => os.intoProcessByAddress(g.number(0)))],
  [OS_VTBL.INTO_PROCESS_BY_NAME.offset, (os, g, h) => moved(h, () => os.intoProcessByName(g.name()))],
  [OS_VTBL.INTO_PROCESS_BY_PID.offset, (os, g, h) => moved(h, () => os.intoProcessByPid(Number(g.number(0))))],
  [OS_VTBL.MODULE_ADDRESS_LIST_CALLBACK.offset, (os) => many(ADDRESS_ENCODER, os.moduleAddressList())],
  [OS_VTBL.MODULE_LIST_CALLBACK.offset, (os) => many(MODULE_INFO_ENCODER, os.moduleList())],
  [OS_VTBL.MODULE_BY_ADDRESS.offset, (os, g) => one(MODULE_INFO_ENCODER, os.moduleByAddress(g.number(0)))],
  [OS_VTBL.MODULE_BY_NAME.offset, (os, g) => one(MODULE_INFO_ENCODER, os.moduleByName(g.name()))],
  [OS_VTBL.PRIMARY_MODULE_ADDRESS.offset, (os) => one(ADDRESS_ENCODER, os.primaryModuleAddress())],
  [OS_VTBL.PRIMARY_MODULE.offset, (os) => one(MODULE_INFO_ENCODER, os.primaryModule())],
  ...moduleContents(OS_VTBL),
  [OS_VTBL.INFO.offset, (os) => one(OS_INFO_ENCODER, os.info())],
]);

const PROCESS_ENTRIES = new Map<number, Entry<Process>>([
  [PROCESS_VTBL.STATE.offset, (p) => one(PROCESS_STATE_ENCODER, p.state())],
  [
    PROCESS_VTBL.SET_DTB.offset,
    (p, g) => {
      p.setDtb(g.number(0), g.number(1));
      return nothing;
    },
  ],
  [
    PROCESS_VTBL.MODULE_ADDRESS_LIST_CALLBACK.offset,
    (p, g) => many(MODULE_ADDRESS_INFO_ENCODER, p.moduleAddressList(g.arch())),
  ],
  [PROCESS_VTBL.MODULE_LIST_CALLBACK.offset, (p, g) => many(MODULE_INFO_ENCODER, p.moduleList(g.arch()))],
  [
    PROCESS_VTBL.MODULE_BY_ADDRESS.offset,
    (p, g) => one(MODULE_INFO_ENCODER, p.moduleByAddress(g.number(0), requiredArch(g))),
  ],
  [PROCESS_VTBL.MODULE_BY_NAME_ARCH.offset, (p, g) => one(MODULE_INFO_ENCODER, p.moduleByName(g.name(), g.arch()))],
  [PROCESS_VTBL.MODULE_BY_NAME.offset, (p, g) => one(MODULE_INFO_ENCODER, p.moduleByName(g.name()))],
  [PROCESS_VTBL.PRIMARY_MODULE_ADDRESS.offset, (p) => one(ADDRESS_ENCODER, p.primaryModuleAddress())],
  [PROCESS_VTBL.PRIMARY_MODULE.offset, (p) => one(MODULE_INFO_ENCODER, p.primaryModule())],
  ...moduleContents(PROCESS_VTBL),
  [PROCESS_VTBL.INFO.offset, (p) => one(PROCESS_INFO_ENCODER, p.info())],
  [
    PROCESS_VTBL.MAPPED_MEM_RANGE.offset,
    (p, g) => many(MEMORY_RANGE_ENCODER, p.mappedMemRange(g.signed(0), g.number(1), g.number(2))),
  ],
  [PROCESS_VTBL.MAPPED_MEM.offset, (p, g) => many(MEMORY_RANGE_ENCODER, p.mappedMemRange(g.signed(0)))],
]);

function requiredArch(given: GivenArguments) {
  const arch = given.arch();
  if (arch === undefined)
    throw new MemflowError("OsLayer", "InvalidArgument", "module_by_address was given no architecture");
  return arch;
}

const isOs = (object: object): object is Os => "processInfoList" in object;

/** The last answer, kept alive until the next call (the shim copies it at once). */
const kept: { answer?: Encoded } = {};

function call(handle: number, entry: number, args: Pointer | null, out: Pointer | null): number {
  const object = heldObject(handle);
  if (object === undefined || args === null || out === null) return encodeError("Ffi", "Uninitialized");
  try {
    const given = new GivenArguments(args);
    const answer = isOs(object)
      ? OS_ENTRIES.get(entry)?.(object, given, handle)
      : "state" in object
        ? PROCESS_ENTRIES.get(entry)?.(object, given, handle)
        : undefined;
    if (answer === undefined) return encodeError("OsLayer", "NotSupported");
    const result = new DataView(toArrayBuffer(out, 0, SHIM_SCRIPT_RESULT.SIZE));
    if ("handle" in answer) {
      result.setBigUint64(SHIM_SCRIPT_RESULT.HANDLE, BigInt(answer.handle), true);
      return 0;
    }
    kept.answer = answer.records;
    result.setBigUint64(SHIM_SCRIPT_RESULT.RECORDS, BigInt(ptr(answer.records.bytes)), true);
    result.setBigUint64(SHIM_SCRIPT_RESULT.COUNT, BigInt(answer.count), true);
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
