/**
 * What the host hands an OS plugin: architectures, a ModuleInfo (whose imports, exports or
 * sections are asked for; the plugin only reads it) and a ProcessInfo (for process_by_info; the
 * shim copies its strings with malloc, since the plugin frees them). Strings point at
 * NUL-terminated bytes in `keepAlive`, which the caller holds until the call returns.
 */
import { ptr } from "bun:ffi";
import { MemflowError } from "../error.ts";
import type { ArchitectureIdent } from "../os/architecture.ts";
import type { ModuleInfo } from "../os/module-info.ts";
import type { ProcessInfo, ProcessState } from "../os/process-info.ts";
import {
  ARCHITECTURE_IDENT,
  ARCHITECTURE_TAG,
  MODULE_INFO,
  PROCESS_INFO,
  PROCESS_STATE,
  PROCESS_STATE_TAG,
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

export function encodeModuleInfo(module: ModuleInfo): Encoded {
  const bytes = new Uint8Array(MODULE_INFO.SIZE);
  const view = new DataView(bytes.buffer);
  const keepAlive: unknown[] = [];
  view.setBigUint64(MODULE_INFO.ADDRESS, module.address, true);
  view.setBigUint64(MODULE_INFO.PARENT_PROCESS, module.parentProcess, true);
  view.setBigUint64(MODULE_INFO.BASE, module.base, true);
  view.setBigUint64(MODULE_INFO.SIZE_FIELD, module.size, true);
  cString(view, MODULE_INFO.NAME, module.name, "the module name", keepAlive);
  cString(view, MODULE_INFO.PATH, module.path, "the module path", keepAlive);
  writeArchitecture(view, MODULE_INFO.ARCH, module.arch);
  return { bytes, keepAlive };
}

function writeState(view: DataView, at: number, state: ProcessState): void {
  const tag = { Unknown: PROCESS_STATE_TAG.UNKNOWN, Alive: PROCESS_STATE_TAG.ALIVE, Dead: PROCESS_STATE_TAG.DEAD };
  view.setUint32(at + PROCESS_STATE.TAG, tag[state.kind], true);
  view.setInt32(at + PROCESS_STATE.EXIT_CODE, state.kind === "Dead" ? state.exitCode : 0, true);
}

export function encodeProcessInfo(info: ProcessInfo): Encoded {
  const bytes = new Uint8Array(PROCESS_INFO.SIZE);
  const view = new DataView(bytes.buffer);
  const keepAlive: unknown[] = [];
  view.setBigUint64(PROCESS_INFO.ADDRESS, info.address, true);
  view.setUint32(PROCESS_INFO.PID, info.pid, true);
  writeState(view, PROCESS_INFO.STATE, info.state);
  cString(view, PROCESS_INFO.NAME, info.name, "the process name", keepAlive);
  cString(view, PROCESS_INFO.PATH, info.path, "the process path", keepAlive);
  cString(view, PROCESS_INFO.COMMAND_LINE, info.commandLine, "the command line", keepAlive);
  writeArchitecture(view, PROCESS_INFO.SYS_ARCH, info.sysArch);
  writeArchitecture(view, PROCESS_INFO.PROC_ARCH, info.procArch);
  view.setBigUint64(PROCESS_INFO.DTB1, info.dtb1, true);
  view.setBigUint64(PROCESS_INFO.DTB2, info.dtb2, true);
  return { bytes, keepAlive };
}
