/**
 * What an OS reports, as JSON: the one shape the CLI's `--json` and the server's OS routes both
 * answer with. Field names are memflow's (snake_case, as its serde derives spell them: `command_line`,
 * `sys_arch`, `parent_process`); 64-bit addresses and sizes are `0x…` hex strings, because JSON
 * numbers lose precision above 2^53 and kernel addresses are far above it; architectures are
 * memflow's Display (`x86_64`, `x86_32 PAE`); a state is `Alive`, `Dead` (with `exit_code`) or
 * `Unknown`.
 */

import { formatAddress } from "../memory/address.ts";
import type { OsInfo } from "../plugin/os.ts";
import { formatArchitecture } from "./architecture.ts";
import type { ExportInfo, ImportInfo, ModuleInfo, SectionInfo } from "./module-info.ts";
import type { ProcessInfo } from "./process-info.ts";

export interface OsInfoJson {
  base: string;
  size: string;
  arch: string;
}

export interface ProcessInfoJson {
  address: string;
  pid: number;
  name: string;
  state: ProcessInfo["state"]["kind"];
  /** A dead process's exit code, else null. */
  exit_code: number | null;
  path: string;
  command_line: string;
  sys_arch: string;
  proc_arch: string;
  dtb1: string;
  dtb2: string;
}

export interface ModuleInfoJson {
  address: string;
  parent_process: string;
  base: string;
  size: string;
  name: string;
  path: string;
  arch: string;
}

/** An import or an export: its offset from the module's base, and the address that makes. */
export interface SymbolJson {
  name: string;
  offset: string;
  address: string;
}

export interface SectionJson {
  name: string;
  base: string;
  size: string;
}

export function osInfoJson(info: OsInfo): OsInfoJson {
  return { base: formatAddress(info.base), size: formatAddress(info.size), arch: formatArchitecture(info.arch) };
}

export function processInfoJson(info: ProcessInfo): ProcessInfoJson {
  return {
    address: formatAddress(info.address),
    pid: info.pid,
    name: info.name,
    state: info.state.kind,
    exit_code: info.state.kind === "Dead" ? info.state.exitCode : null,
    path: info.path,
    command_line: info.commandLine,
    sys_arch: formatArchitecture(info.sysArch),
    proc_arch: formatArchitecture(info.procArch),
    dtb1: formatAddress(info.dtb1),
    dtb2: formatAddress(info.dtb2),
  };
}

export function moduleInfoJson(module: ModuleInfo): ModuleInfoJson {
  return {
    address: formatAddress(module.address),
    parent_process: formatAddress(module.parentProcess),
    base: formatAddress(module.base),
    size: formatAddress(module.size),
    name: module.name,
    path: module.path,
    arch: formatArchitecture(module.arch),
  };
}

export function symbolJson(module: ModuleInfo, symbol: ImportInfo | ExportInfo): SymbolJson {
  return {
    name: symbol.name,
    offset: formatAddress(symbol.offset),
    address: formatAddress(module.base + symbol.offset),
  };
}

export function sectionJson(section: SectionInfo): SectionJson {
  return { name: section.name, base: formatAddress(section.base), size: formatAddress(section.size) };
}
