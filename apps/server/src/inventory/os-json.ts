/**
 * memflow's OS values (core's frozen objects with bigint addresses) as the JSON of os-schemas.ts.
 * Used in the session worker, which sends them to the server as they are.
 */
import {
  type ExportInfo,
  formatArchitecture,
  type ImportInfo,
  type ModuleInfo,
  type OsInfo,
  type ProcessInfo,
  type SectionInfo,
} from "@memflow-ts/core";
import type { ModuleInfoJson, OsInfoJson, ProcessInfoJson, SectionJson, SymbolJson } from "./os-schemas.ts";

export const hex = (value: bigint): string => `0x${value.toString(16)}`;

export function osInfoJson(info: OsInfo): OsInfoJson {
  return { base: hex(info.base), size: hex(info.size), arch: formatArchitecture(info.arch) };
}

export function processInfoJson(info: ProcessInfo): ProcessInfoJson {
  return {
    address: hex(info.address),
    pid: info.pid,
    name: info.name,
    state: info.state.kind,
    exit_code: info.state.kind === "Dead" ? info.state.exitCode : null,
    path: info.path,
    command_line: info.commandLine,
    sys_arch: formatArchitecture(info.sysArch),
    proc_arch: formatArchitecture(info.procArch),
    dtb1: hex(info.dtb1),
    dtb2: hex(info.dtb2),
  };
}

export function moduleInfoJson(module: ModuleInfo): ModuleInfoJson {
  return {
    address: hex(module.address),
    parent_process: hex(module.parentProcess),
    base: hex(module.base),
    size: hex(module.size),
    name: module.name,
    path: module.path,
    arch: formatArchitecture(module.arch),
  };
}

export function symbolJson(symbol: ExportInfo | ImportInfo): SymbolJson {
  return { name: symbol.name, offset: hex(symbol.offset) };
}

export function sectionJson(section: SectionInfo): SectionJson {
  return { name: section.name, base: hex(section.base), size: hex(section.size) };
}
