/**
 * What the host hands a plugin in memflow's layout: architectures, a ModuleInfo (whose imports,
 * exports or sections are asked for; the plugin only reads it) and a ProcessInfo (for
 * process_by_info; the shim copies its strings with malloc, since the plugin frees them), and
 * what a TypeScript OS answers a native plugin (script-os-input.ts: lists and single records,
 * whose strings the shim copies for the plugin). Strings point at NUL-terminated bytes in
 * `keepAlive`, which the caller holds until the call returns.
 */
import { ptr } from "bun:ffi";
import { MemflowError } from "../error.ts";
import type { ArchitectureIdent } from "../os/architecture.ts";
import type { ExportInfo, ImportInfo, ModuleAddressInfo, ModuleInfo, SectionInfo } from "../os/module-info.ts";
import type { MemoryRange, Page, PhysicalAddress } from "../os/page.ts";
import type { ProcessInfo, ProcessState } from "../os/process-info.ts";
import type { VirtualTranslation, VirtualTranslationFailure } from "../os/virtual-translate.ts";
import type { OsInfo } from "../plugin/os.ts";
import {
  ARCHITECTURE_IDENT,
  ARCHITECTURE_TAG,
  IMPORT_INFO,
  MEMORY_RANGE,
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

export interface Encoded {
  readonly bytes: Uint8Array;
  /** Buffers the bytes point at. */
  readonly keepAlive: unknown[];
}

const utf8 = new TextEncoder();

/** A name as memflow takes one (CSliceRef<u8>): its UTF-8 bytes, not NUL-terminated. */
export function encodeName(name: string): Uint8Array {
  return utf8.encode(name);
}

function cString(view: DataView, at: number, text: string, what: string, keepAlive: unknown[]): void {
  if (text.includes("\0"))
    throw new MemflowError("OsLayer", "InvalidArgument", `${what} ${JSON.stringify(text)} contains a NUL character`);
  const bytes = utf8.encode(`${text}\0`);
  keepAlive.push(bytes);
  view.setBigUint64(at, BigInt(ptr(bytes)), true);
}

export function writeArchitecture(view: DataView, at: number, arch: ArchitectureIdent): void {
  switch (arch.kind) {
    case "X86":
      view.setUint32(at + ARCHITECTURE_IDENT.TAG, ARCHITECTURE_TAG.X86, true);
      view.setUint8(at + ARCHITECTURE_IDENT.X86_BITS, arch.bits);
      view.setUint8(at + ARCHITECTURE_IDENT.X86_ADDRESS_EXTENSIONS, arch.addressExtensions ? 1 : 0);
      return;
    case "AArch64":
      view.setUint32(at + ARCHITECTURE_IDENT.TAG, ARCHITECTURE_TAG.AARCH64, true);
      view.setBigUint64(at + ARCHITECTURE_IDENT.VALUE, arch.pageSize, true);
      return;
    case "Unknown":
      view.setUint32(at + ARCHITECTURE_IDENT.TAG, ARCHITECTURE_TAG.UNKNOWN, true);
      view.setBigUint64(at + ARCHITECTURE_IDENT.VALUE, arch.id, true);
  }
}

export function encodeArchitecture(arch: ArchitectureIdent): Uint8Array {
  const bytes = new Uint8Array(ARCHITECTURE_IDENT.SIZE);
  writeArchitecture(new DataView(bytes.buffer), 0, arch);
  return bytes;
}

/** How one record type is written in memflow's layout: its size and a writer (strings to `keepAlive`). */
export interface RecordEncoder<T> {
  readonly size: number;
  write(view: DataView, at: number, value: T, keepAlive: unknown[]): void;
}

/** `values` as consecutive records, their strings NUL-terminated in `keepAlive`. */
export function encodeRecords<T>(encoder: RecordEncoder<T>, values: readonly T[]): Encoded {
  const bytes = new Uint8Array(Math.max(encoder.size * values.length, 8));
  const view = new DataView(bytes.buffer);
  const keepAlive: unknown[] = [];
  for (const [index, value] of values.entries()) encoder.write(view, index * encoder.size, value, keepAlive);
  return { bytes, keepAlive };
}

export const MODULE_INFO_ENCODER: RecordEncoder<ModuleInfo> = {
  size: MODULE_INFO.SIZE,
  write(view, at, module, keepAlive) {
    view.setBigUint64(at + MODULE_INFO.ADDRESS, module.address, true);
    view.setBigUint64(at + MODULE_INFO.PARENT_PROCESS, module.parentProcess, true);
    view.setBigUint64(at + MODULE_INFO.BASE, module.base, true);
    view.setBigUint64(at + MODULE_INFO.SIZE_FIELD, module.size, true);
    cString(view, at + MODULE_INFO.NAME, module.name, "the module name", keepAlive);
    cString(view, at + MODULE_INFO.PATH, module.path, "the module path", keepAlive);
    writeArchitecture(view, at + MODULE_INFO.ARCH, module.arch);
  },
};

export function encodeModuleInfo(module: ModuleInfo): Encoded {
  return encodeRecords(MODULE_INFO_ENCODER, [module]);
}

function writeState(view: DataView, at: number, state: ProcessState): void {
  const tag = { Unknown: PROCESS_STATE_TAG.UNKNOWN, Alive: PROCESS_STATE_TAG.ALIVE, Dead: PROCESS_STATE_TAG.DEAD };
  view.setUint32(at + PROCESS_STATE.TAG, tag[state.kind], true);
  view.setInt32(at + PROCESS_STATE.EXIT_CODE, state.kind === "Dead" ? state.exitCode : 0, true);
}

export const PROCESS_STATE_ENCODER: RecordEncoder<ProcessState> = {
  size: PROCESS_STATE.SIZE,
  write: (view, at, state) => writeState(view, at, state),
};

export const PROCESS_INFO_ENCODER: RecordEncoder<ProcessInfo> = {
  size: PROCESS_INFO.SIZE,
  write(view, at, info, keepAlive) {
    view.setBigUint64(at + PROCESS_INFO.ADDRESS, info.address, true);
    view.setUint32(at + PROCESS_INFO.PID, info.pid, true);
    writeState(view, at + PROCESS_INFO.STATE, info.state);
    cString(view, at + PROCESS_INFO.NAME, info.name, "the process name", keepAlive);
    cString(view, at + PROCESS_INFO.PATH, info.path, "the process path", keepAlive);
    cString(view, at + PROCESS_INFO.COMMAND_LINE, info.commandLine, "the command line", keepAlive);
    writeArchitecture(view, at + PROCESS_INFO.SYS_ARCH, info.sysArch);
    writeArchitecture(view, at + PROCESS_INFO.PROC_ARCH, info.procArch);
    view.setBigUint64(at + PROCESS_INFO.DTB1, info.dtb1, true);
    view.setBigUint64(at + PROCESS_INFO.DTB2, info.dtb2, true);
  },
};

export function encodeProcessInfo(info: ProcessInfo): Encoded {
  return encodeRecords(PROCESS_INFO_ENCODER, [info]);
}

export const ADDRESS_ENCODER: RecordEncoder<bigint> = {
  size: 8,
  write: (view, at, address) => view.setBigUint64(at, address, true),
};

export const MODULE_ADDRESS_INFO_ENCODER: RecordEncoder<ModuleAddressInfo> = {
  size: MODULE_ADDRESS_INFO.SIZE,
  write(view, at, info) {
    view.setBigUint64(at + MODULE_ADDRESS_INFO.ADDRESS, info.address, true);
    writeArchitecture(view, at + MODULE_ADDRESS_INFO.ARCH, info.arch);
  },
};

/** ImportInfo and ExportInfo are laid out alike. */
export const NAMED_OFFSET_ENCODER: RecordEncoder<ImportInfo | ExportInfo> = {
  size: IMPORT_INFO.SIZE,
  write(view, at, info, keepAlive) {
    cString(view, at + IMPORT_INFO.NAME, info.name, "the name", keepAlive);
    view.setBigUint64(at + IMPORT_INFO.OFFSET, info.offset, true);
  },
};

export const SECTION_INFO_ENCODER: RecordEncoder<SectionInfo> = {
  size: SECTION_INFO.SIZE,
  write(view, at, info, keepAlive) {
    cString(view, at + SECTION_INFO.NAME, info.name, "the section name", keepAlive);
    view.setBigUint64(at + SECTION_INFO.BASE, info.base, true);
    view.setBigUint64(at + SECTION_INFO.SIZE_FIELD, info.size, true);
  },
};

export const MEMORY_RANGE_ENCODER: RecordEncoder<MemoryRange> = {
  size: MEMORY_RANGE.SIZE,
  write(view, at, range) {
    view.setBigUint64(at + MEMORY_RANGE.ADDRESS, range.address, true);
    view.setBigUint64(at + MEMORY_RANGE.SIZE_FIELD, range.size, true);
    view.setUint8(at + MEMORY_RANGE.PAGE_TYPE, range.pageType);
  },
};

export const OS_INFO_ENCODER: RecordEncoder<OsInfo> = {
  size: OS_INFO.SIZE,
  write(view, at, info) {
    view.setBigUint64(at + OS_INFO.BASE, info.base, true);
    view.setBigUint64(at + OS_INFO.SIZE_FIELD, info.size, true);
    writeArchitecture(view, at + OS_INFO.ARCH, info.arch);
  },
};

/** memflow's encoding of a page size: bit_length(size) − 2, and 0 for no page (os-decode.ts reads it back). */
function pageSizeLog2(size: bigint | undefined): number {
  return size === undefined || size === 0n ? 0 : size.toString(2).length - 2;
}

function writePhysicalAddress(view: DataView, at: number, physical: PhysicalAddress): void {
  view.setBigUint64(at + PHYSICAL_ADDRESS.ADDRESS, physical.address, true);
  view.setUint8(at + PHYSICAL_ADDRESS.PAGE_TYPE, physical.pageType);
  view.setUint8(at + PHYSICAL_ADDRESS.PAGE_SIZE_LOG2, pageSizeLog2(physical.pageSize));
}

export const PHYSICAL_ADDRESS_ENCODER: RecordEncoder<PhysicalAddress> = {
  size: PHYSICAL_ADDRESS.SIZE,
  write: (view, at, physical) => writePhysicalAddress(view, at, physical),
};

export const PAGE_ENCODER: RecordEncoder<Page> = {
  size: PAGE.SIZE,
  write(view, at, page) {
    view.setUint8(at + PAGE.PAGE_TYPE, page.pageType);
    view.setBigUint64(at + PAGE.PAGE_BASE, page.pageBase, true);
    view.setBigUint64(at + PAGE.PAGE_SIZE, page.pageSize, true);
  },
};

export const TRANSLATION_ENCODER: RecordEncoder<VirtualTranslation> = {
  size: VIRTUAL_TRANSLATION.SIZE,
  write(view, at, translation) {
    view.setBigUint64(at + VIRTUAL_TRANSLATION.IN_VIRTUAL, translation.inVirtual, true);
    view.setBigUint64(at + VIRTUAL_TRANSLATION.SIZE_FIELD, translation.size, true);
    writePhysicalAddress(view, at + VIRTUAL_TRANSLATION.OUT_PHYSICAL, translation.outPhysical);
  },
};

export const TRANSLATION_FAILURE_ENCODER: RecordEncoder<VirtualTranslationFailure> = {
  size: VIRTUAL_TRANSLATION_FAIL.SIZE,
  write(view, at, failure) {
    view.setBigUint64(at + VIRTUAL_TRANSLATION_FAIL.FROM, failure.from, true);
    view.setBigUint64(at + VIRTUAL_TRANSLATION_FAIL.SIZE_FIELD, failure.size, true);
  },
};
