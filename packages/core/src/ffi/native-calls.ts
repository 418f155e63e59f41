/**
 * Calling an entry of an OS-layer vtable (Os, Process, VirtualTranslate, OsKeyboard, Keyboard)
 * through the shim's `mf_os_call` (os-calls.h): the entry is read from the object's vtable, its
 * arguments are laid out as the shim's Arguments, and its result is either a List of records
 * (lists and lookups, decoded once by native-list.ts) or bytes written to `out`. A plugin's error
 * becomes its MemflowError, naming the entry and the object.
 */
import { type Pointer, ptr, read } from "bun:ffi";
import { MemflowError } from "../error.ts";
import type { Address } from "../memory/address.ts";
import { setRecordWord } from "../memory/transfer-batch.ts";
import type { ArchitectureIdent } from "../os/architecture.ts";
import type { ModuleInfo } from "../os/module-info.ts";
import type { MemoryRange } from "../os/page.ts";
import type { ProcessInfo } from "../os/process-info.ts";
import { INVALID_ADDRESS } from "../os/process-info.ts";
import { translatedRange } from "../os/virtual-translate.ts";
import type { InstanceMemory } from "./instance-memory.ts";
import { type RecordType, ShimList } from "./native-list.ts";
import type { TransferHandle } from "./native-transfer.ts";
import { MEMORY_RANGE_RECORD } from "./os-decode.ts";
import { encodeArchitecture, encodeModuleInfo, encodeName, encodeProcessInfo } from "./os-encode.ts";
import { SHIM_ARGUMENTS, SHIM_CALL, type VtableEntry } from "./os-layouts.ts";
import { nativeShim } from "./shim.ts";

/** What the calls need of the object they call into. */
export interface CallTarget {
  /** The vtable the entries are read from; throws while the object may not be used. */
  vtable(): Pointer;
  /** The object's container, passed to every entry; throws as `vtable`. */
  container(): Pointer;
  /** The plugin, as a crash report names it (plugin-label.ts). */
  readonly plugin: Pointer;
  /** How an error names the object: `os testos`, `process 1 of os testos`. */
  readonly label: string;
}

/**
 * The calls' view of a plugin object the host owns: the vtable at `offset` of its instance, and
 * its container, each time through `usable` (by default the instance itself, which throws once
 * closed or moved; an OS also refuses while it is lent out).
 */
export function instanceTarget(
  memory: InstanceMemory,
  offset: number,
  usable: () => InstanceMemory = () => memory,
): CallTarget {
  return {
    vtable: () => {
      const vtable = usable().vtable(offset);
      if (vtable === null) throw new MemflowError("OsLayer", "InvalidAbi", `${memory.label} has a NULL vtable`);
      return vtable;
    },
    container: () => usable().container(),
    plugin: memory.plugin.pointer,
    label: memory.label,
  };
}

/** The calls' view of a handle: checked before each call, its pointers fixed while it lives. */
export function handleTarget(handle: TransferHandle): CallTarget {
  return {
    vtable: () => {
      handle.check();
      return handle.vtable;
    },
    container: () => handle.container,
    plugin: handle.plugin,
    label: handle.label,
  };
}

/** Each shape takes the arguments it needs (os-calls.h's Arguments). */
export interface CallArguments {
  /** Integers in the entry's order: addresses, a pid, a gap size, start and end, dtbs, a key. */
  readonly numbers?: readonly (number | bigint)[];
  readonly name?: string;
  /** Absent where memflow takes an optional architecture: every architecture. */
  readonly arch?: ArchitectureIdent;
  readonly module?: ModuleInfo;
  /** process_by_info's ProcessInfo (the shim copies its strings with malloc: the plugin frees them). */
  readonly info?: ProcessInfo;
  /** Bytes the entry takes as a slice (VtopRanges), with their count. */
  readonly items?: Uint8Array;
  readonly itemCount?: number;
  /** What an error's detail adds: what was looked for. */
  readonly about?: string;
}

/** One of each for the module: calls run one at a time, on the JavaScript thread. */
const results = new ShimList();
const failures = new ShimList();
const argumentBytes = new Uint8Array(SHIM_ARGUMENTS.SIZE);
const argumentWords = new Uint32Array(argumentBytes.buffer);
const names = new Map<string, Uint8Array>();

/** An entry's name, NUL-terminated, for a crash report; kept for the process's life. */
function entryName(entry: VtableEntry): Pointer {
  let bytes = names.get(entry.name);
  if (bytes === undefined) {
    bytes = new TextEncoder().encode(`${entry.name}\0`);
    names.set(entry.name, bytes);
  }
  return ptr(bytes);
}

function setWord(offset: number, value: number | bigint): void {
  setRecordWord(argumentWords, offset / 4, value);
}

const I64_MIN = -(2n ** 63n);
const U64_END = 2n ** 64n;

/**
 * An integer an entry takes as 64 bits: an address (unsigned) or a gap size (signed). Anything
 * else (a fraction, NaN, a number past 2^53 that is no longer exact, a bigint of more than 64
 * bits) would reach the plugin as some other value, silently.
 */
function checkWord(value: number | bigint): number | bigint {
  const fits = typeof value === "bigint" ? value >= I64_MIN && value < U64_END : Number.isSafeInteger(value);
  if (!fits)
    throw new MemflowError(
      "OsLayer",
      "InvalidArgument",
      `${value} is not a 64-bit integer (pass a bigint for addresses from 2^53 on)`,
    );
  return value;
}

/** Lays `args` out in the shared Arguments; returns the buffers its pointers point at. */
function writeArguments(args: CallArguments): unknown[] {
  argumentBytes.fill(0);
  const keepAlive: unknown[] = [];
  const pointer = (offset: number, bytes: Uint8Array) => {
    keepAlive.push(bytes);
    if (bytes.length > 0) setWord(offset, ptr(bytes));
  };
  args.numbers?.forEach((value, index) => {
    setWord(SHIM_ARGUMENTS.NUMBER + index * 8, checkWord(value));
  });
  if (args.name !== undefined) {
    const name = encodeName(args.name);
    pointer(SHIM_ARGUMENTS.NAME, name);
    setWord(SHIM_ARGUMENTS.NAME_LENGTH, name.length);
  }
  if (args.arch !== undefined) pointer(SHIM_ARGUMENTS.ARCH, encodeArchitecture(args.arch));
  if (args.module !== undefined) {
    const module = encodeModuleInfo(args.module);
    keepAlive.push(module.keepAlive);
    pointer(SHIM_ARGUMENTS.MODULE, module.bytes);
  }
  if (args.info !== undefined) {
    const info = encodeProcessInfo(args.info);
    keepAlive.push(info.keepAlive);
    pointer(SHIM_ARGUMENTS.ITEMS, info.bytes);
    setWord(SHIM_ARGUMENTS.ITEM_COUNT, 1);
  }
  if (args.items !== undefined) {
    pointer(SHIM_ARGUMENTS.ITEMS, args.items);
    setWord(SHIM_ARGUMENTS.ITEM_COUNT, args.itemCount ?? 1);
  }
  setWord(SHIM_ARGUMENTS.FAILURES, failures.pointer);
  return keepAlive;
}

/** Keeps buffers a native call used reachable until after the call. */
function keep(..._values: unknown[]): void {}

export class NativeCalls {
  readonly #target: CallTarget;

  constructor(target: CallTarget) {
    this.#target = target;
  }

  get label(): string {
    return this.#target.label;
  }

  /** Calls an entry whose results the shim collects (a list, or a lookup's one record). */
  list<T>(shape: number, entry: VtableEntry, type: RecordType<T>, args: CallArguments = {}): T[] {
    results.reset();
    failures.reset();
    this.call(shape, entry, args, results.pointer);
    return results.decode(type, `the ${entry.name} of ${this.#target.label}`);
  }

  /** A lookup: the one record the entry gave. */
  one<T>(shape: number, entry: VtableEntry, type: RecordType<T>, args: CallArguments = {}): T {
    const [found] = this.list(shape, entry, type, args);
    if (found === undefined)
      throw new MemflowError("OsLayer", "InvalidAbi", `${this.#detail(entry, args)} reported success without a result`);
    return found;
  }

  /** The parts the last `virt_to_phys_list` could not translate. */
  failures<T>(type: RecordType<T>): T[] {
    return failures.decode(type, `the failures of ${this.#target.label}`);
  }

  /**
   * Calls an entry that writes its result into `out` (or returns nothing); throws the plugin's
   * error. `beforeCall` runs once nothing can fail on this side any more, just before the plugin
   * is called: where an entry that consumes its object (`into_*`) is known to have it.
   */
  call(
    shape: number,
    entry: VtableEntry,
    args: CallArguments,
    out: Uint8Array | BigUint64Array | Pointer | null,
    beforeCall?: () => void,
  ): void {
    const target = this.#target;
    const vtable = target.vtable();
    const container = target.container();
    const fn = read.ptr(vtable, entry.offset);
    if (fn === 0) throw new MemflowError("OsLayer", "NotImplemented", `${target.label} has no ${entry.name} entry`);
    const keepAlive = writeArguments(args);
    beforeCall?.();
    const result = nativeShim().mf_os_call(
      shape,
      fn as Pointer,
      container,
      argumentBytes,
      out,
      entryName(entry),
      target.plugin,
    );
    keep(keepAlive, out);
    if (result !== 0) throw MemflowError.fromInt(result, this.#detail(entry, args));
  }

  #detail(entry: VtableEntry, args: CallArguments): string {
    return `${entry.name}${args.about === undefined ? "" : ` (${args.about})`} of ${this.#target.label}`;
  }
}

/**
 * Mapped ranges, as a Process's mapped_mem_range and a VirtualTranslate's virt_page_map_range
 * give them: the `whole` entry (memflow's mapped_mem, virt_page_map) without a start or an end,
 * else the `range` entry over [start, end), start 0 and end Address::INVALID by default.
 */
export function memoryRanges(
  calls: NativeCalls,
  whole: VtableEntry,
  range: VtableEntry,
  gapSize: number | bigint,
  start: Address | undefined,
  end: Address | undefined,
): MemoryRange[] {
  // memflow's gap size is an i64: a larger bigint would arrive negative, that is "fill no gap".
  if (typeof gapSize === "bigint" && gapSize >= -I64_MIN)
    throw new MemflowError("OsLayer", "InvalidArgument", `the gap size ${gapSize} is past memflow's i64`);
  if (start === undefined && end === undefined)
    return calls.list(SHIM_CALL.ALL_MEMORY_RANGES, whole, MEMORY_RANGE_RECORD, { numbers: [gapSize] });
  translatedRange(start ?? 0, end ?? INVALID_ADDRESS);
  return calls.list(SHIM_CALL.MEMORY_RANGES, range, MEMORY_RANGE_RECORD, {
    numbers: [gapSize, start ?? 0, end ?? INVALID_ADDRESS],
  });
}
