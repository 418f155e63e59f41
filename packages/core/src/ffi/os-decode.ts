/**
 * memflow's OS-layer structs, as the shim's List holds them (os-list.h: the plugin's own struct
 * with its strings moved out), turned into plain frozen objects with exact bigint addresses.
 * Architectures and process states repeat across a list, so each distinct one is made once.
 */
import type { MemoryViewMetadata } from "../memory/memory-view.ts";
import type { ArchitectureIdent } from "../os/architecture.ts";
import type { ExportInfo, ImportInfo, ModuleAddressInfo, ModuleInfo, SectionInfo } from "../os/module-info.ts";
import type { MemoryRange, Page, PhysicalAddress } from "../os/page.ts";
import type { ProcessInfo, ProcessState } from "../os/process-info.ts";
import type { VirtualTranslation, VirtualTranslationFailure } from "../os/virtual-translate.ts";
import type { OsInfo } from "../plugin/os.ts";
import type { Records, RecordType } from "./native-list.ts";
import {
  ARCHITECTURE_IDENT,
  ARCHITECTURE_TAG,
  IMPORT_INFO,
  MEMORY_RANGE,
  MEMORY_VIEW_METADATA,
  MODULE_ADDRESS_INFO,
  MODULE_INFO,
  OS_INFO,
  PAGE,
  PHYSICAL_ADDRESS,
  PROCESS_INFO,
  PROCESS_STATE,
  PROCESS_STATE_TAG,
  SECTION_INFO,
  VIRTUAL_TRANSLATION,
  VIRTUAL_TRANSLATION_FAIL,
} from "./os-layouts.ts";

const u64 = (view: DataView, at: number) => view.getBigUint64(at, true);
/** The 8-byte field at `at` of a list's records: every such field is 8-aligned, as in the C structs. */
const word = (records: Records, at: number) => records.words[at >>> 3] as bigint;
const freeze = Object.freeze;

/**
 * X86 architectures by bits * 2 + address extensions (an array: a list of processes looks up
 * two per record, cold); the others by tag and payload.
 */
const x86Architectures: (ArchitectureIdent | undefined)[] = [];
const otherArchitectures = new Map<string, ArchitectureIdent>();

/** memflow's ArchitectureIdent at `at`: its tag, and only the payload the tag uses. */
export function architectureAt(view: DataView, at: number): ArchitectureIdent {
  const tag = view.getUint32(at + ARCHITECTURE_IDENT.TAG, true);
  if (tag === ARCHITECTURE_TAG.X86) {
    const bits = view.getUint8(at + ARCHITECTURE_IDENT.X86_BITS);
    const addressExtensions = view.getUint8(at + ARCHITECTURE_IDENT.X86_ADDRESS_EXTENSIONS) !== 0;
    const key = bits * 2 + (addressExtensions ? 1 : 0);
    let arch = x86Architectures[key];
    if (arch === undefined) {
      arch = freeze({ kind: "X86", bits, addressExtensions });
      x86Architectures[key] = arch;
    }
    return arch;
  }
  const value = u64(view, at + ARCHITECTURE_IDENT.VALUE);
  const aarch64 = tag === ARCHITECTURE_TAG.AARCH64;
  const key = `${aarch64} ${value}`;
  let arch = otherArchitectures.get(key);
  if (arch === undefined) {
    arch = aarch64 ? freeze({ kind: "AArch64", pageSize: value }) : freeze({ kind: "Unknown", id: value });
    otherArchitectures.set(key, arch);
  }
  return arch;
}

const UNKNOWN: ProcessState = freeze({ kind: "Unknown" });
const ALIVE: ProcessState = freeze({ kind: "Alive" });

export function processStateAt(view: DataView, at: number): ProcessState {
  const tag = view.getUint32(at + PROCESS_STATE.TAG, true);
  if (tag === PROCESS_STATE_TAG.ALIVE) return ALIVE;
  if (tag === PROCESS_STATE_TAG.DEAD)
    return freeze({ kind: "Dead", exitCode: view.getInt32(at + PROCESS_STATE.EXIT_CODE, true) });
  return UNKNOWN;
}

export function osInfoAt(view: DataView, at: number): OsInfo {
  return freeze({
    base: u64(view, at + OS_INFO.BASE),
    size: u64(view, at + OS_INFO.SIZE_FIELD),
    arch: architectureAt(view, at + OS_INFO.ARCH),
  });
}

/** memflow's encoding: page_size_log2 holds bit_length(size) − 2, and 0 means no page was known. */
export function physicalAddressAt(view: DataView, at: number): PhysicalAddress {
  const log2 = view.getUint8(at + PHYSICAL_ADDRESS.PAGE_SIZE_LOG2);
  return freeze({
    address: u64(view, at + PHYSICAL_ADDRESS.ADDRESS),
    pageType: view.getUint8(at + PHYSICAL_ADDRESS.PAGE_TYPE),
    pageSize: log2 === 0 ? undefined : 2n << BigInt(log2),
  });
}

export function pageAt(view: DataView, at: number): Page {
  return freeze({
    pageType: view.getUint8(at + PAGE.PAGE_TYPE),
    pageBase: u64(view, at + PAGE.PAGE_BASE),
    pageSize: u64(view, at + PAGE.PAGE_SIZE),
  });
}

export const ADDRESS: RecordType<bigint> = { size: 8, strings: 0, decode: (records, at) => word(records, at) };

/**
 * `count` ProcessInfos, the first at `start` with its strings from `strings[first]` on: one loop,
 * fields read inline (RecordType.decodeAll), since `ps` decodes thousands at start-up. States
 * and architectures repeat down a list, so each is decoded (a call) only when the 32-bit words
 * that decide it (a state's tag and exit code; an architecture's tag and 8-byte payload) differ
 * from the record before's, whose object is reused: decoding equal words gives an equal object.
 */
function processInfos(
  { view, words, halves }: Records,
  start: number,
  count: number,
  strings: readonly string[],
  first: number,
): ProcessInfo[] {
  const infos = new Array<ProcessInfo>(count);
  const STATE_TAG = (PROCESS_INFO.STATE + PROCESS_STATE.TAG) / 4;
  const EXIT_CODE = (PROCESS_INFO.STATE + PROCESS_STATE.EXIT_CODE) / 4;
  const SYS_TAG = (PROCESS_INFO.SYS_ARCH + ARCHITECTURE_IDENT.TAG) / 4;
  const SYS_VALUE = (PROCESS_INFO.SYS_ARCH + ARCHITECTURE_IDENT.VALUE) / 4;
  const PROC_TAG = (PROCESS_INFO.PROC_ARCH + ARCHITECTURE_IDENT.TAG) / 4;
  const PROC_VALUE = (PROCESS_INFO.PROC_ARCH + ARCHITECTURE_IDENT.VALUE) / 4;
  // The words that decided the last state and architectures; -1 matches none, so the first
  // record decodes all three.
  let state: ProcessState | undefined;
  let stateWords = [-1, -1];
  let sysArch: ArchitectureIdent | undefined;
  let sysWords = [-1, -1, -1];
  let procArch: ArchitectureIdent | undefined;
  let procWords = [-1, -1, -1];
  for (let index = 0; index < count; index += 1) {
    const at = start + index * PROCESS_INFO.SIZE;
    const word = at >>> 3; // 8-aligned, as every 8-byte field of the C struct
    const half = at >>> 2;
    const text = first + index * 3;
    if (halves[half + STATE_TAG] !== stateWords[0] || halves[half + EXIT_CODE] !== stateWords[1]) {
      state = processStateAt(view, at + PROCESS_INFO.STATE);
      stateWords = [halves[half + STATE_TAG] as number, halves[half + EXIT_CODE] as number];
    }
    const sys = half + SYS_VALUE;
    if (halves[half + SYS_TAG] !== sysWords[0] || halves[sys] !== sysWords[1] || halves[sys + 1] !== sysWords[2]) {
      sysArch = architectureAt(view, at + PROCESS_INFO.SYS_ARCH);
      sysWords = [halves[half + SYS_TAG] as number, halves[sys] as number, halves[sys + 1] as number];
    }
    const proc = half + PROC_VALUE;
    if (
      halves[half + PROC_TAG] !== procWords[0] ||
      halves[proc] !== procWords[1] ||
      halves[proc + 1] !== procWords[2]
    ) {
      procArch = architectureAt(view, at + PROCESS_INFO.PROC_ARCH);
      procWords = [halves[half + PROC_TAG] as number, halves[proc] as number, halves[proc + 1] as number];
    }
    infos[index] = freeze({
      address: words[word + PROCESS_INFO.ADDRESS / 8] as bigint,
      pid: halves[half + PROCESS_INFO.PID / 4] as number,
      state: state as ProcessState,
      name: strings[text] ?? "",
      path: strings[text + 1] ?? "",
      commandLine: strings[text + 2] ?? "",
      sysArch: sysArch as ArchitectureIdent,
      procArch: procArch as ArchitectureIdent,
      dtb1: words[word + PROCESS_INFO.DTB1 / 8] as bigint,
      dtb2: words[word + PROCESS_INFO.DTB2 / 8] as bigint,
    });
  }
  return infos;
}

export const PROCESS_INFO_RECORD: RecordType<ProcessInfo> = {
  size: PROCESS_INFO.SIZE,
  strings: 3,
  decode: (records, at, strings, first) => processInfos(records, at, 1, strings, first)[0] as ProcessInfo,
  decodeAll: (records, count, strings) => processInfos(records, 0, count, strings, 0),
};

export const MODULE_INFO_RECORD: RecordType<ModuleInfo> = {
  size: MODULE_INFO.SIZE,
  strings: 2,
  decode: (records, at, strings, first) =>
    freeze({
      address: word(records, at + MODULE_INFO.ADDRESS),
      parentProcess: word(records, at + MODULE_INFO.PARENT_PROCESS),
      base: word(records, at + MODULE_INFO.BASE),
      size: word(records, at + MODULE_INFO.SIZE_FIELD),
      name: strings[first] ?? "",
      path: strings[first + 1] ?? "",
      arch: architectureAt(records.view, at + MODULE_INFO.ARCH),
    }),
};

export const MODULE_ADDRESS_INFO_RECORD: RecordType<ModuleAddressInfo> = {
  size: MODULE_ADDRESS_INFO.SIZE,
  strings: 0,
  decode: (records, at) =>
    freeze({
      address: word(records, at + MODULE_ADDRESS_INFO.ADDRESS),
      arch: architectureAt(records.view, at + MODULE_ADDRESS_INFO.ARCH),
    }),
};

/** ImportInfo and ExportInfo are laid out alike (the shim keeps exports in ImportInfo records). */
export const NAMED_OFFSET_RECORD: RecordType<ImportInfo & ExportInfo> = {
  size: IMPORT_INFO.SIZE,
  strings: 1,
  decode: (records, at, strings, first) =>
    freeze({ name: strings[first] ?? "", offset: word(records, at + IMPORT_INFO.OFFSET) }),
};

export const SECTION_INFO_RECORD: RecordType<SectionInfo> = {
  size: SECTION_INFO.SIZE,
  strings: 1,
  decode: (records, at, strings, first) =>
    freeze({
      name: strings[first] ?? "",
      base: word(records, at + SECTION_INFO.BASE),
      size: word(records, at + SECTION_INFO.SIZE_FIELD),
    }),
};

export const MEMORY_RANGE_RECORD: RecordType<MemoryRange> = {
  size: MEMORY_RANGE.SIZE,
  strings: 0,
  decode: (records, at) =>
    freeze({
      address: word(records, at + MEMORY_RANGE.ADDRESS),
      size: word(records, at + MEMORY_RANGE.SIZE_FIELD),
      pageType: records.view.getUint8(at + MEMORY_RANGE.PAGE_TYPE),
    }),
};

export const TRANSLATION_RECORD: RecordType<VirtualTranslation> = {
  size: VIRTUAL_TRANSLATION.SIZE,
  strings: 0,
  decode: (records, at) =>
    freeze({
      inVirtual: word(records, at + VIRTUAL_TRANSLATION.IN_VIRTUAL),
      size: word(records, at + VIRTUAL_TRANSLATION.SIZE_FIELD),
      outPhysical: physicalAddressAt(records.view, at + VIRTUAL_TRANSLATION.OUT_PHYSICAL),
    }),
};

export const TRANSLATION_FAILURE_RECORD: RecordType<VirtualTranslationFailure> = {
  size: VIRTUAL_TRANSLATION_FAIL.SIZE,
  strings: 0,
  decode: (records, at) =>
    freeze({
      from: word(records, at + VIRTUAL_TRANSLATION_FAIL.FROM),
      size: word(records, at + VIRTUAL_TRANSLATION_FAIL.SIZE_FIELD),
    }),
};

export function memoryViewMetadataAt(view: DataView, at: number): MemoryViewMetadata {
  return freeze({
    maxAddress: u64(view, at + MEMORY_VIEW_METADATA.MAX_ADDRESS),
    realSize: u64(view, at + MEMORY_VIEW_METADATA.REAL_SIZE),
    readonly: view.getUint8(at + MEMORY_VIEW_METADATA.READONLY) !== 0,
    littleEndian: view.getUint8(at + MEMORY_VIEW_METADATA.LITTLE_ENDIAN) !== 0,
    archBits: view.getUint8(at + MEMORY_VIEW_METADATA.ARCH_BITS),
  });
}
